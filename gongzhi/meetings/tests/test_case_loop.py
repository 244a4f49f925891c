"""The case ↔ joint-meeting loop (issue 9, R-MTG-3, R-MTG-4): escalating stops a case's clock; the
meeting's resolution puts the case back with the resolution's lead and due date, tells the
resident "联席会议决议 J…"; checking and closing the resolution resolves the case; an item ended
without a resolution gives the case back to its handler; a case is on one agenda once."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.cases import selectors
from gongzhi.cases import services as cases
from gongzhi.cases.models import Case, Category
from gongzhi.cases.workflow import State
from gongzhi.core.models import AuditEntry
from gongzhi.meetings import services
from gongzhi.meetings.models import AgendaCase, AgendaItem
from gongzhi.meetings.tests.scenario import vote_through
from gongzhi.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-02 10:00")]  # a Monday


@pytest.fixture
def escalated(world):
    """escalated(days_after_acceptance=0) → a parking case of 新城一村 reported by the resident,
    accepted by the property company and escalated by the residents' committee."""
    from gongzhi.cases.configuration import install_default_categories

    install_default_categories(actor=None, town=world.town)

    def make(description="车辆长期占用消防通道"):
        case = cases.submit_case(
            actor=None,
            report=cases.Report(
                compound=world.c1,
                category=Category.objects.get(town=world.town, code="PARKING"),
                description=description,
                reporter_name="居民甲",
                reporter_phone="13800000001",
            ),
            channel="qr",
            reporter_user=world.users["resident"],
        )
        case = cases.accept_case(actor=world.users["property_manager"], case=case, expected_version=case.version)
        return cases.escalate_case(
            actor=world.users["rc_worker"], case=case, reason="涉及物业、业委会和派出所", expected_version=case.version
        )

    return make


def meeting_on(world, secretary, day: date, title="新城联席会议"):
    start = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=14)
    return services.schedule_meeting(actor=secretary, neighborhood=world.n1, title=title, starts_at=start)


def in_session(meeting, secretary):
    m = services.open_meeting(actor=secretary, meeting=meeting, expected_version=meeting.version)
    return services.record_attendance(
        actor=secretary, meeting=m, marks={i.pk: ("present", "") for i in m.invitees.all()}, expected_version=m.version
    )


def decide(world, secretary, clock, case, due=date(2026, 11, 30)):
    """The case goes on a meeting two days later, which adopts a resolution led by the owners'
    committee, assisted by the police station."""
    clock.move_to("2026-11-04 13:00")
    meeting = meeting_on(world, secretary, clock.today)
    item = meeting.items.get(cases=case)
    m = in_session(meeting, secretary)
    vote_through(item, m, secretary)
    item.refresh_from_db()
    resolution = services.adopt_resolution(
        actor=secretary,
        item=item,
        text="业委会牵头划定禁停区，派出所配合整治",
        lead=world.orgs["oc1"],
        co_organizations=[world.orgs["police"]],
        due=due,
    )
    return m, item, resolution


def test_escalation_stops_the_clock_and_the_resolution_puts_the_case_back(
    world, escalated, clock, client_for, django_capture_on_commit_callbacks
):
    secretary = world.users["party_secretary"]
    case = escalated()
    assert case.resolve_due == date(2026, 11, 9)
    clock.move_to("2026-11-12 09:00")  # past the case's own deadline while it waits
    assert cases.sweep(clock.today)["resolve_overdue"] == 0
    office = world.users["office"]
    assert selectors.inbox(office, "meeting").filter(pk=case.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        _m, _item, resolution = decide(world, secretary, clock, case)
    case = Case.objects.get(pk=case.pk)
    assert resolution.number.startswith("J2611-")
    assert case.state == State.IN_PROGRESS and case.meeting_resolution == resolution.number
    assert case.handler == world.orgs["oc1"] and case.resolve_due == date(2026, 11, 30)
    assert set(case.co_handlers.all()) == {world.orgs["police"]}
    decided = AuditEntry.objects.get(action="cases.case.decide", object_id=str(case.pk))
    assert decided.after["co_handlers"] == [world.orgs["police"].pk]  # the history says who assists
    assert not case.late and not case.resolve_overdue
    assert not selectors.inbox(office, "meeting").filter(pk=case.pk).exists()  # the count drops
    # The resident hears it once, with the resolution's number, and reads it on the tracking page.
    told = Notification.objects.filter(user=world.users["resident"], text__contains=resolution.number)
    assert told.count() == 1
    track = client_for("resident").get(case.tracking_url()).content.decode()
    assert f"resolution {resolution.number}" in track and "2026-11-30" in track
    assert "Joint-meeting resolution" in track
    staff_page = client_for("oc_member").get(case.get_absolute_url()).content.decode()
    assert 'data-testid="meeting-resolution"' in staff_page and "/act/resolve/" in staff_page
    # Its date is the resolution's: no explanation, extension or new escalation is offered or taken.
    assert "/act/explain/" not in staff_page and "/act/escalate/" not in staff_page
    with pytest.raises(ValidationError, match="reconsideration"):
        cases.escalate_case(
            actor=world.users["rc_worker"], case=case, reason="再次提交联席会议", expected_version=case.version
        )


def test_closing_the_resolution_resolves_the_case_in_time_when_carried_out_by_its_date(world, escalated, clock):
    secretary = world.users["party_secretary"]
    case = escalated()
    _m, _item, resolution = decide(world, secretary, clock, case)
    clock.move_to("2026-11-25 10:00")
    services.report_progress(
        actor=world.users["oc_member"], resolution=resolution, text="禁停区已划定，标识已安装", done=True
    )
    clock.move_to("2026-12-07 15:00")  # checked at a later meeting, after the due date
    resolution.refresh_from_db()
    services.check_resolution(
        actor=secretary, resolution=resolution, close=True, note="现场检查属实", expected_version=resolution.version
    )
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.RESOLVED and resolution.number in case.resolution
    assert case.handled_in_time is True and not case.late


def test_a_resolution_carried_out_after_its_date_leaves_the_case_late(world, escalated, clock):
    secretary = world.users["party_secretary"]
    case = escalated()
    _m, _item, resolution = decide(world, secretary, clock, case, due=date(2026, 11, 20))
    clock.move_to("2026-11-23 10:00")
    assert cases.sweep(clock.today)["resolve_overdue"] == 1  # the resolution's date is the case's deadline
    services.report_progress(actor=world.users["oc_member"], resolution=resolution, text="已完成", done=True)
    resolution.refresh_from_db()
    services.check_resolution(
        actor=secretary, resolution=resolution, close=True, note="已落实", expected_version=resolution.version
    )
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.RESOLVED and case.handled_in_time is False and case.late


def test_a_case_escalated_after_its_deadline_stays_late(world, escalated, clock):
    from gongzhi.cases.configuration import install_default_categories

    install_default_categories(actor=None, town=world.town)
    case = cases.submit_case(
        actor=None,
        report=cases.Report(
            compound=world.c1,
            category=Category.objects.get(town=world.town, code="PARKING"),
            description="车辆长期占用消防通道",
        ),
        channel="phone",
    )
    case = cases.accept_case(actor=world.users["property_manager"], case=case, expected_version=case.version)
    clock.move_to("2026-11-11 10:00")
    case = cases.escalate_case(
        actor=world.users["rc_worker"], case=case, reason="拖到期限之后才提交联席会议", expected_version=case.version
    )
    assert case.late and case.resolve_overdue
    case = cases.resolve_case(
        actor=world.users["property_manager"], case=case, resolution="已清理", expected_version=case.version
    )
    assert case.handled_in_time is False


def test_resolved_while_waiting_for_the_meeting_counts_in_time(world, escalated, clock):
    case = escalated()
    clock.move_to("2026-11-16 10:00")  # past the deadline of 11-09, but the clock stopped on 11-02
    case = cases.resolve_case(
        actor=world.users["property_manager"], case=case, resolution="车主已挪车", expected_version=case.version
    )
    assert case.handled_in_time is True and not case.late


def test_an_item_ended_without_a_resolution_gives_the_case_back(world, escalated, clock):
    secretary = world.users["party_secretary"]
    case = escalated()
    clock.move_to("2026-11-04 13:00")
    meeting = meeting_on(world, secretary, clock.today)
    item = meeting.items.get(cases=case)
    m = in_session(meeting, secretary)
    services.conclude_item(actor=secretary, item=item, outcome="各方同意由物业先行处置", expected_version=item.version)
    services.end_meeting(actor=secretary, meeting=m, expected_version=type(m).objects.get(pk=m.pk).version)
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.IN_PROGRESS and case.handler == world.orgs["pc"]
    assert case.resolve_due == date(2026, 11, 11)  # five working days from the meeting day
    assert not case.meeting_resolution


def test_a_carried_over_case_is_on_the_next_agenda_once(world, escalated, clock):
    secretary = world.users["party_secretary"]
    case = escalated()
    clock.move_to("2026-11-04 13:00")
    meeting = meeting_on(world, secretary, clock.today)
    item = meeting.items.get(cases=case)
    m = in_session(meeting, secretary)
    services.end_meeting(actor=secretary, meeting=m, expected_version=m.version)  # not reached: carried over
    item.refresh_from_db()
    assert item.state == "carried_over"
    nxt = meeting_on(world, secretary, date(2026, 11, 18), title="下次联席会议")
    assert nxt.items.filter(cases=case).count() == 1
    assert nxt.items.get(cases=case).source == AgendaItem.Source.CARRIED_OVER
    assert services.draft_agenda(nxt) == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaCase.objects.create(item=nxt.items.get(cases=case), case=case, meeting=nxt)
    other = services.propose_item(actor=secretary, meeting=nxt, title="另一议题")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaCase.objects.create(item=other, case=case, meeting=nxt)


def test_a_reconsideration_moves_the_case_to_the_new_resolution(world, escalated, clock):
    secretary = world.users["party_secretary"]
    case = escalated()
    m, _item, first = decide(world, secretary, clock, case)
    services.request_reconsideration(
        actor=world.users["oc_member"],
        resolution=first,
        reason="期限过紧，需要复议",
        expected_version=first.version,
    )
    services.end_meeting(actor=secretary, meeting=m, expected_version=type(m).objects.get(pk=m.pk).version)
    clock.move_to("2026-11-18 13:00")
    nxt = meeting_on(world, secretary, clock.today, title="复议会议")
    item = nxt.items.get(resolution=first)
    session = in_session(nxt, secretary)
    vote_through(item, session, secretary)
    item.refresh_from_db()
    second = services.adopt_resolution(
        actor=secretary, item=item, text="延长期限，物业牵头", lead=world.orgs["pc"], due=date(2026, 12, 15)
    )
    case = Case.objects.get(pk=case.pk)
    assert case.meeting_resolution == second.number and case.handler == world.orgs["pc"]
    assert case.resolve_due == date(2026, 12, 15)


@pytest.mark.frozen("2026-11-02 10:00")
def test_the_agenda_links_a_case_only_for_those_who_may_open_it(world, escalated, clock, client_for):
    """Issue 11, finding 13: every party of 新城 reads the item's case on the agenda; only those who
    may open the case get a link to it (新城二村's owners' committee no longer gets a 404)."""
    from django.test import Client

    from gongzhi.orgs.models import Organization
    from gongzhi.testing import MembershipFactory, OrganizationFactory, PersonFactory, login_for

    case = escalated()
    meeting = meeting_on(world, world.users["party_secretary"], date(2026, 11, 4))
    item = meeting.items.get(cases=case)
    url = item.get_absolute_url()
    assert case.get_absolute_url() in client_for("party_secretary").get(url).content.decode()
    committee = OrganizationFactory(
        town=world.town, kind=Organization.Kind.OWNERS_COMMITTEE, code="oc2", name="新城二村业委会", compound=world.c2
    )
    member = PersonFactory(town=world.town, name="二村委员")
    MembershipFactory(person=member, organization=committee, title="业委会委员")
    other = Client()
    other.force_login(login_for(member, "oc2member"))
    page = other.get(url)
    assert page.status_code == 200 and case.number in page.content.decode()
    assert other.get(case.get_absolute_url()).status_code == 404
    assert case.get_absolute_url() not in page.content.decode()
