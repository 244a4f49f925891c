"""The case workflow: every allowed and every forbidden transition, who may take each action,
routing, deadlines in working days, concurrency, and the overdue sweep."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.cases import services
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import CASE_WORKFLOW, TERMINAL, Action, State
from gongzhi.core.models import AuditEntry
from gongzhi.core.records import ConcurrentEditError
from gongzhi.notifications.models import Notification

pytestmark = pytest.mark.django_db


# What may be done in each state, and where it leads: the agreed workflow written out by hand, state by
# state (the table in cases/workflow.py is written action by action). A change to the table must change this.
S, A = State, Action
EXPECTED = {
    S.SUBMITTED: {A.ACCEPT: S.ACCEPTED, A.REJECT: S.REJECTED, A.MERGE: S.MERGED, A.WITHDRAW: S.WITHDRAWN},
    S.ACCEPTED: {
        A.START: S.IN_PROGRESS,
        A.EXPLAIN: S.EXPLAINED,
        A.ESCALATE: S.ESCALATED,
        A.RESOLVE: S.RESOLVED,
        A.REJECT: S.REJECTED,
        A.MERGE: S.MERGED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.IN_PROGRESS: {
        A.EXPLAIN: S.EXPLAINED,
        A.DECIDE: S.IN_PROGRESS,  # a reconsideration replaced the resolution it is carried out under
        A.ESCALATE: S.ESCALATED,
        A.RESOLVE: S.RESOLVED,
        A.MERGE: S.MERGED,
        A.WITHDRAW: S.WITHDRAWN,
    },
    S.EXPLAINED: {A.EXTEND: S.EXPLAINED, A.ESCALATE: S.ESCALATED, A.RESOLVE: S.RESOLVED, A.WITHDRAW: S.WITHDRAWN},
    S.ESCALATED: {A.RESOLVE: S.RESOLVED, A.DECIDE: S.IN_PROGRESS, A.RETURN: S.IN_PROGRESS},
    S.RESOLVED: {
        A.CONFIRM: S.CLOSED,
        A.REOPEN: S.IN_PROGRESS,
        A.CLOSE_UNREACHABLE: S.CLOSED,
        A.CONFIRM_ON_SITE: S.CLOSED,
    },
    S.CLOSED: {},
    S.REJECTED: {},
    S.MERGED: {},
    S.WITHDRAWN: {},
}


@pytest.mark.parametrize("state", list(State))
def test_the_transition_table_is_the_agreed_workflow(state):
    allowed = {action: CASE_WORKFLOW.target(action, state) for action in CASE_WORKFLOW.allowed_actions(state)}
    assert allowed == EXPECTED[state]
    assert {a for a in Action if CASE_WORKFLOW.target(a, state) is not None} == set(EXPECTED[state])
    assert (state in TERMINAL) == (not EXPECTED[state])


def put_in_state(case: Case, state: str, action: str = "") -> Case:
    """Force a case into `state` for the table walk (set-up, not behaviour under test): with a
    commitment given in time, a callback due today and a resolution it is carried out under, so
    that only the state decides whether an action is allowed."""
    Case.objects.filter(pk=case.pk).update(
        state=state,
        committed_date=_soon(),
        resolve_due=_soon(),
        commitment_in_time=True,
        callback_due=date.today() - timedelta(days=1),
        meeting_resolution="J2610-01" if action == Action.DECIDE else "",
    )
    case.refresh_from_db()
    return case


def attempt(action, case, world):
    """Take `action` on `case` as whoever may, with minimal valid arguments."""
    office, handler = world.users["rc_worker"], world.users["property_manager"]
    resident = world.users["resident"]
    v = case.version
    calls = {
        Action.ACCEPT: lambda: services.accept_case(actor=handler, case=case, expected_version=v),
        Action.START: lambda: services.start_case(actor=handler, case=case, expected_version=v),
        Action.EXPLAIN: lambda: services.explain_case(
            actor=handler,
            case=case,
            explanation="材料需要订购，三天内到货",
            committed_date=_soon(),
            expected_version=v,
        ),
        Action.EXTEND: lambda: services.extend_commitment(
            actor=handler,
            case=case,
            committed_date=_soon() + timedelta(days=5),
            reason="配件延迟到货",
            expected_version=v,
        ),
        Action.ESCALATE: lambda: services.escalate_case(
            actor=office, case=case, reason="涉及物业、业委会和派出所", expected_version=v
        ),
        Action.DECIDE: lambda: services.apply_meeting_resolution(
            actor=world.users["party_secretary"],
            case=case,
            number="J2611-01",
            lead=world.orgs["rc1"],
            due=_soon(),
        ),
        Action.RETURN: lambda: services.return_from_meeting(
            actor=world.users["party_secretary"], case=case, outcome="会议讨论后未形成决议"
        ),
        Action.RESOLVE: lambda: services.resolve_case(
            actor=handler, case=case, resolution="已更换水管", expected_version=v
        ),
        Action.CONFIRM: lambda: services.record_feedback(
            actor=resident, case=case, fixed=True, rating="satisfied", expected_version=v
        ),
        Action.REOPEN: lambda: services.record_feedback(
            actor=resident, case=case, fixed=False, rating="unsatisfied", expected_version=v
        ),
        Action.CLOSE_UNREACHABLE: lambda: services.close_unreachable(
            actor=office, case=case, note="三次电话未接", expected_version=v
        ),
        Action.REJECT: lambda: services.reject_case(
            actor=office, case=case, reason="重复提交的测试数据", expected_version=v
        ),
        Action.MERGE: lambda: services.merge_case(
            actor=office, case=case, into=world.other_case, reason="重复", expected_version=v
        ),
        Action.WITHDRAW: lambda: services.withdraw_case(actor=resident, case=case, expected_version=v),
        Action.CONFIRM_ON_SITE: lambda: services.confirm_fixed_on_site(
            actor=world.users["inspector"], case=case, note="现场查看已修复"
        ),
    }
    return calls[action]()


def _soon():
    from django.utils import timezone

    return timezone.localdate() + timedelta(days=30)


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(Action))
def test_every_action_from_every_state(world, submit, state, action):
    world.other_case = submit(description="另一个重复的诉求描述")
    case = put_in_state(submit(), state, action)
    expected = EXPECTED[state].get(action)
    if expected is None:
        with pytest.raises(ValidationError):
            attempt(action, case, world)
        assert Case.objects.get(pk=case.pk).state == state
    else:
        result = attempt(action, case, world)
        assert result.state == expected
        assert AuditEntry.objects.filter(action=f"cases.case.{action}", object_id=str(case.pk)).exists()


def test_the_leaking_pipe_story(world, submit):
    case = submit()
    assert case.handler == world.orgs["pc"]  # 物业维修 → the compound's property company
    assert case.number.endswith("-0001") and len(case.tracking_token) >= 12
    pm = world.users["property_manager"]
    case = services.accept_case(actor=pm, case=case, expected_version=case.version)
    case = services.resolve_case(actor=pm, case=case, resolution="已更换破损水管", expected_version=case.version)
    assert case.handled_in_time is True
    case = services.record_feedback(
        actor=world.users["resident"],
        case=case,
        fixed=True,
        rating="satisfied",
        comment="很及时",
        expected_version=case.version,
    )
    assert case.state == State.CLOSED and case.followup_valid and case.fixed
    texts = list(Notification.objects.filter(user=world.users["resident"]).values_list("text", flat=True))
    assert len(texts) == 4  # received, accepted, resolved, closed
    assert Notification.objects.filter(phone="13800000001").count() == 4  # the same by SMS


def test_reopen_counts_and_sets_a_new_deadline(world, submit):
    pm = world.users["property_manager"]
    case = submit()
    case = services.accept_case(actor=pm, case=case, expected_version=case.version)
    case = services.resolve_case(actor=pm, case=case, resolution="处理了", expected_version=case.version)
    case = services.record_feedback(
        actor=world.users["resident"], case=case, fixed=False, rating="unsatisfied", expected_version=case.version
    )
    assert case.state == State.IN_PROGRESS and case.reopen_count == 1 and case.fixed is False
    assert (
        Notification.objects.filter(user=pm, text__contains="reopened").exists()
        or Notification.objects.filter(user=pm).count() >= 2
    )


def test_who_may_act(world, submit):
    case = submit()
    with pytest.raises(PermissionDenied):  # the owners' committee does not handle repairs
        services.accept_case(actor=world.users["oc_member"], case=case, expected_version=case.version)
    with pytest.raises(PermissionDenied):  # another resident cannot rate
        other = type(world.users["resident"]).objects.create(username="13900000099", phone="13900000099")
        services.record_feedback(actor=other, case=case, fixed=True, rating="satisfied", expected_version=case.version)
    with pytest.raises(PermissionDenied):  # the outsider's office cannot reassign
        services.reassign_case(
            actor=world.users["outsider"],
            case=case,
            organization=world.orgs["rc1"],
            reason="试图越权改派",
            expected_version=case.version,
        )
    assert services.may(world.users["rc_worker"], Action.ESCALATE, case) is False  # submitted: not yet
    case = services.accept_case(actor=world.users["property_manager"], case=case, expected_version=case.version)
    assert services.may(world.users["rc_worker"], Action.ESCALATE, case)
    assert services.may(world.users["party_secretary"], Action.EXPLAIN, case)
    assert not services.may(world.users["inspector"], Action.EXPLAIN, case)


def test_concurrent_actions_cannot_both_win(world, submit):
    case = submit()
    version = case.version
    services.accept_case(actor=world.users["property_manager"], case=case, expected_version=version)
    with pytest.raises(ConcurrentEditError):
        services.reject_case(
            actor=world.users["rc_worker"], case=case, reason="无效的诉求内容", expected_version=version
        )
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED


def test_a_missing_version_is_refused_not_taken_as_current(world, submit):
    case = submit()
    with pytest.raises(ConcurrentEditError):
        services.accept_case(actor=world.users["property_manager"], case=case, expected_version=None)
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED


def test_derived_values_come_from_the_locked_row_not_the_callers_copy(world, submit):
    """Two reopen answers on the same version: the second is refused; the count is the row's + 1
    even when the caller's copy is behind."""
    pm, resident = world.users["property_manager"], world.users["resident"]
    case = submit()
    case = services.accept_case(actor=pm, case=case, expected_version=case.version)
    case = services.resolve_case(actor=pm, case=case, resolution="处理了", expected_version=case.version)
    Case.objects.filter(pk=case.pk).update(reopen_count=2, late=True)  # the row moved on, the copy did not
    updated = services.record_feedback(
        actor=resident, case=case, fixed=False, rating="unsatisfied", expected_version=case.version
    )
    assert case.reopen_count == 0 and updated.reopen_count == 3
    assert Case.objects.get(pk=case.pk).reopen_count == 3
    case = services.resolve_case(actor=pm, case=updated, resolution="又处理了", expected_version=updated.version)
    assert case.late is True  # kept from the row


def test_role_allows_whatever_the_state(world, submit):
    case = submit()
    pm, rc, resident = world.users["property_manager"], world.users["rc_worker"], world.users["resident"]
    assert services.role_allows(pm, Action.RESOLVE, case) and not services.may(pm, Action.RESOLVE, case)
    assert services.role_allows(rc, Action.MERGE, case) and services.may(rc, Action.MERGE, case)
    assert services.role_allows(rc, Action.CLOSE_UNREACHABLE, case)
    assert not services.role_allows(resident, Action.CLOSE_UNREACHABLE, case)
    assert services.role_allows(resident, Action.CONFIRM, case)
    assert not services.role_allows(world.users["oc_member"], Action.ACCEPT, case)
    assert services.may_reassign(rc, case) and not services.may_reassign(pm, case)
    assert services.may_set_co_handlers(pm, case) and services.may_set_co_handlers(rc, case)
    assert services.may_message(resident, case) and not services.may_message(world.users["outsider"], case)


@pytest.mark.parametrize(
    "code, kind",
    [
        ("REPAIR", "pc"),
        ("OWNERS", "oc1"),
        ("NEIGHBOURS", "rc1"),
        ("SECURITY", "rc1"),
    ],
)
def test_routing_by_category(world, submit, categories, code, kind):
    assert submit(category=categories[code]).handler == world.orgs[kind]


def test_routing_falls_back_to_the_residents_committee(world, submit, categories):
    # 新城二村 (c2) has no owners' committee and no current property contract.
    case = submit(compound=world.c2, category=categories["REPAIR"])
    assert case.handler == world.orgs["rc1"]
    entry = AuditEntry.objects.get(action="cases.case.create", object_id=str(case.pk))
    assert entry.after["routing_note"]


def test_reassign_and_co_handlers(world, submit):
    case = submit()
    case = services.reassign_case(
        actor=world.users["rc_worker"],
        case=case,
        organization=world.orgs["oc1"],
        reason="属于业委会管理的公共部位",
        expected_version=case.version,
    )
    assert case.handler == world.orgs["oc1"]
    case = services.set_co_handlers(
        actor=world.users["rc_worker"],
        case=case,
        organizations=[world.orgs["pc"], world.orgs["police"]],
        expected_version=case.version,
    )
    assert set(case.co_handlers.all()) == {world.orgs["pc"], world.orgs["police"]}
    from gongzhi.core.audit_display import changes

    entry = AuditEntry.objects.get(action="cases.case.co_handlers", object_id=str(case.pk))
    ((_label, before, after),) = changes(entry)
    assert not before
    assert set(after.split("、")) == {"申江物业", "陈行派出所"}
    # A co-handler sees the case even outside its area.
    assert Case.objects.for_user(world.users["gov_staff"]).filter(pk=case.pk).exists()


@pytest.mark.frozen("2026-09-24 10:00")
def test_deadlines_across_national_day(world, submit):
    case = submit()  # 物业维修: accept within 1, resolve within 5 working days
    assert case.accept_due == date(2026, 9, 28)  # 9/25–9/27 holiday
    assert case.resolve_due == date(2026, 10, 9)  # over 10/1–10/7
    assert case.due_provisional is False
    urgent = submit(urgency="urgent")
    assert urgent.resolve_due == date(2026, 9, 28)


@pytest.mark.frozen("2026-10-09 16:00")
def test_deadlines_on_a_makeup_working_day(world, submit):
    case = submit()
    assert case.accept_due == date(2026, 10, 10)  # a Saturday, 调休上班


@pytest.mark.frozen("2026-12-29 09:00")
def test_a_deadline_in_a_year_without_calendar_data_is_provisional(world, submit, without_calendar_data):
    without_calendar_data(2027)
    assert submit().due_provisional is True  # resolve within 5 working days: into 2027


@pytest.mark.frozen("2026-12-21 09:00")
def test_a_deadline_before_a_year_without_calendar_data_is_not_provisional(world, submit, without_calendar_data):
    without_calendar_data(2027)
    assert submit().due_provisional is False


def test_explain_commits_to_a_date_within_a_year(world, submit, clock):
    case = submit()
    case = services.accept_case(actor=world.users["property_manager"], case=case, expected_version=case.version)
    with pytest.raises(ValidationError):
        services.explain_case(
            actor=world.users["rc_worker"],
            case=case,
            explanation="需要协调",
            committed_date=date(2020, 1, 1),
            expected_version=case.version,
        )
    with pytest.raises(ValidationError):
        services.explain_case(
            actor=world.users["rc_worker"],
            case=case,
            explanation="需要协调三方，明年再说",
            committed_date=clock.today + timedelta(days=366),
            expected_version=case.version,
        )
    soon = clock.today + timedelta(days=365)
    case = services.explain_case(
        actor=world.users["rc_worker"],
        case=case,
        explanation="需要协调三方，下月底前解决",
        committed_date=soon,
        expected_version=case.version,
    )
    assert case.state == State.EXPLAINED and case.resolve_due == soon


def test_sweep_marks_overdue_once_and_notifies(world, submit, clock):
    from gongzhi.core.management.commands.periodic import run_once

    case = submit()
    later = case.accept_due + timedelta(days=30)
    first = services.sweep(today=later)
    assert first["accept_overdue"] == 1
    case.refresh_from_db()
    assert case.accept_overdue
    notified = Notification.objects.filter(text__contains=case.number, user=world.users["party_secretary"]).count()
    assert notified == 1
    entries = AuditEntry.objects.count()
    second = services.sweep(today=later)
    assert second == {"accept_overdue": 0, "resolve_overdue": 0, "callbacks": 0}
    assert AuditEntry.objects.count() == entries
    clock.move_to(later)
    assert run_once()["cases"]["accept_overdue"] == 0


@pytest.mark.frozen("2026-11-27 10:00")
def test_sweep_raises_callbacks_for_the_residents_committee(world, submit, clock):
    pm = world.users["property_manager"]
    case = submit()
    case = services.accept_case(actor=pm, case=case, expected_version=case.version)
    case = services.resolve_case(actor=pm, case=case, resolution="已处理", expected_version=case.version)
    clock.move_to(f"{case.callback_due} 09:00")
    assert services.sweep(today=case.callback_due)["callbacks"] == 1
    assert Notification.objects.filter(user=world.users["rc_worker"], text__contains=case.number).exists()
    case.refresh_from_db()
    case = services.record_feedback(
        actor=world.users["rc_worker"],
        case=case,
        fixed=True,
        rating="basic",
        by_callback=True,
        expected_version=case.version,
    )
    assert case.feedback_source == "callback" and case.state == State.CLOSED


def test_bad_reports_are_refused(world, report, categories):
    from gongzhi.cases.services import submit_case

    with pytest.raises(ValidationError) as error:
        submit_case(actor=None, report=report(description="漏", reporter_phone="123"), channel="qr")
    assert {"description", "reporter_phone"} <= set(error.value.error_dict)
    foreign = type(categories["REPAIR"]).objects.get(town=world.other, code="REPAIR")
    with pytest.raises(ValidationError):
        submit_case(actor=None, report=report(category=foreign), channel="qr")
    with pytest.raises(ValidationError):
        submit_case(actor=None, report=report(unit=world.unit(world.c3)), channel="qr")
    assert not Case.objects.exists()


def test_public_reports_are_rate_limited(world, submit):
    from gongzhi.cases.models import CaseSettings

    CaseSettings.objects.update_or_create(town=world.town, defaults={"reports_per_phone_per_day": 2})
    submit()
    submit()
    with pytest.raises(ValidationError):
        submit()
    # Staff entering calls for the same number are not limited.
    services.submit_case(
        actor=world.users["rc_worker"],
        report=services.Report(
            compound=world.c1,
            category=Case.objects.first().category,
            description="电话反映楼道灯坏了",
            reporter_phone="13800000001",
        ),
        channel="phone",
    )


def test_staff_entry_only_within_scope(world, report):
    with pytest.raises(PermissionDenied):
        services.submit_case(actor=world.users["rc_worker"], report=report(compound=world.c3), channel="phone")


def test_household_visit_with_a_case(world, report):
    visit = services.log_visit(
        actor=world.users["rc_worker"],
        compound=world.c1,
        visited_on=date(2026, 11, 2),
        unit=world.unit(world.c1),
        notes="老人独居，反映楼道灯不亮",
    )
    case = services.submit_case(actor=world.users["rc_worker"], report=report(), channel="visit", visit=visit)
    assert case.visit == visit and case.entered_by == world.users["rc_worker"]
    with pytest.raises(PermissionDenied):
        services.log_visit(actor=world.users["property_manager"], compound=world.c1, visited_on=date(2026, 11, 2))


def test_entering_a_case_from_a_new_visit_saves_both_or_neither(world, report):
    from gongzhi.cases.models import Visit

    rc = world.users["rc_worker"]
    new_visit = services.NewVisit(unit=world.unit(world.c1), household="3号楼王阿姨", notes="反映楼道灯不亮")
    case = services.enter_case(actor=rc, report=report(), channel="visit", new_visit=new_visit)
    assert case.visit.household == "3号楼王阿姨" and case.visit.visitor == rc
    with pytest.raises(ValidationError):
        services.enter_case(actor=rc, report=report(description="短"), channel="visit", new_visit=new_visit)
    assert Visit.objects.count() == 1  # the refused case left no visit behind
    phoned = services.enter_case(actor=rc, report=report(), channel="phone", new_visit=new_visit)
    assert phoned.visit is None and Visit.objects.count() == 1


def test_the_system_is_bound_by_the_table_too(world, submit):
    """A step taken by the system (no actor) that the state does not allow is refused in words, not
    left to the database (found by the counters' property test)."""
    case = submit()
    with pytest.raises(ValidationError):
        services.start_case(actor=None, case=case, expected_version=case.version)
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED
