"""The leadership group's meetings: scheduling with the member units' attendance, the agenda from
the office's reports, the urged records and the group's decisions, approving a report at the
meeting (a member of the group, not the office), decisions assigned to units and followed up by
the resolutions' machinery, closing with the minutes; every refusal said in words with nothing
written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.core.workflow import ConcurrentEditError
from gongzhi.evaluation_reports.tests.factories import started, with_cases
from gongzhi.evaluation_reports.workflow import ReportState
from gongzhi.leadership import agenda, services
from gongzhi.leadership.models import Attendance, GroupMeeting, Item
from gongzhi.leadership.workflow import ItemOutcome, MeetingState
from gongzhi.meetings import services as meeting_services
from gongzhi.meetings.models import Resolution
from gongzhi.meetings.workflow import ResolutionState
from gongzhi.notifications.models import Notification
from gongzhi.supervision import services as supervision_services

from .factories import TODAY, at, held, scheduled, units

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(TODAY)]


def test_a_meeting_lists_every_member_unit_and_tells_the_group(world):
    meeting = scheduled(world)
    assert meeting.state == MeetingState.SCHEDULED and meeting.body == world.bodies["leadership"]
    rows = list(meeting.attendance.values_list("label", "organization_id", "status"))
    assert rows == [("陈行派出所", world.orgs["police"].pk, "unknown"), ("文明办", None, "unknown")]
    told = set(Notification.objects.filter(url=meeting.get_absolute_url()).values_list("user_id", flat=True))
    assert {world.users["leader"].pk, world.users["gov_staff"].pk} <= told


def test_only_the_office_and_the_group_schedule_and_a_town_needs_its_group(world):
    units(world)
    for persona in ("party_secretary", "inspector", "gov_staff"):
        with pytest.raises(PermissionDenied):
            services.schedule_meeting(
                actor=world.users[persona], town=world.town, title="x", starts_at=at("2026-10-20 09:00")
            )
    with pytest.raises(ValidationError) as refused:
        services.schedule_meeting(actor=world.users["office"], town=world.town, title=" ", starts_at=None)
    assert set(refused.value.message_dict) == {"title", "starts_at"}
    type(world.bodies["leadership"]).objects.filter(pk=world.bodies["leadership"].pk).update(kind="office", number=9)
    with pytest.raises(ValidationError, match="no leadership group"):
        services.schedule_meeting(
            actor=world.users["office"], town=world.town, title="x", starts_at=at("2026-10-20 09:00")
        )
    assert not GroupMeeting.objects.exists()


def test_the_agenda_offers_the_reports_the_urged_records_and_the_decisions_to_check(
    world, django_capture_on_commit_callbacks
):
    with_cases(world)
    report = started(world, django_capture_on_commit_callbacks)
    report = services.report_services.submit(actor=world.users["office"], report=report, version=report.version)
    meeting = scheduled(world)
    offered = agenda.suggestions(meeting)
    assert offered.reports == [report] and not offered.follow_ups
    item = services.add_item(actor=world.users["office"], meeting=meeting, source="report", record=report)
    assert item.title == report.title and item.order == 1
    assert agenda.suggestions(meeting).reports == []
    with pytest.raises(ValidationError, match="on the agenda already"):
        services.add_item(actor=world.users["office"], meeting=meeting, source="report", record=report)
    with pytest.raises(ValidationError, match="Say what the matter is"):
        services.add_item(actor=world.users["office"], meeting=meeting, source="other", title="  ")
    assert meeting.items.count() == 1


def test_the_group_approves_the_report_at_its_meeting_and_the_office_cannot(world, django_capture_on_commit_callbacks):
    with_cases(world)
    report = started(world, django_capture_on_commit_callbacks)
    report = services.report_services.submit(actor=world.users["office"], report=report, version=report.version)
    meeting = scheduled(world)
    item = services.add_item(actor=world.users["office"], meeting=meeting, source="report", record=report)
    meeting.refresh_from_db()
    services.hold(actor=world.users["office"], meeting=meeting, version=meeting.version)
    with pytest.raises(ValidationError, match="not the office"):
        services.conclude_item(
            actor=world.users["office"], item=item, outcome="concluded", conclusion="同意", version=item.version,
            report_decision="approve",
        )  # fmt: skip
    item.refresh_from_db()
    report.refresh_from_db()
    assert item.outcome == ItemOutcome.PENDING and report.state == ReportState.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        services.conclude_item(
            actor=world.users["leader"], item=item, outcome="concluded", conclusion="审议通过，同意印发。",
            version=item.version, report_decision="approve",
        )  # fmt: skip
    report.refresh_from_db()
    item.refresh_from_db()
    assert report.state == ReportState.APPROVED and report.approved_by == world.users["leader"]
    assert report.files_at is not None  # the files job ran on commit
    assert item.outcome == ItemOutcome.CONCLUDED and item.concluded_by == world.users["leader"]
    with pytest.raises(ValidationError, match="concluded already"):
        services.conclude_item(
            actor=world.users["leader"], item=item, outcome="concluded", conclusion="再次", version=item.version,
            report_decision="approve",
        )  # fmt: skip


def test_a_decision_is_a_resolution_of_the_group_followed_up_like_the_joint_meetings(world):
    meeting = held(world, scheduled(world))
    item = meeting.items.get()
    decision = services.adopt_decision(
        actor=world.users["leader"], item=item, text="加强停车秩序整治", lead=world.orgs["police"],
        due=at("2026-11-30 00:00").date(), neighborhood=world.n1,
    )  # fmt: skip
    resolution = decision.resolution
    assert resolution.body == world.bodies["leadership"] and resolution.item is None and resolution.congress is None
    assert resolution.number == "L2610-01" and resolution.neighborhood == world.n1
    assert Notification.objects.filter(user=world.users["gov_staff"], url=resolution.get_absolute_url()).exists()
    # the unit reports it carried out; the group checks it at a later meeting
    meeting_services.report_progress(actor=world.users["gov_staff"], resolution=resolution, text="已完成", done=True)
    resolution.refresh_from_db()
    assert resolution.state == ResolutionState.IMPLEMENTED
    assert meeting_services.may_check(world.users["leader"], resolution)
    assert meeting_services.may_check(world.users["office"], resolution)
    assert not meeting_services.may_check(world.users["party_secretary"], resolution)
    with pytest.raises(ValidationError, match="reconsidered at the group's meeting"):
        meeting_services.request_reconsideration(
            actor=world.users["gov_staff"],
            resolution=resolution,
            reason="情况变化",
            expected_version=resolution.version,
        )
    later = scheduled(world, when="2026-10-15 16:00", title="领导小组2026年第4次会议")
    assert agenda.suggestions(later).follow_ups == [resolution]
    follow_up = services.add_item(actor=world.users["office"], meeting=later, source="follow_up", record=resolution)
    later.refresh_from_db()
    services.hold(actor=world.users["office"], meeting=later, version=later.version)
    services.conclude_item(
        actor=world.users["office"], item=follow_up, outcome="concluded", conclusion="经查已整改到位", version=follow_up.version,
        check="close",
    )  # fmt: skip
    resolution.refresh_from_db()
    assert resolution.state == ResolutionState.CLOSED and resolution.check_note == "经查已整改到位"


def test_an_overdue_decision_is_urged_and_the_urging_comes_back_to_the_group(world, clock):
    meeting = held(world, scheduled(world))
    resolution = services.adopt_decision(
        actor=world.users["office"], item=meeting.items.get(), text="限期完成", lead=world.orgs["police"],
        due=at("2026-10-16 00:00").date(),
    ).resolution  # fmt: skip
    clock.move_to("2026-10-20 10:00")
    assert Resolution.objects.overdue(at("2026-10-20 00:00").date()).filter(pk=resolution.pk).exists()
    urging = supervision_services.urge(actor=world.users["leader"], kind="resolution", obj=resolution, note="请抓紧")
    later = scheduled(world, when="2026-10-20 14:00", title="领导小组2026年第4次会议")
    offered = agenda.suggestions(later)
    assert urging in offered.matters and resolution in offered.follow_ups


def test_closing_needs_every_item_concluded_and_every_unit_recorded(world):
    meeting = held(world, scheduled(world))
    with pytest.raises(ValidationError) as refused:
        services.close_meeting(actor=world.users["office"], meeting=meeting, minutes="纪要", version=meeting.version)
    assert "1 items have no conclusion" in str(refused.value) and "2 member units" in str(refused.value)
    rows = {a.pk: a for a in meeting.attendance.all()}
    police, civ = (next(a for a in rows.values() if a.label == label) for label in ("陈行派出所", "文明办"))
    with pytest.raises(ValidationError, match="say who attended"):
        services.record_attendance(
            actor=world.users["office"], meeting=meeting, rows={police.pk: ("present", "")}, version=meeting.version
        )
    meeting = services.record_attendance(
        actor=world.users["office"], meeting=meeting,
        rows={police.pk: ("present", "王所长"), civ.pk: ("excused", "ignored")}, version=meeting.version,
    )  # fmt: skip
    assert list(meeting.attendance.values_list("status", "attendee")) == [("present", "王所长"), ("excused", "")]
    item = meeting.items.get()
    services.conclude_item(
        actor=world.users["office"], item=item, outcome="deferred", conclusion="下次会议再议", version=item.version
    )
    with pytest.raises(ConcurrentEditError):
        services.close_meeting(
            actor=world.users["office"], meeting=meeting, minutes="纪要", version=meeting.version - 1
        )
    meeting = services.close_meeting(
        actor=world.users["office"], meeting=meeting, minutes="会议听取了汇报。", version=meeting.version
    )
    assert meeting.state == MeetingState.CLOSED and meeting.closed_by == world.users["office"]
    with pytest.raises(ValidationError, match="Closed, minutes kept"):
        services.add_item(actor=world.users["office"], meeting=meeting, source="other", title="再加一项")
    # the deferred matter is offered to the next meeting
    later = scheduled(world, when="2026-10-15 16:00", title="领导小组2026年第4次会议")
    assert [i.title for i in agenda.suggestions(later).deferred] == ["停车难问题"]


def test_a_meeting_begins_on_its_day_with_an_agenda_and_a_deferred_item_decides_nothing(world):
    today = scheduled(world, title="今日会议")
    with pytest.raises(ValidationError, match="agenda is empty"):
        services.hold(actor=world.users["office"], meeting=today, version=today.version)
    meeting = scheduled(world, when="2026-10-16 09:00")
    services.add_item(actor=world.users["office"], meeting=meeting, source="other", title="议题")
    meeting.refresh_from_db()
    with pytest.raises(ValidationError, match="begins on that day"):
        services.hold(actor=world.users["office"], meeting=meeting, version=meeting.version)
    meeting = scheduled(world, title="领导小组2026年第4次会议")
    meeting = held(world, meeting)
    item = meeting.items.get()
    with pytest.raises(ValidationError, match="deferred item decides nothing"):
        services.conclude_item(
            actor=world.users["office"],
            item=item,
            outcome="deferred",
            conclusion="x",
            version=item.version,
            check="close",
        )
    with pytest.raises(ValidationError, match="Only an earlier decision is checked"):
        services.conclude_item(
            actor=world.users["office"],
            item=item,
            outcome="concluded",
            conclusion="x",
            version=item.version,
            check="close",
        )
    item.refresh_from_db()
    assert item.outcome == ItemOutcome.PENDING


def test_cancelling_says_why_and_tells_the_group(world):
    meeting = scheduled(world, when="2026-10-20 09:00")
    with pytest.raises(ValidationError):
        services.cancel_meeting(actor=world.users["office"], meeting=meeting, reason=" ", version=meeting.version)
    meeting = services.cancel_meeting(
        actor=world.users["office"], meeting=meeting, reason="改期", version=meeting.version
    )
    assert meeting.state == MeetingState.CANCELLED
    assert Notification.objects.filter(user=world.users["gov_staff"], text__contains="改期").exists()


def test_a_decision_names_an_organisation_of_the_town_and_a_date_to_come(world):
    meeting = held(world, scheduled(world))
    item = meeting.items.get()
    with pytest.raises(ValidationError) as refused:
        services.adopt_decision(
            actor=world.users["office"], item=item, text="", lead=world.orgs["other_rc"] if "other_rc" in world.orgs else None,
            due=at("2026-10-01 00:00").date(),
        )  # fmt: skip
    assert {"text", "lead", "due"} <= set(refused.value.message_dict)
    assert not Resolution.objects.exists() and not item.decisions.exists()
    assert Attendance.objects.filter(meeting=meeting).count() == 2 and Item.objects.count() == 1
