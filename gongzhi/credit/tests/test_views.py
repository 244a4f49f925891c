"""The credit pages: the list with its filters and export, a file's history with every record shown
as what it is, the record's forms (a refused action keeps what was typed), the office's pages, the
credit report, the public lists, the home items and "my data"."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.accounts.personal_data import discover
from gongzhi.core.attention import items_for
from gongzhi.credit import services
from gongzhi.credit.models import CreditRecord
from gongzhi.credit.pdf import credit_report_html
from gongzhi.credit.workflow import RecordState
from gongzhi.testing import ContractFactory, OrganizationFactory, PersonFactory

from .factories import by_hand, pdf, scenario

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


@pytest.fixture
def s(world):
    return scenario(world)


def test_the_list_shows_each_file_with_its_grade(world, s, client_for):
    page = client_for("office").get(reverse("credit:home")).content.decode()
    assert "申江物业" in page and "浦东物业" in page and "property_manager人员" in page and "李经理" in page
    # 申江物业: three bad records of 5 by hand about the company → 80 − 15 = 65, B
    assert '<strong>B</strong> <small class="text-muted">65</small>' in page
    page = client_for("oc_member").get(reverse("credit:home")).content.decode()
    assert "申江物业" in page and "浦东物业" not in page and "李经理" not in page
    page = client_for("office").get(reverse("credit:home") + "?kind=manager").content.decode()
    assert "申江物业</a>" not in page and "李经理" in page


def test_the_list_links_the_towns_public_lists(world, s, client_for):
    public = reverse("credit:public", args=[world.town.code])
    assert public in client_for("property_manager").get(reverse("credit:home")).content.decode()
    assert public in client_for("office").get(reverse("credit:home")).content.decode()
    other = reverse("credit:public", args=[world.other.code])
    assert other not in client_for("office").get(reverse("credit:home")).content.decode()


def test_the_blacklist_filter(world, s, client_for):
    by_hand(world, s.pc2, kind="serious", points=10)
    page = client_for("office").get(reverse("credit:home") + "?level=blacklist").content.decode()
    assert "浦东物业" in page and "申江物业" not in page


def test_the_export_holds_the_same_standing(world, s, client_for):
    response = client_for("office").get(reverse("credit:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["申江物业"][3:5] == (65, "B")
    assert rows["浦东物业"][3:5] == (75, "A")


def test_a_file_shows_every_record_as_what_it_is(world, s, client_for, clock):
    withdrawn = services.decide_objection(
        actor=world.users["office"], record=s.objected, version=s.objected.version, uphold=False, reason="有误"
    )
    page = client_for("property_manager").get(reverse("credit:company", args=[s.pc.uid])).content.decode()
    assert "Withdrawn after objection" in page and "Correction to check" in page
    assert reverse("credit:record", args=[withdrawn.uid]) in page
    clock.shift(days=400)
    page = client_for("property_manager").get(reverse("credit:company", args=[s.pc.uid])).content.decode()
    assert page.count(">Expired<") == 3
    assert "<strong>AA</strong>" in page  # nothing counts any more: 80


def test_a_managers_file_follows_them(world, s, client_for):
    page = client_for("property_manager").get(reverse("credit:manager", args=[s.manager.uid])).content.decode()
    assert "小区经理未到岗" in page and "未按约定清运垃圾" not in page


def test_a_record_links_to_its_cause(world, s, client_for):
    record = services.record_by_rule(
        "inspections.overdue",
        company=s.pc,
        source_key="inspections.overdue:x",
        text="逾期",
        source_url="/inspections/orders/x/",
    )
    page = client_for("office").get(reverse("credit:record", args=[record.uid])).content.decode()
    assert 'href="/inspections/orders/x/"' in page and "Rectification order overdue" in page


def test_the_company_sees_its_forms_and_the_office_does_not(world, s, client_for):
    url = reverse("credit:record", args=[s.record.uid])
    page = client_for("property_manager").get(url).content.decode()
    assert "Object to this record" in page and "Ask for correction after rectification" in page
    page = client_for("office").get(url).content.decode()
    assert "Object to this record" not in page and "Decide the objection" not in page
    page = client_for("office").get(reverse("credit:record", args=[s.objected.uid])).content.decode()
    assert "Decide the objection" in page
    page = client_for("property_manager").get(reverse("credit:record", args=[s.objected.uid])).content.decode()
    assert "Object to this record" not in page and "Decide the objection" not in page


def test_a_refused_objection_keeps_what_was_typed(world, s, client_for, clock):
    clock.shift(days=16)
    response = client_for("property_manager").post(
        reverse("credit:record_object", args=[s.record.uid]),
        {"reason": "我们已在三日内清运完毕", "version": s.record.version},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "我们已在三日内清运完毕" in page and "The objection window closed on 2026-12-12" in page
    assert CreditRecord.objects.get(pk=s.record.pk).state == RecordState.ACTIVE


def test_the_company_objects_and_the_office_decides_through_the_pages(world, s, client_for):
    response = client_for("property_manager").post(
        reverse("credit:record_object", args=[s.record.uid]),
        {"reason": "已清运", "version": s.record.version, "evidence": [pdf()]},
    )
    assert response.status_code == 302
    record = CreditRecord.objects.get(pk=s.record.pk)
    assert record.state == RecordState.OBJECTED
    response = client_for("office").post(
        reverse("credit:record_decide", args=[record.uid]),
        {"reason": "复核属实", "version": record.version, "decision": "withdraw"},
    )
    assert response.status_code == 302
    assert CreditRecord.objects.get(pk=s.record.pk).state == RecordState.WITHDRAWN


def test_the_office_checks_a_correction_through_the_page(world, s, client_for):
    response = client_for("office").post(
        reverse("credit:record_check", args=[s.asked.uid]),
        {"reason": "现场复查已整改", "version": s.asked.version, "outcome": "correct"},
    )
    assert response.status_code == 302
    record = CreditRecord.objects.get(pk=s.asked.pk)
    assert record.state == RecordState.CORRECTED and record.corrected_on == timezone.localdate()


def test_the_office_writes_a_record_by_hand_on_its_page(world, s, client_for):
    client = client_for("office")
    response = client.post(
        reverse("credit:record_new"),
        {
            "company": s.pc.uid,
            "compound": world.c1.uid,
            "kind": "good",
            "points": "3",
            "text": "获评优秀",
            "evidence": [pdf()],
        },
    )
    assert response.status_code == 302
    record = CreditRecord.objects.get(text="获评优秀")
    assert response["Location"] == reverse("credit:record", args=[record.uid])
    response = client.post(
        reverse("credit:record_new"), {"company": s.pc.uid, "kind": "bad", "points": "5", "text": "没有证据的记录"}
    )
    assert response.status_code == 400
    assert "没有证据的记录" in response.content.decode() and "Attach the evidence" in response.content.decode()
    response = client.post(
        reverse("credit:record_new"),
        {"company": s.pc.uid, "kind": "bad", "points": "101", "text": "x", "evidence": [pdf()]},
    )
    assert response.status_code == 400


def test_the_settings_page_saves_the_mode(world, s, client_for):
    client = client_for("office")
    page = client.get(reverse("credit:settings"))
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "enabled_rules"}
    data.update(mode="points", enabled_rules=["cases.complaints"])
    response = client.post(reverse("credit:settings"), data)
    assert response.status_code == 302
    page = client.get(reverse("credit:company", args=[s.pc.uid])).content.decode()
    assert "demerit points" in page and "<strong>15</strong>" in page
    data["version"] = 0
    assert client.post(reverse("credit:settings"), data).status_code == 400


def test_the_credit_report_holds_the_standing_and_the_history(world, s):
    html = credit_report_html(s.pc, timezone.localdate())
    assert "申江物业" in html and ">B<" in html and "未按约定清运垃圾" in html and "Correction to check" in html


def test_the_credit_report_is_a_pdf(world, s, client_for):
    response = client_for("property_manager").get(reverse("credit:company_report", args=[s.pc.uid]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_the_public_lists_name_companies_only(world, s, client):
    by_hand(world, s.pc2, kind="serious", points=10)
    by_hand(world, s.pc, kind="good", points=40)  # 60 + 40 = 100: AAA
    page = client.get(reverse("credit:public", args=[world.town.code])).content.decode()
    red, black = page.split("Black list")
    assert "申江物业" in red and "浦东物业" in black
    assert "property_manager人员" not in page and "李经理" not in page


def test_the_home_items(world, s, clock):
    texts = [i.text for i in items_for(world.users["office"])]
    assert "1 objection to a credit record to decide" in texts and "1 correction request to check" in texts
    texts = [i.text for i in items_for(world.users["property_manager"])]
    assert "2 new credit records about your company (you may object)" in texts
    clock.shift(days=10)
    texts = [i.text for i in items_for(world.users["office"])]
    assert "1 correction request not checked in time" in texts
    assert not [i for i in items_for(world.users["rc_worker"]) if "credit" in i.text]


def test_my_data_lists_the_managers_records(world, s):
    sections, _not_included = discover()
    section = next(x for x in sections if x.key == "credit_records")
    rows = section.collect(world.users["property_manager"])
    assert [r["text"] for r in rows] == ["小区经理未到岗"] and rows[0]["company"] == "申江物业"
    assert section.collect(world.users["office"]) == []


def test_the_list_takes_as_many_queries_for_many_files(world, s, client_for, django_assert_max_num_queries):
    client = client_for("office")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("credit:home"))
    for n in range(5):
        company = by_hand(world, kind="good", points=1).company
        other = OrganizationFactory(town=world.town, kind="property_company", code=f"more{n}", name=f"物业{n}")
        ContractFactory(company=other, compound=world.c2, manager=PersonFactory(town=world.town))
        by_hand(world, other, compound=world.c2)
    assert company == s.pc
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("credit:home")).content.decode()
    assert "物业4" in page
