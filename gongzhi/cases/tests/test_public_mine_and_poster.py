"""My reports (only one's own cases, by account or by mobile number) and the compound's QR poster
for the notice board (an A4 PDF for staff who see the compound)."""

import re
import zlib

import pytest
from django.test import Client

from gongzhi.cases import poster, services
from gongzhi.testing import UserFactory

pytestmark = pytest.mark.django_db


def embedded_fonts(pdf: bytes) -> set[bytes]:
    """The names of the fonts a PDF embeds (also inside compressed object streams)."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            chunks.append(zlib.decompress(pdf[match.end() : end]))
        except zlib.error:
            continue
    return {name for chunk in chunks for name in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)", chunk)}


def test_my_reports_lists_only_my_cases_newest_first(client_for, world, submit, categories):
    first = submit(description="一楼门禁坏了")
    by_phone = submit(channel="phone", actor=world.users["rc_worker"], description="电话反映的路灯问题")
    someone_else = submit(channel="phone", actor=world.users["rc_worker"], reporter_phone="13900000055")
    no_number = submit(channel="walk_in", actor=world.users["rc_worker"], reporter_phone="", reporter_name="路人")
    manager = world.users["property_manager"]
    first = services.accept_case(actor=manager, case=first, expected_version=first.version)
    services.resolve_case(actor=manager, case=first, resolution="已修好门禁", expected_version=first.version)
    page = client_for("resident").get("/my/cases/")
    assert page.status_code == 200
    listed = list(page.context["page_obj"])
    assert listed == [by_phone, first]
    html = page.content.decode()
    assert by_phone.tracking_url() in html and first.tracking_url() in html
    assert someone_else.number not in html and no_number.number not in html
    assert html.count('data-testid="awaits-feedback"') == 1


def test_an_account_without_a_number_never_sees_cases_without_a_number(world, submit):
    submit(channel="walk_in", actor=world.users["rc_worker"], reporter_phone="", reporter_name="路人")
    client = Client()
    client.force_login(UserFactory(username="nophone", phone=None))
    page = client.get("/my/cases/")
    assert list(page.context["page_obj"]) == []
    assert 'data-testid="no-cases"' in page.content.decode()


def test_my_reports_is_paginated_without_extra_queries(client_for, world, submit, django_assert_max_num_queries):
    from gongzhi.cases.models import CaseSettings

    CaseSettings.objects.update_or_create(town=world.town, defaults={"reports_per_phone_per_day": 100})
    for i in range(23):
        submit(description=f"第{i}个问题的描述")
    client = client_for("resident")
    with django_assert_max_num_queries(12):
        page = client.get("/my/cases/")
    assert len(page.context["page_obj"]) == 20
    assert len(client.get("/my/cases/?page=2").context["page_obj"]) == 3


def test_my_reports_sends_a_visitor_to_phone_sign_in(client):
    response = client.get("/my/cases/")
    assert response.status_code == 302 and response["Location"] == "/accounts/phone/?next=%2Fmy%2Fcases%2F"


def test_poster_is_a_pdf_for_staff_who_see_the_compound(client_for, world, settings):
    settings.SITE_URL = "https://gongzhi.example.gov.cn"
    response = client_for("rc_worker").get(f"/cases/poster/{world.c1.uid}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    fonts = embedded_fonts(response.content)
    assert any(b"WenQuanYi" in f or b"NotoSansCJK" in f for f in fonts), fonts  # Chinese in a CJK font, not boxes
    assert client_for("outsider").get(f"/cases/poster/{world.c1.uid}.pdf").status_code == 404
    assert client_for("resident").get(f"/cases/poster/{world.c1.uid}.pdf").status_code == 404


def test_poster_html_has_the_name_the_url_the_invite_code_and_the_committee(world, settings):
    settings.SITE_URL = "https://gongzhi.example.gov.cn/"
    committee = world.orgs["rc1"]
    committee.phone = "021-58000000"
    committee.save(update_fields=["phone"])
    html = poster.poster_html(world.c1)
    url = f"https://gongzhi.example.gov.cn/r/{world.c1.uid}/"
    assert poster.report_url(world.c1) == url
    assert "新城一村" in html and url in html and world.c1.invite_code in html
    assert "新城居委会" in html and "021-58000000" in html
    assert '<svg class="qr"' in html and "<path" in html and "<script" not in html
