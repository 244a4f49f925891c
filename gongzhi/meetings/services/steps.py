"""Row locks with the optimistic version check (gongzhi.core.workflow.lock), and the steps of the
workflow tables, that the services of the meetings share.

A service that edits the record from a form passes the version the form was opened on. A service
that only adds or changes rows below the record (an invitee, a position, materials, a progress
report) or the system's sweeps lock it with `check_version=False`: the lock serialises them; the
record itself is not being edited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.core.workflow import Workflow, lock

from ..models import (
    AgendaItem,
    Meeting,
    Minutes,
    Resolution,
)
from ..workflow import (
    ITEM_ACTION_MEETING_STATES,
    ITEM_WORKFLOW,
    MEETING_WORKFLOW,
    RESOLUTION_WORKFLOW,
    ItemAction,
    ItemState,
    MeetingAction,
    MeetingState,
    ResolutionAction,
)


def _step(workflow: Workflow, action: str, current, refusal: str, action_label: str) -> str:
    """The state the table leads to, or the refusal (a sentence with %(state)s and %(action)s)."""
    to = workflow.target(action, current.state)
    if to is None:
        raise ValidationError(refusal % {"state": current.get_state_display(), "action": action_label})
    return to


def _locked_meeting(meeting: Meeting, expected_version: int | None = None, *, check_version: bool = True) -> Meeting:
    return lock(meeting, expected_version=expected_version, check_version=check_version)


def _meeting_step(current: Meeting, action: str) -> str:
    refusal = _("The meeting is %(state)s: “%(action)s” is not possible now.")
    return _step(MEETING_WORKFLOW, action, current, refusal, MeetingAction(action).label)


def _locked_item(item: AgendaItem, expected_version: int | None = None, *, check_version: bool = True) -> AgendaItem:
    return lock(item, expected_version=expected_version, check_version=check_version, related=("meeting",))


def _item_step(current: AgendaItem, action: str) -> str:
    if current.meeting.state not in ITEM_ACTION_MEETING_STATES[action]:
        raise ValidationError(
            _("The meeting is %(state)s: “%(action)s” is not possible now.")
            % {"state": current.meeting.get_state_display(), "action": ItemAction(action).label}
        )
    refusal = _("The item is %(state)s: “%(action)s” is not possible now.")
    return _step(ITEM_WORKFLOW, action, current, refusal, ItemAction(action).label)


def _next_order(meeting: Meeting) -> int:
    last = meeting.items.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


def _open_items():
    return AgendaItem.objects.exclude(state__in=[ItemState.CARRIED_OVER, ItemState.WITHDRAWN]).exclude(
        meeting__state=MeetingState.CANCELLED
    )


def _locked_resolution(
    resolution: Resolution, expected_version: int | None = None, *, check_version: bool = True
) -> Resolution:
    return lock(resolution, expected_version=expected_version, check_version=check_version)


def _resolution_step(current: Resolution, action: str) -> str:
    refusal = _("The resolution is %(state)s: “%(action)s” is not possible now.")
    return _step(RESOLUTION_WORKFLOW, action, current, refusal, ResolutionAction(action).label)


def _locked_minutes(minutes: Minutes, expected_version: int | None = None, *, check_version: bool = True) -> Minutes:
    return lock(minutes, expected_version=expected_version, check_version=check_version, related=("meeting",))
