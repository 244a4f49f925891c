"""Resolutions after the vote (R-MTG-4, R-MTG-6) through the services: adoption and its
refusals, progress reports by the carrying organisations, the written notice a major matter
needs before it is reported done, the check at a later meeting, reconsideration (复议),
actions contrary to a resolution, and the daily sweep of due dates."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.records import ConcurrentEditError
from gongzhi.meetings import services
from gongzhi.meetings.models import AgendaItem, ContraryAction, ProgressReport, Resolution
from gongzhi.meetings.workflow import (
    RESOLUTION_WORKFLOW,
    ItemState,
    ResolutionAction,
    ResolutionState,
)

from .scenario import vote_through as passed

pytestmark = pytest.mark.django_db


def _at(days: int, hour: int = 14):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.fixture
def ordinary(meeting, world, secretary, in_session):
    """An ordinary resolution of 新城's meeting in session: 新城一村业委会 leads, 申江物业 assists,
    due in 30 days."""
    item = services.propose_item(actor=secretary, meeting=meeting, title="增设非机动车棚")
    m = in_session()
    item = passed(item, m, secretary)
    return services.adopt_resolution(
        actor=secretary,
        item=item,
        text="业委会牵头、物业协助在1号楼旁增设车棚",
        lead=world.orgs["oc1"],
        co_organizations=[world.orgs["pc"]],
        due=timezone.localdate() + timedelta(days=30),
    )


@pytest.fixture
def major(meeting, world, secretary, in_session, major_kind):
    """A major resolution (房屋维修) led by 新城一村业委会; the vote went ahead on a recorded
    waiver of the parties' positions."""
    item = services.propose_item(actor=secretary, meeting=meeting, title="外立面维修", major_kind=major_kind)
    item = services.waive_consultation(
        actor=secretary, item=item, reason="各方已在会前口头表态", expected_version=item.version
    )
    m = in_session()
    item = passed(item, m, secretary)
    return services.adopt_resolution(
        actor=secretary,
        item=item,
        text="业委会牵头完成外立面维修",
        lead=world.orgs["oc1"],
        co_organizations=[world.orgs["pc"]],
        due=timezone.localdate() + timedelta(days=30),
    )


def fresh_resolution(resolution) -> Resolution:
    return Resolution.objects.get(pk=resolution.pk)


def set_state(resolution, state) -> Resolution:
    Resolution.objects.filter(pk=resolution.pk).update(state=state)
    return fresh_resolution(resolution)


# --- adopt_resolution -----------------------------------------------------------------------


def test_an_ordinary_resolution_is_adopted_on_a_passed_item(ordinary, world, meeting):
    r = fresh_resolution(ordinary)
    assert r.state == ResolutionState.IN_PROGRESS and not r.major
    assert r.lead == world.orgs["oc1"] and list(r.co_organizations.all()) == [world.orgs["pc"]]
    assert r.neighborhood == world.n1 and r.item.meeting == meeting
    assert r.number == timezone.localtime(meeting.starts_at).strftime("J%y%m-") + "01"


def test_a_major_resolution_is_marked_major(major):
    assert fresh_resolution(major).major is True


@pytest.fixture
def passed_item(meeting, secretary, in_session):
    item = services.propose_item(actor=secretary, meeting=meeting, title="楼道堆物清理")
    m = in_session()
    return passed(item, m, secretary)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lead": None}, "lead"),
        ({"due": -1}, "due"),
        ({"co_organizations": ["oc1", "pc"]}, "co_organizations"),  # oc1 leads and is listed as assisting
    ],
    ids=["lead-missing", "due-in-the-past", "lead-also-assisting"],
)
def test_adopt_resolution_refuses_incomplete_fields(passed_item, world, secretary, changes, field):
    fields = {"text": "物业限期清理", "lead": world.orgs["oc1"], "co_organizations": [], "due": 30}
    fields.update(changes)
    fields["co_organizations"] = [world.orgs[code] for code in fields["co_organizations"]]
    fields["due"] = timezone.localdate() + timedelta(days=fields["due"])
    with pytest.raises(ValidationError) as error:
        services.adopt_resolution(actor=secretary, item=passed_item, **fields)
    assert field in error.value.message_dict
    assert not Resolution.objects.exists()


def test_a_resolution_due_today_is_accepted(passed_item, world, secretary):
    r = services.adopt_resolution(
        actor=secretary, item=passed_item, text="当日完成", lead=world.orgs["oc1"], due=timezone.localdate()
    )
    assert fresh_resolution(r).due == timezone.localdate()


def test_no_resolution_on_an_item_that_has_not_passed(meeting, world, secretary, in_session):
    item = services.propose_item(actor=secretary, meeting=meeting, title="夜间巡逻")
    in_session()
    with pytest.raises(ValidationError, match="passed"):
        services.adopt_resolution(
            actor=secretary,
            item=item,
            text="派出所加强巡逻",
            lead=world.orgs["police"],
            due=timezone.localdate() + timedelta(days=7),
        )
    assert not Resolution.objects.exists()


def test_a_second_resolution_on_the_same_item_is_refused(ordinary, world, secretary):
    with pytest.raises(ValidationError, match="has its resolution already"):
        services.adopt_resolution(
            actor=secretary,
            item=ordinary.item,
            text="另一项决议",
            lead=world.orgs["pc"],
            due=timezone.localdate() + timedelta(days=7),
        )
    assert Resolution.objects.count() == 1


# --- report_progress ------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "org"), [("oc_member", "oc1"), ("property_manager", "pc")])
def test_the_lead_and_the_assisting_organisations_report_progress(ordinary, world, persona, org):
    report = services.report_progress(actor=world.users[persona], resolution=ordinary, text="已选定车棚位置")
    report = ProgressReport.objects.get(pk=report.pk)
    assert report.organization == world.orgs[org] and report.reported_by == world.users[persona]
    assert not report.done
    assert fresh_resolution(ordinary).state == ResolutionState.IN_PROGRESS


@pytest.mark.parametrize("persona", ["party_secretary", "rc_worker", "gov_staff", "resident"])
def test_others_may_not_report_progress(ordinary, world, persona):
    with pytest.raises(PermissionDenied):
        services.report_progress(actor=world.users[persona], resolution=ordinary, text="进展")
    assert not ProgressReport.objects.exists()


def test_only_the_lead_reports_the_resolution_carried_out(ordinary, world):
    with pytest.raises(ValidationError, match="Only the lead organisation"):  # said in words, not a 404
        services.report_progress(actor=world.users["property_manager"], resolution=ordinary, text="已完成", done=True)
    assert not ProgressReport.objects.exists()
    assert fresh_resolution(ordinary).state == ResolutionState.IN_PROGRESS
    report = services.report_progress(actor=world.users["oc_member"], resolution=ordinary, text="车棚已建成", done=True)
    assert report.done
    r = fresh_resolution(ordinary)
    assert r.state == ResolutionState.IMPLEMENTED and r.implemented_at is not None


def test_no_progress_report_once_reported_carried_out(ordinary, world):
    services.report_progress(actor=world.users["oc_member"], resolution=ordinary, text="车棚已建成", done=True)
    with pytest.raises(ValidationError):
        services.report_progress(actor=world.users["property_manager"], resolution=ordinary, text="补充说明")
    assert ProgressReport.objects.filter(resolution=ordinary).count() == 1


def test_a_major_resolution_is_reported_done_only_after_its_notice_is_published(major, world, secretary):
    from gongzhi.notices.services import create_notice, publish_notice

    lead = world.users["oc_member"]
    with pytest.raises(ValidationError, match="written notice"):
        services.report_progress(actor=lead, resolution=major, text="维修完成", done=True)
    assert fresh_resolution(major).state == ResolutionState.IN_PROGRESS
    assert not ProgressReport.objects.exists()

    closes_on = timezone.localdate() + timedelta(days=7)
    notice = create_notice(
        actor=lead,
        neighborhood=world.n1,
        compounds=[world.c1],
        title="关于外立面维修的通报",
        body="联席会议决定对外立面进行维修，请居民提出意见。",
        responsible=world.orgs["oc1"],
        closes_on=closes_on,
        resolution=major,
    )
    # A draft notice is not enough.
    with pytest.raises(ValidationError, match="written notice"):
        services.report_progress(actor=lead, resolution=major, text="维修完成", done=True)

    publish_notice(actor=lead, notice=notice, closes_on=closes_on, expected_version=notice.version)
    services.report_progress(actor=lead, resolution=major, text="维修完成", done=True)
    assert fresh_resolution(major).state == ResolutionState.IMPLEMENTED


def test_an_ordinary_resolution_needs_no_notice_to_be_reported_done(ordinary, world):
    services.report_progress(actor=world.users["oc_member"], resolution=ordinary, text="完成", done=True)
    assert fresh_resolution(ordinary).state == ResolutionState.IMPLEMENTED


# --- check_resolution -----------------------------------------------------------------------


def test_the_chair_closes_a_resolution_reported_carried_out(ordinary, world, secretary):
    services.report_progress(actor=world.users["oc_member"], resolution=ordinary, text="车棚已建成", done=True)
    r = fresh_resolution(ordinary)
    r = services.check_resolution(
        actor=secretary, resolution=r, close=True, note="现场查看，车棚已投入使用", expected_version=r.version
    )
    r = fresh_resolution(r)
    assert r.state == ResolutionState.CLOSED and r.closed_at is not None
    assert r.check_note == "现场查看，车棚已投入使用"


def test_the_chair_sends_back_a_resolution_not_yet_done(ordinary, world, secretary):
    from gongzhi.notifications.models import Notification

    services.report_progress(actor=world.users["oc_member"], resolution=ordinary, text="车棚已建成", done=True)
    r = fresh_resolution(ordinary)
    services.check_resolution(actor=secretary, resolution=r, close=False, note="照明未安装", expected_version=r.version)
    r = fresh_resolution(r)
    assert r.state == ResolutionState.IN_PROGRESS and r.closed_at is None and r.check_note == "照明未安装"
    assert Notification.objects.filter(user=world.users["oc_member"], text__contains="照明未安装").exists()


def test_only_the_chair_checks_a_resolution(ordinary, world):
    services.report_progress(actor=world.users["oc_member"], resolution=ordinary, text="车棚已建成", done=True)
    r = fresh_resolution(ordinary)
    with pytest.raises(PermissionDenied):
        services.check_resolution(
            actor=world.users["oc_member"], resolution=r, close=True, note="自查完成", expected_version=r.version
        )
    assert fresh_resolution(r).state == ResolutionState.IMPLEMENTED


def test_a_check_on_a_stale_version_is_refused(ordinary, world, secretary):
    services.report_progress(actor=world.users["oc_member"], resolution=ordinary, text="车棚已建成", done=True)
    r = fresh_resolution(ordinary)
    with pytest.raises(ConcurrentEditError):
        services.check_resolution(
            actor=secretary, resolution=r, close=True, note="关闭", expected_version=r.version - 1
        )
    assert fresh_resolution(r).state == ResolutionState.IMPLEMENTED


@pytest.mark.parametrize("close", [True, False], ids=["close", "send-back"])
@pytest.mark.parametrize("state", ResolutionState.values)
def test_the_check_follows_the_state_table(ordinary, secretary, state, close):
    action = ResolutionAction.CLOSE if close else ResolutionAction.SEND_BACK
    expected = RESOLUTION_WORKFLOW.target(action, state)
    r = set_state(ordinary, state)
    if expected is None:
        with pytest.raises(ValidationError):
            services.check_resolution(
                actor=secretary, resolution=r, close=close, note="检查", expected_version=r.version
            )
        assert fresh_resolution(r).state == state
    else:
        services.check_resolution(actor=secretary, resolution=r, close=close, note="检查", expected_version=r.version)
        assert fresh_resolution(r).state == expected
    # Only a resolution reported carried out is checked.
    assert (expected is not None) == (state == ResolutionState.IMPLEMENTED)


# --- reconsideration (复议) ------------------------------------------------------------------


@pytest.fixture
def next_meeting(world, secretary):
    """新城's next planned meeting, ten days from now."""
    return services.schedule_meeting(
        actor=secretary, neighborhood=world.n1, title="新城下次联席会议", starts_at=_at(10)
    )


def in_session_all_present(meeting, secretary):
    m = services.open_meeting(actor=secretary, meeting=meeting, expected_version=meeting.version)
    return services.record_attendance(
        actor=secretary, meeting=m, marks={i.pk: ("present", "") for i in m.invitees.all()}, expected_version=m.version
    )


def reconsider(resolution, world) -> AgendaItem | None:
    r = fresh_resolution(resolution)
    return services.request_reconsideration(
        actor=world.users["property_manager"], resolution=r, reason="消防部门要求改址", expected_version=r.version
    )


def test_reconsideration_puts_an_item_linked_to_the_resolution_on_the_next_planned_meeting(
    ordinary, world, next_meeting
):
    later = services.schedule_meeting(
        actor=world.users["party_secretary"], neighborhood=world.n1, title="再下次会议", starts_at=_at(25)
    )
    item = reconsider(ordinary, world)
    assert item.meeting == next_meeting and not later.items.filter(resolution=ordinary).exists()
    assert item.source == AgendaItem.Source.RECONSIDERATION and item.resolution == ordinary
    assert item.state == ItemState.ON_AGENDA and item.proposer == world.orgs["pc"]
    assert "消防部门要求改址" in item.description
    assert fresh_resolution(ordinary).state == ResolutionState.RECONSIDERING


def test_reconsideration_is_asked_only_by_the_carrying_organisations(ordinary, world, next_meeting):
    r = fresh_resolution(ordinary)
    with pytest.raises(PermissionDenied):
        services.request_reconsideration(
            actor=world.users["rc_worker"], resolution=r, reason="情况变化", expected_version=r.version
        )
    assert fresh_resolution(r).state == ResolutionState.IN_PROGRESS
    assert not next_meeting.items.filter(source=AgendaItem.Source.RECONSIDERATION).exists()


def test_without_a_planned_meeting_the_reconsideration_goes_to_the_next_one_scheduled(ordinary, world, secretary):
    assert reconsider(ordinary, world) is None
    assert fresh_resolution(ordinary).state == ResolutionState.RECONSIDERING
    nxt = services.schedule_meeting(actor=secretary, neighborhood=world.n1, title="新城下次联席会议", starts_at=_at(10))
    item = nxt.items.get(resolution=ordinary)
    assert item.source == AgendaItem.Source.RECONSIDERATION
    assert services.draft_agenda(nxt) == 0
    assert nxt.items.filter(resolution=ordinary).count() == 1


def test_a_reconsideration_passed_with_a_new_resolution_supersedes_the_old_one(
    ordinary, world, secretary, next_meeting
):
    item = reconsider(ordinary, world)
    m = in_session_all_present(next_meeting, secretary)
    item = passed(item, m, secretary)
    new = services.adopt_resolution(
        actor=secretary,
        item=item,
        text="车棚改建在2号楼北侧",
        lead=world.orgs["oc1"],
        due=timezone.localdate() + timedelta(days=40),
    )
    old = fresh_resolution(ordinary)
    assert old.state == ResolutionState.SUPERSEDED and old.superseded_by == new
    assert fresh_resolution(new).state == ResolutionState.IN_PROGRESS


def test_a_reconsideration_that_does_not_pass_keeps_the_resolution(ordinary, world, secretary, next_meeting):
    item = reconsider(ordinary, world)
    in_session_all_present(next_meeting, secretary)
    item.refresh_from_db()
    ballot = services.open_ballot(actor=secretary, item=item, expected_version=item.version)
    ballot = services.close_ballot(actor=secretary, ballot=ballot)  # nobody voted
    assert ballot.passed is False and ballot.yes == 0
    item.refresh_from_db()
    assert item.state == ItemState.NOT_PASSED
    old = fresh_resolution(ordinary)
    assert old.state == ResolutionState.IN_PROGRESS and old.superseded_by is None


def test_a_reconsideration_concluded_without_a_vote_keeps_the_resolution(ordinary, world, secretary, next_meeting):
    item = reconsider(ordinary, world)
    in_session_all_present(next_meeting, secretary)
    item.refresh_from_db()
    services.conclude_item(actor=secretary, item=item, outcome="维持原决议", expected_version=item.version)
    item.refresh_from_db()
    assert item.state == ItemState.NOTED
    assert fresh_resolution(ordinary).state == ResolutionState.IN_PROGRESS


def test_a_reconsideration_carried_over_and_passed_later_still_supersedes_the_old_resolution(
    ordinary, world, secretary, next_meeting
):
    reconsider(ordinary, world)
    m = in_session_all_present(next_meeting, secretary)
    services.end_meeting(actor=secretary, meeting=m, expected_version=m.version)  # not reached: carried over
    third = services.schedule_meeting(actor=secretary, neighborhood=world.n1, title="第三次会议", starts_at=_at(20))
    item = third.items.get(resolution=ordinary)
    m3 = in_session_all_present(third, secretary)
    item = passed(item, m3, secretary)
    new = services.adopt_resolution(
        actor=secretary,
        item=item,
        text="车棚改建在2号楼北侧",
        lead=world.orgs["oc1"],
        due=timezone.localdate() + timedelta(days=40),
    )
    old = fresh_resolution(ordinary)
    assert old.state == ResolutionState.SUPERSEDED and old.superseded_by == new


def test_a_closed_resolution_cannot_be_reconsidered(ordinary, world, next_meeting):
    r = set_state(ordinary, ResolutionState.CLOSED)
    with pytest.raises(ValidationError):
        services.request_reconsideration(
            actor=world.users["oc_member"], resolution=r, reason="情况变化", expected_version=r.version
        )
    assert fresh_resolution(r).state == ResolutionState.CLOSED
    assert not next_meeting.items.filter(source=AgendaItem.Source.RECONSIDERATION).exists()


# --- actions contrary to a resolution -------------------------------------------------------


def test_a_contrary_action_is_kept_against_the_organisation(ordinary, world, secretary):
    from gongzhi.core.models import AuditEntry

    pc = world.orgs["pc"]
    occurred = timezone.localdate() - timedelta(days=2)
    record = services.report_contrary_action(
        actor=secretary, resolution=ordinary, organization=pc, description="物业在原址堆放杂物", occurred_on=occurred
    )
    record = ContraryAction.objects.get(pk=record.pk)
    assert record.resolution == ordinary and record.organization == pc
    assert record.occurred_on == occurred and record.reported_by == secretary
    entry = AuditEntry.objects.get(
        action="orgs.organization.contrary_to_resolution", object_type="orgs.organization", object_id=str(pc.pk)
    )
    assert entry.after["resolution"] == ordinary.number and entry.after["occurred_on"] == occurred.isoformat()


def test_a_contrary_action_dated_in_the_future_is_refused(ordinary, world, secretary):
    from gongzhi.core.models import AuditEntry

    with pytest.raises(ValidationError) as error:
        services.report_contrary_action(
            actor=secretary,
            resolution=ordinary,
            organization=world.orgs["pc"],
            description="物业在原址堆放杂物",
            occurred_on=timezone.localdate() + timedelta(days=1),
        )
    assert "occurred_on" in error.value.message_dict
    assert not ContraryAction.objects.exists()
    assert not AuditEntry.objects.filter(action="orgs.organization.contrary_to_resolution").exists()


def test_a_contrary_action_is_recorded_by_the_chair_or_the_office_only(ordinary, world):
    with pytest.raises(PermissionDenied):
        services.report_contrary_action(
            actor=world.users["oc_member"],
            resolution=ordinary,
            organization=world.orgs["pc"],
            description="物业在原址堆放杂物",
            occurred_on=timezone.localdate(),
        )
    assert not ContraryAction.objects.exists()
    services.report_contrary_action(
        actor=world.users["office"],
        resolution=ordinary,
        organization=world.orgs["pc"],
        description="物业在原址堆放杂物",
        occurred_on=timezone.localdate(),
    )
    assert ContraryAction.objects.count() == 1


# --- sweep_resolutions ----------------------------------------------------------------------


def _new_notifications(since: int):
    from gongzhi.notifications.models import Notification

    return Notification.objects.filter(pk__gt=since)


def _last_notification() -> int:
    from gongzhi.notifications.models import Notification

    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_the_sweep_marks_an_overdue_resolution_once_and_tells_the_lead_and_the_party_organisation(ordinary, world):
    due = fresh_resolution(ordinary).due
    assert services.sweep_resolutions(due) == {"reminded": 1, "overdue": 0}  # due today: a reminder only
    mark = _last_notification()
    assert services.sweep_resolutions(due + timedelta(days=1)) == {"reminded": 0, "overdue": 1}
    r = fresh_resolution(ordinary)
    assert r.overdue_since == due + timedelta(days=1)
    told = set(_new_notifications(mark).filter(text__contains=r.number).values_list("user", flat=True))
    assert world.users["oc_member"].pk in told  # the lead, 新城一村业委会
    assert world.users["party_secretary"].pk in told  # 新城党总支
    assert world.users["property_manager"].pk in told  # the assisting 申江物业
    assert world.users["rc_worker"].pk not in told
    assert all("overdue" in n.text for n in _new_notifications(mark))

    mark = _last_notification()
    assert services.sweep_resolutions(due + timedelta(days=1)) == {"reminded": 0, "overdue": 0}
    assert services.sweep_resolutions(due + timedelta(days=5)) == {"reminded": 0, "overdue": 0}
    assert fresh_resolution(ordinary).overdue_since == due + timedelta(days=1)
    assert not _new_notifications(mark).exists()


def test_the_sweep_reminds_once_within_the_reminder_days_before_the_due_date(ordinary, world):
    r = fresh_resolution(ordinary)
    days = services.settings_for(world.town.pk).resolution_reminder_days
    assert days == 3
    assert services.sweep_resolutions(r.due - timedelta(days=4)) == {"reminded": 0, "overdue": 0}
    assert fresh_resolution(r).reminded_on is None

    mark = _last_notification()
    assert services.sweep_resolutions(r.due - timedelta(days=3)) == {"reminded": 1, "overdue": 0}
    assert fresh_resolution(r).reminded_on == r.due - timedelta(days=3)
    told = _new_notifications(mark)
    assert set(told.values_list("user", flat=True)) >= {world.users["oc_member"].pk}
    assert all(r.number in n.text for n in told)

    mark = _last_notification()
    assert services.sweep_resolutions(r.due - timedelta(days=3)) == {"reminded": 0, "overdue": 0}
    assert services.sweep_resolutions(r.due - timedelta(days=1)) == {"reminded": 0, "overdue": 0}
    assert fresh_resolution(r).reminded_on == r.due - timedelta(days=3)
    assert not _new_notifications(mark).exists()


def test_the_sweep_leaves_resolutions_reported_carried_out_alone(ordinary, world):
    services.report_progress(actor=world.users["oc_member"], resolution=ordinary, text="车棚已建成", done=True)
    due = fresh_resolution(ordinary).due
    assert services.sweep_resolutions(due + timedelta(days=1)) == {"reminded": 0, "overdue": 0}
    assert fresh_resolution(ordinary).overdue_since is None


def test_an_assisting_organisation_is_not_offered_the_lead_box_and_keeps_its_input(ordinary, world, client_for):
    """Issue 10, finding 1: the assisting company is not shown "carried out in full"; a post that
    ticks it anyway is refused in words with the typed progress kept, and nothing is saved."""
    client = client_for("property_manager")
    page = client.get(ordinary.get_absolute_url()).content.decode()
    assert 'name="text"' in page and 'type="checkbox" name="done"' not in page  # not offered
    lead_page = client_for("oc_member").get(ordinary.get_absolute_url()).content.decode()
    assert 'type="checkbox" name="done"' in lead_page
    response = client.post(
        f"/meetings/resolutions/{ordinary.uid}/act/progress/", {"text": "已联系三家施工单位报价", "done": "on"}
    )
    assert response.status_code == 400  # the page again, with the reason on the form
    html = response.content.decode()
    assert "Only the lead organisation" in html and "已联系三家施工单位报价" in html
    assert not ProgressReport.objects.exists()
    assert (
        client.post(
            f"/meetings/resolutions/{ordinary.uid}/act/progress/", {"text": "已联系三家施工单位报价"}
        ).status_code
        == 302
    )
    assert ProgressReport.objects.get().organization == world.orgs["pc"]


def test_the_list_filters_what_ones_organisation_leads_or_assists(ordinary, world, client_for):
    """Issue 10, finding 9: the property manager's week starts from "we lead / we assist"."""
    client = client_for("property_manager")  # 申江物业 assists the ordinary resolution
    url = reverse("meetings:resolutions")

    def listed(query):
        return ordinary.number in client.get(f"{url}?{query}").content.decode()

    assert listed("role=any") and listed("role=assist") and not listed("role=lead")
    assert listed("role=nonsense")  # an unknown filter is no filter
    assert ordinary.number in client_for("oc_member").get(f"{url}?role=lead").content.decode()
    assert 'data-testid="role-filter"' not in client_for("leader").get(url).content.decode()  # carries nothing out


def test_home_tells_the_carrying_organisations_what_is_underway_and_due(ordinary, world, client_for):
    home = client_for("property_manager").get("/").content.decode()
    assert "1 resolution your organisation leads or assists with is being carried out." in home
    Resolution.objects.filter(pk=ordinary.pk).update(due=timezone.localdate() + timedelta(days=3))
    home = client_for("property_manager").get("/").content.decode()
    assert "1 resolution your organisation leads or assists with is due within 7 days." in home
    assert "?show=open&amp;role=any" in home
