"""The leadership group's meeting pages (English): the list, scheduling, the agenda's suggestions
put on with a button, a refused conclusion keeping what was typed, the report's decision offered
to the group's members only, a decision assigned from the page and shown on the resolution's page,
the attendance form, the minutes PDF, and the home-page items."""

import pytest
from django.urls import reverse

from gongzhi.core.attention import items_for
from gongzhi.evaluation_reports.tests.factories import started, with_cases
from gongzhi.leadership.models import GroupMeeting
from gongzhi.leadership.workflow import MeetingState
from gongzhi.meetings.models import Resolution

from .factories import TODAY, held, scheduled, units

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(TODAY)]


def act(meeting, action):
    return reverse("leadership:act", args=[meeting.uid, action])


def test_scheduling_from_the_form(world, client_for):
    units(world)
    client = client_for("office")
    page = client.get(reverse("leadership:new")).content.decode()
    assert "领导小组 2026 meeting no. 1" in page
    refused = client.post(reverse("leadership:new"), {"title": "领导小组会议", "starts_at": "", "place": "三楼"})
    assert "领导小组会议" in refused.content.decode() and not GroupMeeting.objects.exists()
    done = client.post(
        reverse("leadership:new"), {"title": "领导小组会议", "starts_at": "2026-10-20T09:00", "place": "三楼"}
    )
    meeting = GroupMeeting.objects.get()
    assert done.status_code == 302 and done["Location"] == meeting.get_absolute_url()
    listing = client.get(reverse("leadership:home")).content.decode()
    assert "领导小组会议" in listing and reverse("leadership:new") in listing
    assert client_for("inspector").get(reverse("leadership:home")).status_code == 404


def test_a_submitted_report_is_put_on_the_agenda_and_decided_by_the_group(
    world, client_for, django_capture_on_commit_callbacks
):
    with_cases(world)
    report = started(world, django_capture_on_commit_callbacks)
    from gongzhi.evaluation_reports import services as report_services

    report_services.submit(actor=world.users["office"], report=report, version=report.version)
    meeting = scheduled(world)
    office = client_for("office")
    page = office.get(meeting.get_absolute_url()).content.decode()
    assert report.title in page and 'data-testid="suggest-report"' in page
    office.post(act(meeting, "add"), {"source": "report", "record": report.uid})
    meeting.refresh_from_db()
    item = meeting.items.get()
    assert item.report == report
    office.post(act(meeting, "hold"), {"version": meeting.version})
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    page = office.get(meeting.get_absolute_url()).content.decode()
    assert "Approve the report" not in page  # the office records; the group decides
    leader = client_for("leader")
    page = leader.get(meeting.get_absolute_url()).content.decode()
    assert "Approve the report (it is frozen)" in page
    url = reverse("leadership:item_act", args=[item.uid, "conclude"])
    refused = leader.post(
        url, {"version": item.version, "outcome": "concluded", "decision": "approve", "conclusion": ""}
    )
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    refused = leader.post(
        url, {"version": item.version, "outcome": "deferred", "decision": "approve", "conclusion": "留着这段话"}
    )
    assert refused.status_code == 400 and "留着这段话" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = leader.post(
            url, {"version": item.version, "outcome": "concluded", "decision": "approve", "conclusion": "同意"}
        )
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.state == "approved"


def test_a_decision_from_the_page_shows_on_the_resolutions_page(world, client_for):
    meeting = held(world, scheduled(world))
    item = meeting.items.get()
    office = client_for("office")
    url = reverse("leadership:item_act", args=[item.uid, "decide"])
    data = {"text": "开展停车秩序专项整治", "lead": world.orgs["police"].uid, "due": "2026-11-30", "neighborhood": ""}
    refused = office.post(url, {**data, "due": "2026-10-01"})
    assert refused.status_code == 400 and "开展停车秩序专项整治" in refused.content.decode()
    assert not Resolution.objects.exists()
    assert office.post(url, data).status_code == 302
    resolution = Resolution.objects.get()
    page = office.get(meeting.get_absolute_url()).content.decode()
    assert resolution.number in page and "陈行派出所" in page
    detail = client_for("gov_staff").get(resolution.get_absolute_url()).content.decode()
    assert "Decision of 领导小组" in detail and "Report progress" in detail
    assert "Decided at" not in detail  # the police reads the decision, not the group's meeting
    assert "Decided at" in office.get(resolution.get_absolute_url()).content.decode()
    listing = office.get(reverse("meetings:resolutions") + "?source=body").content.decode()
    assert resolution.number in listing


def test_attendance_closing_and_the_minutes_pdf(world, client_for):
    meeting = held(world, scheduled(world))
    office = client_for("office")
    rows = {a.label: a for a in meeting.attendance.all()}
    police, civ = rows["陈行派出所"], rows["文明办"]
    refused = office.post(
        act(meeting, "attendance"),
        {"version": meeting.version, f"status_{police.pk}": "present", f"who_{police.pk}": ""},
    )
    assert refused.status_code == 400 and "say who attended" in refused.content.decode()
    office.post(
        act(meeting, "attendance"),
        {
            "version": meeting.version,
            f"status_{police.pk}": "present",
            f"who_{police.pk}": "王所长",
            f"status_{civ.pk}": "absent",
        },
    )
    meeting.refresh_from_db()
    item = meeting.items.get()
    office.post(
        reverse("leadership:item_act", args=[item.uid, "conclude"]),
        {"version": item.version, "outcome": "concluded", "conclusion": "会议研究同意"},
    )
    refused = office.post(act(meeting, "close"), {"version": meeting.version, "minutes": ""})
    assert refused.status_code == 400
    done = office.post(act(meeting, "close"), {"version": meeting.version, "minutes": "会议听取了办公室汇报。"})
    assert done.status_code == 302
    pdf = office.get(reverse("leadership:minutes_pdf", args=[meeting.uid]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_home_items_for_the_office_and_the_group(world):
    meeting = scheduled(world)
    titles = [i.text for i in items_for(world.users["leader"])]
    assert any(meeting.title in t for t in titles)
    held(world, meeting)
    office_items = [i.text for i in items_for(world.users["office"])]
    assert any("has begun" in t for t in office_items)
    assert not any(meeting.title in i.text for i in items_for(world.users["party_secretary"]))
