"""The chair's day through the services: a major item consulted, voted, resolved; minutes
drafted, approved and locked."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.meetings import services
from gongzhi.meetings.models import AgendaItem, Invitee, Minutes, Position, Resolution
from gongzhi.meetings.workflow import ItemState, MeetingState, ResolutionState

from .scenario import vote_through

pytestmark = pytest.mark.django_db


def test_the_four_parties_are_invited(meeting, world):
    orgs = set(meeting.invitees.values_list("organization__code", flat=True))
    assert orgs == {"po1", "rc1", "oc1", "pc"}
    assert meeting.chair == world.people["party_secretary"]
    assert meeting.invitees.filter(voting=True).count() == meeting.invitees.count()


def test_major_item_from_proposal_to_resolution(meeting, world, secretary, in_session, major_kind, fresh):
    item = services.propose_item(
        actor=world.users["oc_member"],
        meeting=meeting,
        title="外立面粉刷",
        description="全部楼栋外立面重新粉刷",
        major_kind=major_kind,
    )
    assert item.proposer == world.orgs["oc1"]
    for persona, org in (("party_secretary", "po1"), ("rc_worker", "rc1"), ("oc_member", "oc1")):
        services.record_position(
            actor=world.users[persona], item=item, organization=world.orgs[org], stance="agree", expected_version=None
        )
    services.record_position(
        actor=world.users["property_manager"],
        item=item,
        organization=world.orgs["pc"],
        stance="conditional",
        text="需先确认维修资金",
        expected_version=None,
    )
    m = in_session()
    item = fresh(item)
    ballot = services.open_ballot(actor=secretary, item=item, expected_version=item.version)
    for invitee in m.invitees.all():
        services.cast_vote(actor=secretary, ballot=ballot, invitee=invitee, choice="yes")
    ballot = services.close_ballot(actor=secretary, ballot=ballot)
    assert ballot.passed and ballot.yes == m.invitees.count()
    item = fresh(item)
    assert item.state == ItemState.PASSED
    resolution = services.adopt_resolution(
        actor=secretary,
        item=item,
        text="由业委会牵头、物业协助完成外立面粉刷",
        lead=world.orgs["oc1"],
        co_organizations=[world.orgs["pc"]],
        due=timezone.localdate() + timedelta(days=30),
    )
    assert resolution.major and resolution.state == ResolutionState.IN_PROGRESS
    m = services.end_meeting(actor=secretary, meeting=m, expected_version=fresh(m).version)
    assert m.state == MeetingState.ENDED
    minutes = Minutes.objects.get(meeting=m)
    assert "外立面粉刷" in minutes.text and resolution.number in minutes.text
    minutes = services.approve_minutes(actor=secretary, minutes=minutes, expected_version=minutes.version)
    assert minutes.sha256 == minutes.digest()
    with pytest.raises(ValidationError):
        services.approve_minutes(actor=secretary, minutes=minutes, expected_version=minutes.version)
    with pytest.raises(ValidationError):
        services.edit_minutes(actor=secretary, minutes=minutes, text="改", expected_version=minutes.version)
    v2 = services.revise_minutes(actor=secretary, meeting=m, note="更正出席名单")
    assert v2.number == 2 and v2.text == minutes.text and not v2.approved
    assert fresh(minutes).approved


def test_major_item_needs_every_position_or_a_reason(meeting, world, secretary, in_session, major_kind, fresh):
    item = services.propose_item(actor=secretary, meeting=meeting, title="小区道路改造", major_kind=major_kind)
    services.record_position(
        actor=world.users["oc_member"], item=item, organization=world.orgs["oc1"], stance="agree", expected_version=None
    )
    in_session()
    item = fresh(item)
    with pytest.raises(ValidationError) as error:
        services.open_ballot(actor=secretary, item=item, expected_version=item.version)
    assert "新城党总支" in str(error.value) and "申江物业" in str(error.value)
    item = services.waive_consultation(
        actor=secretary, item=item, reason="物业公司两次未答复", expected_version=item.version
    )
    ballot = services.open_ballot(actor=secretary, item=item, expected_version=item.version)
    assert ballot.major


def test_a_vote_is_corrected_while_open_and_refused_after_closing(meeting, world, secretary, in_session, fresh):
    item = services.propose_item(actor=secretary, meeting=meeting, title="增设非机动车棚")
    m = in_session()
    ballot = services.open_ballot(actor=secretary, item=fresh(item), expected_version=fresh(item).version)
    voter = m.invitees.first()
    services.cast_vote(actor=secretary, ballot=ballot, invitee=voter, choice="yes")
    # Recorded wrongly: corrected while the ballot is open (one vote, the history keeps both).
    corrected = services.cast_vote(actor=secretary, ballot=ballot, invitee=voter, choice="no")
    assert ballot.votes.count() == 1 and corrected.choice == "no"
    entry = AuditEntry.objects.get(action="meetings.item.vote_correct")
    assert (entry.before["choice"], entry.after["choice"]) == ("yes", "no")
    services.close_ballot(actor=secretary, ballot=ballot)
    with pytest.raises(ValidationError, match="closed"):
        services.cast_vote(actor=secretary, ballot=ballot, invitee=voter, choice="yes")
    other = m.invitees.exclude(pk=voter.pk).first()
    with pytest.raises(ValidationError, match="closed"):
        services.cast_vote(actor=secretary, ballot=ballot, invitee=other, choice="yes")


def test_absent_and_non_voting_members_cannot_vote(meeting, world, secretary, in_session, fresh):
    guest = services.add_invitee(actor=secretary, meeting=meeting, name="陈警官", organization=world.orgs["police"])
    item = services.propose_item(actor=secretary, meeting=meeting, title="夜间巡逻")
    m = in_session({"rc_worker人员": ("absent", "")})
    ballot = services.open_ballot(actor=secretary, item=fresh(item), expected_version=fresh(item).version)
    with pytest.raises(ValidationError, match="without a vote"):
        services.cast_vote(actor=secretary, ballot=ballot, invitee=fresh(guest), choice="yes")
    absent = m.invitees.get(name="rc_worker人员")
    with pytest.raises(ValidationError, match="not recorded as present"):
        services.cast_vote(actor=secretary, ballot=ballot, invitee=absent, choice="yes")


def test_monthly_generation_twice_makes_one_meeting(world):
    from gongzhi.meetings.models import Meeting

    today = timezone.localdate()
    assert services.schedule_regular_meetings(today) == 2  # 新城 and 世博 have party organisations
    assert services.schedule_regular_meetings(today) == 0
    assert Meeting.objects.filter(kind="regular").count() == 2
    regular = Meeting.objects.get(kind="regular", neighborhood=world.n1)
    assert regular.period == f"{today:%Y-%m}"
    assert timezone.localtime(regular.starts_at).date() == services.nth_working_day(
        today.year, today.month, 6, world.town.pk
    )


def test_escalated_case_lands_on_the_agenda_and_its_reporter_hears_the_resolution(
    world, secretary, fresh, django_capture_on_commit_callbacks
):
    from gongzhi.accounts.sms import MemoryBackend
    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import Category
    from gongzhi.cases.services import Report, accept_case, escalate_case, submit_case

    install_default_categories(actor=None, town=world.town)
    case = submit_case(
        actor=None,
        report=Report(
            compound=world.c1,
            category=Category.objects.get(town=world.town, code="PARKING"),
            description="车辆堵塞消防通道",
            reporter_name="居民甲",
            reporter_phone="13800000001",
        ),
        channel="qr",
        reporter_user=world.users["resident"],
    )
    handler = world.users["property_manager"] if case.handler == world.orgs["pc"] else world.users["rc_worker"]
    case = accept_case(actor=handler, case=case, expected_version=case.version)
    case = escalate_case(
        actor=world.users["rc_worker"], case=case, reason="涉及物业、业委会和派出所", expected_version=case.version
    )
    meeting = services.schedule_regular_meetings(timezone.localdate()) and world.n1.meetings.get(kind="regular")
    item = meeting.items.get(source=AgendaItem.Source.CASES)
    assert list(item.cases.all()) == [case]
    assert services.draft_agenda(meeting) == 0  # already there
    m = services.open_meeting(actor=secretary, meeting=meeting, expected_version=meeting.version)
    m = services.record_attendance(
        actor=secretary, meeting=m, marks={i.pk: ("present", "") for i in m.invitees.all()}, expected_version=m.version
    )
    item = fresh(item)
    ballot = services.open_ballot(actor=secretary, item=item, expected_version=item.version)
    for invitee in m.invitees.all():
        services.cast_vote(actor=secretary, ballot=ballot, invitee=invitee, choice="yes")
    services.close_ballot(actor=secretary, ballot=ballot)
    MemoryBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the SMS goes out after commit
        services.adopt_resolution(
            actor=secretary,
            item=fresh(item),
            text="物业设置禁停标识，派出所配合整治",
            lead=world.orgs["pc"],
            co_organizations=[world.orgs["police"]],
            due=timezone.localdate() + timedelta(days=14),
        )
    assert any(sms.phone == "13800000001" and case.number in sms.message for sms in MemoryBackend.outbox)
    from gongzhi.notifications.models import Notification

    assert Notification.objects.filter(user=world.users["resident"], text__contains=case.number).exists()


def test_unreached_items_are_carried_over_to_the_next_meeting(meeting, world, secretary, in_session, fresh):
    item = services.propose_item(actor=secretary, meeting=meeting, title="楼道堆物清理")
    m = in_session()
    services.end_meeting(actor=secretary, meeting=m, expected_version=fresh(m).version)
    assert fresh(item).state == ItemState.CARRIED_OVER
    nxt = services.schedule_meeting(
        actor=secretary, neighborhood=world.n1, title="下次会议", starts_at=meeting.starts_at + timedelta(days=20)
    )
    carried = nxt.items.get(source=AgendaItem.Source.CARRIED_OVER, carried_from=item)
    assert carried.carried_from == item and carried.title == item.title


def test_positions_are_recorded_by_the_party_itself(meeting, world, major_kind):
    item = services.propose_item(
        actor=world.users["party_secretary"], meeting=meeting, title="改造", major_kind=major_kind
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_position(
            actor=world.users["rc_worker"],
            item=item,
            organization=world.orgs["pc"],
            stance="agree",
            expected_version=None,
        )
    p = services.record_position(
        actor=world.users["property_manager"],
        item=item,
        organization=world.orgs["pc"],
        stance="agree",
        expected_version=None,
    )
    from gongzhi.core.records import ConcurrentEditError

    with pytest.raises(ConcurrentEditError):
        services.record_position(
            actor=world.users["property_manager"],
            item=item,
            organization=world.orgs["pc"],
            stance="disagree",
            text="x",
            expected_version=None,
        )
    services.record_position(
        actor=world.users["property_manager"],
        item=item,
        organization=world.orgs["pc"],
        stance="disagree",
        text="费用过高",
        expected_version=p.version,
    )
    assert Position.objects.get(pk=p.pk).stance == "disagree"


def test_represented_needs_a_name(meeting, secretary, fresh):
    m = services.open_meeting(actor=secretary, meeting=meeting, expected_version=meeting.version)
    invitee = m.invitees.first()
    with pytest.raises(ValidationError, match="represents"):
        services.record_attendance(
            actor=secretary, meeting=m, marks={invitee.pk: ("represented", "")}, expected_version=m.version
        )
    m = services.record_attendance(
        actor=secretary, meeting=m, marks={invitee.pk: ("represented", "李四")}, expected_version=m.version
    )
    assert Invitee.objects.get(pk=invitee.pk).here


def test_resolution_needs_a_lead(meeting, world, secretary, in_session, fresh):
    item = services.propose_item(actor=secretary, meeting=meeting, title="议题")
    vote_through(item, in_session(), secretary)
    with pytest.raises(ValidationError) as error:
        services.adopt_resolution(actor=secretary, item=fresh(item), text="决议", lead=None, due=timezone.localdate())
    assert "lead" in error.value.message_dict
    assert not Resolution.objects.exists()


def test_the_periodic_sweep_adds_what_came_up_to_planned_agendas_once(meeting, world, secretary):
    from gongzhi.core.management.commands.periodic import run_once

    services.propose_item(actor=secretary, meeting=meeting, title="已有议题")
    case_item_count = meeting.items.count()
    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import Category
    from gongzhi.cases.services import Report, accept_case, escalate_case, submit_case

    install_default_categories(actor=None, town=world.town)
    case = submit_case(
        actor=None,
        report=Report(
            compound=world.c2,
            category=Category.objects.get(town=world.town, code="SECURITY"),
            description="夜间有人撬电动车锁",
        ),
        channel="phone",
    )
    case = accept_case(actor=world.users["rc_worker"], case=case, expected_version=case.version)
    escalate_case(
        actor=world.users["rc_worker"], case=case, reason="需派出所和物业共同处理", expected_version=case.version
    )
    assert services.refresh_agendas() == 1
    assert meeting.items.filter(cases=case).count() == 1
    assert meeting.items.count() == case_item_count + 1
    assert services.refresh_agendas() == 0
    run_once()  # also schedules this month's regular meetings
    second = run_once()
    assert second["agenda_items"] == 0 and second["meetings"] == 0
    assert AgendaItem.objects.filter(cases=case).count() == 1


def test_the_home_page_tells_the_company_its_annual_report_is_due(world, secretary, client_for):
    from datetime import datetime

    from gongzhi.meetings.models import AnnualReport, MeetingSettings

    services.settings_for(world.town.pk)
    day = timezone.localdate() + timedelta(days=3)
    MeetingSettings.objects.filter(town=world.town).update(annual_report_month=day.month)
    services.schedule_meeting(
        actor=secretary,
        neighborhood=world.n1,
        title="年度述职会议",
        starts_at=timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=14),
    )
    report = AnnualReport.objects.get(company=world.orgs["pc"])
    page = client_for("property_manager").get("/").content.decode()
    assert "1 annual report (年度述职) is due at an upcoming joint meeting" in page
    assert report.get_absolute_url() in page
    assert "annual report" not in client_for("oc_member").get("/").content.decode()


def test_the_minutes_record_when_the_meeting_actually_sat(meeting, secretary, in_session, fresh):
    """Issue 10, finding 4: the minutes say when the meeting was opened and ended, and the time it
    was called for when it sat on another day."""
    m = in_session()
    m = services.end_meeting(actor=secretary, meeting=m, expected_version=fresh(m).version)
    text = Minutes.objects.get(meeting=m).text
    opened, ended = timezone.localtime(m.opened_at), timezone.localtime(m.ended_at)
    called = timezone.localtime(meeting.starts_at)
    assert f"Held: {opened:%Y-%m-%d %H:%M}–{ended:%H:%M}" in text
    assert f"(called for {called:%Y-%m-%d %H:%M})" in text
