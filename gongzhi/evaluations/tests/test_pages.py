"""The pages: a quarter's neighborhood page shows each party's report received, missing or
overdue, the forums by category and the opinions; scoping; the forms; the Excel export."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core import registry
from gongzhi.evaluations import services
from gongzhi.evaluations.models import Forum, ForumOpinion, PartyReport, QuarterlyEvaluation
from gongzhi.places.models import Neighborhood

from .factories import open_quarter, part_of, record_forum

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-16 09:00")]
DUE = date(2026, 11, 25)


def test_the_neighborhood_page_shows_received_missing_and_overdue_reports(world, client_for, clock):
    evaluation = open_quarter(world, due=DUE)
    part = part_of(evaluation, world.n1)
    services.submit_report(
        actor=world.users["party_secretary"], part=part, organization=world.orgs["po1"], text="三季度汇报"
    )
    page = client_for("office").get(part.get_absolute_url()).content.decode()
    assert page.count("Not yet received") == 3 and "Received" in page and "Overdue" not in page
    assert "No survey yet this quarter." in page
    clock.move_to("2026-11-26 10:00")
    page = client_for("office").get(part.get_absolute_url()).content.decode()
    assert page.count(">Overdue<") == 3
    town = client_for("office").get(evaluation.get_absolute_url()).content.decode()
    assert "新城" in town and "世博" in town and "1 / 4" in town


def test_a_survey_section_replaces_the_empty_state(world, client_for, monkeypatch):
    from gongzhi.core.registry import PageSection

    part = part_of(open_quarter(world, due=DUE), world.n1)
    section = PageSection(
        1, "test.survey", "evaluations.neighborhood", "includes/empty.html", lambda r, o: {"text": "满意率 92%"}
    )
    monkeypatch.setitem(registry._sections, "test.survey", section)
    page = client_for("office").get(part.get_absolute_url()).content.decode()
    assert "满意率 92%" in page and "No survey yet this quarter." not in page


def test_another_towns_evaluation_is_not_found(world, client_for):
    evaluation = open_quarter(world, due=DUE)
    part = part_of(evaluation, world.n1)
    outsider = client_for("outsider")
    assert outsider.get(reverse("evaluations:list")).status_code == 200
    assert outsider.get(evaluation.get_absolute_url()).status_code == 404
    assert outsider.get(part.get_absolute_url()).status_code == 404
    assert evaluation.uid not in outsider.get(reverse("evaluations:list")).content.decode()


def test_a_party_sees_its_own_neighborhood_only(world, client_for):
    evaluation = open_quarter(world, due=DUE)
    rc = client_for("rc_worker")
    assert rc.get(part_of(evaluation, world.n1).get_absolute_url()).status_code == 200
    assert rc.get(part_of(evaluation, world.n2).get_absolute_url()).status_code == 404
    town = rc.get(evaluation.get_absolute_url()).content.decode()
    assert "新城" in town and "世博" not in town


def test_the_office_opens_a_quarter_on_its_page(world, client_for):
    office = client_for("office")
    response = office.post(reverse("evaluations:new"), {"year": 2026, "quarter": 4, "reports_due": "2026-12-10"})
    evaluation = QuarterlyEvaluation.objects.get()
    assert response.status_code == 302 and evaluation.town == world.town
    again = office.post(reverse("evaluations:new"), {"year": 2026, "quarter": 4, "reports_due": "2026-12-10"})
    assert again.status_code == 400 and "already been opened" in again.content.decode()
    assert QuarterlyEvaluation.objects.count() == 1


def test_a_party_submits_its_report_with_a_file(world, client_for):
    part = part_of(open_quarter(world, due=DUE), world.n1)
    client = client_for("oc_member")
    url = reverse("evaluations:report_new", args=[part.uid])
    assert "新城一村业委会" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "organization": world.orgs["oc1"].uid,
            "text": "",
            "file": SimpleUploadedFile("季度汇报.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    report = PartyReport.objects.get()
    download = client_for("leader").get(reverse("evaluations:report_file", args=[part.uid, report.uid]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 x"
    assert client.get(url).status_code == 404  # reported: nothing left to submit for the member


def test_the_inspector_records_a_forum_and_opinions_on_the_pages(world, client_for):
    part = part_of(open_quarter(world, due=DUE), world.n2)
    client = client_for("inspector")
    response = client.post(
        reverse("evaluations:forum_new", args=[part.uid]),
        {
            "held_on": "2026-11-16",
            "place": "世博家园活动室",
            "p_rc_cadre": "王芳",
            "p_owner_rep": "李强、赵敏\n孙丽",
            "p_property_rep": "张伟",
            "p_developer_rep": "",
            "p_congress_delegate": "陈静，周涛",
        },
    )
    assert response.status_code == 302
    forum = Forum.objects.get()
    assert forum.participants.count() == 7
    response = client.post(
        reverse("evaluations:opinion_new", args=[forum.uid]),
        {"text": "电梯维保不及时。", "organization": world.orgs["pc"].uid, "asks_for_action": "on"},
    )
    assert response.status_code == 302
    page = client.get(part.get_absolute_url()).content.decode()
    assert "Owner representative 3" in page and "电梯维保不及时。" in page and "To follow up" in page
    outside = client.get(reverse("evaluations:forum_new", args=[part_of(part.evaluation, world.n1).uid]))
    assert outside.status_code == 404


def test_the_opinions_export(world, client_for):
    part = part_of(open_quarter(world, due=DUE), world.n1)
    forum = record_forum(world, part)
    services.add_opinion(
        actor=world.users["office"],
        forum=forum,
        text="=垃圾分类点太远",
        organization=world.orgs["rc1"],
        asks_for_action=True,
    )
    response = client_for("leader").get(reverse("evaluations:export", args=[part.evaluation.uid]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "新城" and rows[1][3] == "=垃圾分类点太远" and rows[1][5] == "Yes"
    assert sheet.cell(2, 4).data_type == "s"


def test_list_page_query_count_is_flat(world, client_for, django_assert_max_num_queries):
    for year in (2024, 2025):
        for quarter in (1, 2, 3, 4):
            open_quarter(world, year=year, quarter=quarter, due=DUE)
    client = client_for("office")
    client.get(reverse("evaluations:list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("evaluations:list"))
    assert Neighborhood.objects.count() == 3 and ForumOpinion.objects.count() == 0


def test_the_office_closes_the_quarter_on_its_page(world, client_for):
    evaluation = open_quarter(world, due=DUE)
    office = client_for("office")
    stale = evaluation.version
    response = office.post(reverse("evaluations:close", args=[evaluation.uid]), {"version": stale})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert not evaluation.is_open
    again = office.post(reverse("evaluations:close", args=[evaluation.uid]), {"version": stale}, follow=True)
    assert "Someone else changed this record" in again.content.decode()
    part = part_of(evaluation, world.n1)
    page = client_for("party_secretary").get(part.get_absolute_url()).content.decode()
    assert "Submit our report" not in page
    assert client_for("party_secretary").get(reverse("evaluations:report_new", args=[part.uid])).status_code == 404
