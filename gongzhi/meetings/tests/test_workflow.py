"""Every allowed and every forbidden transition of the meeting, agenda-item and resolution
tables (gongzhi.meetings.workflow), walked through the services: an allowed action succeeds and
leads where the table says; a forbidden one is refused with a ValidationError and changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.meetings import services
from gongzhi.meetings.models import AgendaItem, Invitee, Meeting, Resolution
from gongzhi.meetings.workflow import (
    ITEM_ACTION_MEETING_STATES,
    ITEM_WORKFLOW,
    MEETING_WORKFLOW,
    RESOLUTION_WORKFLOW,
    ItemAction,
    ItemState,
    MeetingAction,
    MeetingState,
    ResolutionAction,
    ResolutionState,
)

from .scenario import vote_through

pytestmark = pytest.mark.django_db


def _set(obj, **fields):
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    obj.refresh_from_db()
    return obj


# --- meetings --------------------------------------------------------------------------------


def _meeting_action(action, meeting, actor):
    v = meeting.version
    if action == MeetingAction.INVITE:
        meeting.invitees.update(invited_at=None)
        return services.send_invitations(actor=actor, meeting=meeting, expected_version=v)
    if action == MeetingAction.RESCHEDULE:
        return services.reschedule_meeting(
            actor=actor,
            meeting=meeting,
            title="改期",
            starts_at=meeting.starts_at + timedelta(hours=1),
            place="新址",
            expected_version=v,
        )
    if action == MeetingAction.OPEN:
        return services.open_meeting(actor=actor, meeting=meeting, expected_version=v)
    if action == MeetingAction.END:
        meeting.invitees.update(attendance=Invitee.Attendance.PRESENT)
        return services.end_meeting(actor=actor, meeting=meeting, expected_version=v)
    return services.cancel_meeting(actor=actor, meeting=meeting, reason="主持人出差", expected_version=v)


@pytest.mark.parametrize("state", list(MeetingState))
@pytest.mark.parametrize("action", list(MeetingAction))
def test_meeting_transitions(action, state, meeting, secretary):
    meeting = _set(meeting, state=state)
    expected = MEETING_WORKFLOW.target(action, state)
    if expected is None:
        with pytest.raises(ValidationError):
            _meeting_action(action, meeting, secretary)
        assert Meeting.objects.get(pk=meeting.pk).state == state
    else:
        _meeting_action(action, meeting, secretary)
        assert Meeting.objects.get(pk=meeting.pk).state == expected


# --- agenda items ----------------------------------------------------------------------------

# Vote and close act on the open ballot: walked through the natural path (test_flow.py); here the
# table's other actions against every item state.
ITEM_ACTIONS = [a for a in ItemAction if a not in (ItemAction.VOTE, ItemAction.CLOSE_BALLOT)]


def _item_action(action, item, world, actor):
    v = item.version
    if action == ItemAction.EDIT:
        return services.edit_item(
            actor=actor, item=item, title="新标题", description="", major_kind=None, order=3, expected_version=v
        )
    if action == ItemAction.POSITION:
        return services.record_position(
            actor=actor, item=item, organization=world.orgs["po1"], stance="agree", expected_version=None
        )
    if action == ItemAction.NOTE:
        return services.record_notes(actor=actor, item=item, notes="讨论", expected_version=v)
    if action == ItemAction.OPEN_BALLOT:
        item.meeting.invitees.update(attendance=Invitee.Attendance.PRESENT)
        return services.open_ballot(actor=actor, item=item, expected_version=v)
    if action == ItemAction.CONCLUDE:
        return services.conclude_item(actor=actor, item=item, outcome="已研究", expected_version=v)
    if action == ItemAction.CARRY_OVER:
        return services.carry_over_item(actor=actor, item=item, expected_version=v)
    return services.withdraw_item(actor=actor, item=item, reason="提议方撤回", expected_version=v)


@pytest.mark.parametrize("state", list(ItemState))
@pytest.mark.parametrize("action", ITEM_ACTIONS)
def test_item_transitions(action, state, meeting, world, secretary):
    item = services.propose_item(actor=secretary, meeting=meeting, title="议题")
    _set(meeting, state=ITEM_ACTION_MEETING_STATES[action][0])
    item = _set(AgendaItem.objects.select_related("meeting").get(pk=item.pk), state=state)
    expected = ITEM_WORKFLOW.target(action, state)
    if expected is None:
        with pytest.raises(ValidationError):
            _item_action(action, item, world, secretary)
        assert AgendaItem.objects.get(pk=item.pk).state == state
    else:
        _item_action(action, item, world, secretary)
        assert AgendaItem.objects.get(pk=item.pk).state == expected


@pytest.mark.parametrize("meeting_state", list(MeetingState))
@pytest.mark.parametrize("action", ITEM_ACTIONS)
def test_item_actions_need_their_meeting_states(action, meeting_state, meeting, world, secretary):
    item = services.propose_item(actor=secretary, meeting=meeting, title="议题")
    source_state = ITEM_WORKFLOW.sources(action)[0]
    _set(meeting, state=meeting_state)
    item = _set(AgendaItem.objects.select_related("meeting").get(pk=item.pk), state=source_state)
    if meeting_state in ITEM_ACTION_MEETING_STATES[action]:
        _item_action(action, item, world, secretary)
    else:
        with pytest.raises(ValidationError):
            _item_action(action, item, world, secretary)
        assert AgendaItem.objects.get(pk=item.pk).state == source_state


# --- resolutions -----------------------------------------------------------------------------

# KEEP and SUPERSEDE follow from the reconsideration item's outcome (test_resolutions.py).
RESOLUTION_ACTIONS = [a for a in ResolutionAction if a not in (ResolutionAction.KEEP, ResolutionAction.SUPERSEDE)]


@pytest.fixture
def resolution(meeting, world, secretary, in_session, fresh):
    item = services.propose_item(actor=secretary, meeting=meeting, title="增设车棚")
    vote_through(item, in_session(), secretary)
    return services.adopt_resolution(
        actor=secretary,
        item=fresh(item),
        text="物业牵头增设车棚",
        lead=world.orgs["pc"],
        due=timezone.localdate() + timedelta(days=20),
    )


def _resolution_action(action, resolution, world, secretary):
    manager = world.users["property_manager"]
    v = resolution.version
    if action == ResolutionAction.REPORT:
        return services.report_progress(actor=manager, resolution=resolution, text="已开工")
    if action == ResolutionAction.REPORT_DONE:
        return services.report_progress(actor=manager, resolution=resolution, text="已完工", done=True)
    if action == ResolutionAction.CLOSE:
        return services.check_resolution(
            actor=secretary, resolution=resolution, close=True, note="现场查看已完成", expected_version=v
        )
    if action == ResolutionAction.SEND_BACK:
        return services.check_resolution(
            actor=secretary, resolution=resolution, close=False, note="尚未完成", expected_version=v
        )
    if action == ResolutionAction.REQUEST_RECONSIDERATION:
        return services.request_reconsideration(
            actor=manager, resolution=resolution, reason="报价翻倍", expected_version=v
        )
    return services.report_contrary_action(
        actor=secretary,
        resolution=resolution,
        organization=world.orgs["oc1"],
        description="阻挠施工",
        occurred_on=timezone.localdate(),
    )


@pytest.mark.parametrize("state", list(ResolutionState))
@pytest.mark.parametrize("action", RESOLUTION_ACTIONS)
def test_resolution_transitions(action, state, resolution, world, secretary):
    resolution = _set(resolution, state=state)
    expected = RESOLUTION_WORKFLOW.target(action, state)
    if expected is None:
        with pytest.raises(ValidationError):
            _resolution_action(action, resolution, world, secretary)
        assert Resolution.objects.get(pk=resolution.pk).state == state
    else:
        _resolution_action(action, resolution, world, secretary)
        assert Resolution.objects.get(pk=resolution.pk).state == expected
