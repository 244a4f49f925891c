"""The meeting pages as their users meet them: what each sees and may do, forms refused with their
errors and nothing saved, stale forms told, lists without N+1 queries, the minutes as a PDF."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.meetings import services
from gongzhi.meetings.models import AgendaItem, Meeting, Minutes

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


def test_the_chair_sees_the_actions_a_party_does_not(meeting, client_for):
    url = meeting.get_absolute_url()
    chair = page(client_for("party_secretary").get(url))
    assert "Open the meeting" in chair and "Send the invitations" in chair and "Propose an item" in chair
    owners = page(client_for("oc_member").get(url))
    assert "Open the meeting" not in owners and "Propose an item" in owners
    assert "新城一村业委会" in owners  # the owners' committee is invited


def test_scheduling_with_bad_input_saves_nothing(world, client_for):
    count = Meeting.objects.count()
    response = client_for("party_secretary").post(
        reverse("meetings:new"),
        {"neighborhood": world.n1.uid, "title": "", "starts_at": "2020-01-01T09:00", "place": ""},
    )
    assert response.status_code == 200
    assert "This field is required." in page(response)
    response = client_for("party_secretary").post(
        reverse("meetings:new"),
        {"neighborhood": world.n1.uid, "title": "临时会议", "starts_at": "2020-01-01T09:00", "place": ""},
    )
    assert "The meeting cannot start in the past." in page(response)
    assert Meeting.objects.count() == count


def test_scheduling_an_ad_hoc_meeting(world, client_for):
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_for("party_secretary").post(
        reverse("meetings:new"),
        {"neighborhood": world.n1.uid, "title": "停车整治专题会", "starts_at": when, "place": "会议室"},
    )
    meeting = Meeting.objects.get(title="停车整治专题会")
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.kind == "ad_hoc" and meeting.invitees.count() >= 4
    assert meeting.form == "joint"  # not chosen: the joint meeting


def test_scheduling_the_party_organisations_enlarged_meeting(world, client_for):
    when = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"neighborhood": world.n1.uid, "title": "党总支扩大会议", "starts_at": when, "place": "", "form": "enlarged"}
    client = client_for("party_secretary")
    assert client.post(reverse("meetings:new"), data).status_code == 302
    meeting = Meeting.objects.get(title="党总支扩大会议")
    assert meeting.form == "enlarged"
    assert "enlarged meeting (党组织扩大会议)" in page(client.get(meeting.get_absolute_url()))
    refused = client.post(reverse("meetings:new"), {**data, "title": "乱填", "form": "party"})
    assert refused.status_code == 200 and not Meeting.objects.filter(title="乱填").exists()


def test_another_neighborhood_cannot_be_chosen(world, client_for):
    response = client_for("party_secretary").post(
        reverse("meetings:new"),
        {"neighborhood": world.n2.uid, "title": "越权", "starts_at": "2030-01-01T09:00", "place": ""},
    )
    assert response.status_code == 200 and not Meeting.objects.filter(title="越权").exists()


def test_attendance_must_be_complete(meeting, secretary, client_for):
    services.open_meeting(actor=secretary, meeting=meeting, expected_version=meeting.version)
    meeting.refresh_from_db()
    first = meeting.invitees.first()
    response = client_for("party_secretary").post(
        reverse("meetings:act", args=[meeting.uid, "attendance"]),
        {"version": meeting.version, f"status_{first.pk}": "present"},
    )
    assert response.status_code == 400
    assert "Mark each person present, absent or represented." in page(response)
    assert not meeting.invitees.exclude(attendance="unknown").exists()


def test_everyone_present_in_one_click(meeting, secretary, client_for):
    """Issue 10, finding 4: "Everyone is present" marks every invitee present; the chair corrects after."""
    services.open_meeting(actor=secretary, meeting=meeting, expected_version=meeting.version)
    meeting.refresh_from_db()
    chair = client_for("party_secretary")
    assert 'data-testid="all-present"' in page(chair.get(meeting.get_absolute_url()))
    response = chair.post(
        reverse("meetings:act", args=[meeting.uid, "attendance"]), {"version": meeting.version, "all_present": "1"}
    )
    assert response.status_code == 302
    assert meeting.invitees.count() and not meeting.invitees.exclude(attendance="present").exists()


def test_opening_a_meeting_is_confirmed_and_warned_when_early(meeting, client_for, clock):
    """Issue 10, finding 4: the meeting is called for three days from now; opening it asks first and
    says so."""
    html = page(client_for("party_secretary").get(meeting.get_absolute_url()))
    assert 'data-testid="open-meeting"' in html
    day = timezone.localtime(meeting.starts_at).date()
    assert f"This meeting was called for {day.isoformat()}, 3 day(s) from now." in html
    clock.move_to(f"{day} 13:55")
    html = page(client_for("party_secretary").get(meeting.get_absolute_url()))
    assert "Open the meeting now? Attendance and votes are recorded from now on." in html


def test_voting_from_the_item_page(meeting, secretary, in_session, client_for, fresh):
    item = services.propose_item(actor=secretary, meeting=meeting, title="增设快递柜")
    m = in_session()
    chair = client_for("party_secretary")
    item = fresh(item)
    chair.post(reverse("meetings:item_act", args=[item.uid, "ballot"]), {"version": item.version})
    for invitee in m.invitees.all():
        chair.post(reverse("meetings:item_act", args=[item.uid, "vote"]), {"invitee": invitee.uid, "choice": "yes"})
    again = chair.post(
        reverse("meetings:item_act", args=[item.uid, "vote"]), {"invitee": m.invitees.first().uid, "choice": "no"}
    )
    assert again.status_code == 302  # a correction while the ballot is open (issue 10, finding 4)
    assert 'data-testid="correct-yes"' in page(chair.get(item.get_absolute_url()))
    chair.post(
        reverse("meetings:item_act", args=[item.uid, "vote"]), {"invitee": m.invitees.first().uid, "choice": "yes"}
    )
    chair.post(reverse("meetings:item_act", args=[item.uid, "close"]))
    item = fresh(item)
    assert item.state == "passed"
    text = page(chair.get(item.get_absolute_url()))
    assert f"{m.invitees.count()} yes, 0 no, 0 abstaining" in text
    assert 'data-testid="correct-yes"' not in text  # closed: nothing to correct
    assert "Adopt the resolution" in text


def test_a_stale_item_form_is_told_and_saves_nothing(meeting, secretary, client_for):
    item = services.propose_item(actor=secretary, meeting=meeting, title="原标题")
    old_version = item.version
    services.edit_item(
        actor=secretary,
        item=item,
        title="别人改的",
        description="",
        major_kind=None,
        order=1,
        expected_version=old_version,
    )
    response = client_for("party_secretary").post(
        reverse("meetings:item_act", args=[item.uid, "edit"]),
        {"version": old_version, "title": "我改的", "description": "", "order": 1},
    )
    assert response.status_code == 400
    assert "Someone else changed this record" in page(response)
    assert AgendaItem.objects.get(pk=item.pk).title == "别人改的"


def test_proposing_with_a_file_that_is_not_what_it_says(meeting, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("报价.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client_for("oc_member").post(
        reverse("meetings:propose", args=[meeting.uid]), {"title": "更换门禁", "files": [bad]}
    )
    assert response.status_code == 200
    assert "is not a genuine .pdf file" in page(response)
    assert not AgendaItem.objects.filter(title="更换门禁").exists()


def test_minutes_edit_approve_and_pdf(meeting, secretary, in_session, client_for, fresh):
    m = in_session()
    services.end_meeting(actor=secretary, meeting=m, expected_version=fresh(m).version)
    minutes = Minutes.objects.get(meeting=m)
    chair = client_for("party_secretary")
    url = reverse("meetings:minutes_act", args=[m.uid, "edit"])
    chair.post(url, {"version": minutes.version, "text": minutes.text + "\n会议于16时结束。"})
    minutes = fresh(minutes)
    assert minutes.text.endswith("会议于16时结束。")
    stale = chair.post(url, {"version": minutes.version - 1, "text": "覆盖"})
    assert stale.status_code == 400 and fresh(minutes).text.endswith("会议于16时结束。")
    chair.post(reverse("meetings:minutes_act", args=[m.uid, "approve"]), {"version": minutes.version})
    minutes = fresh(minutes)
    assert minutes.approved and minutes.sha256 == minutes.digest()
    response = client_for("oc_member").get(reverse("meetings:minutes_pdf", args=[m.uid]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_the_list_does_not_query_per_meeting(world, secretary, client_for):
    client = client_for("party_secretary")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("meetings:list")).status_code == 200
        return len(captured)

    start = timezone.now() + timedelta(days=3)
    services.schedule_meeting(actor=secretary, neighborhood=world.n1, title="一", starts_at=start)
    one = queries()
    for n in range(3):
        services.schedule_meeting(
            actor=secretary, neighborhood=world.n1, title=f"会{n}", starts_at=start + timedelta(days=n + 1)
        )
    assert queries() == one


def test_only_the_office_is_shown_the_meeting_rules(client_for):
    settings_url = reverse("meetings:settings")
    assert settings_url in page(client_for("office").get(reverse("meetings:list")))
    assert settings_url not in page(client_for("party_secretary").get(reverse("meetings:list")))


def test_the_resolutions_export_to_excel_within_scope(world, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    from .scenario import build

    scenario = build(world)
    response = client_for("party_secretary").get(reverse("meetings:resolution_export") + "?show=all")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "决议", "居民区")
    assert [r[0] for r in rows[1:]] == [scenario.resolution.number]
    assert rows[1][6] == "新城一村业委会" and rows[1][11] == 1 and rows[1][12] == "已选定位置"
    # 世博's inspection group sees no resolution of 新城.
    other = client_for("inspector").get(reverse("meetings:resolution_export") + "?show=all")
    assert list(load_workbook(BytesIO(other.content)).active.iter_rows(values_only=True))[1:] == []
