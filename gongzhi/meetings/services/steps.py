"""Row locks with the optimistic version check, and the steps of the workflow tables, that the
services of the meetings share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.core.records import ConcurrentEditError

from ..models import (
    AgendaItem,
    Meeting,
    Minutes,
    Resolution,
)
from ..workflow import (
    ITEM_ACTION_MEETING_STATES,
    ITEM_TRANSITIONS,
    MEETING_TRANSITIONS,
    RESOLUTION_TRANSITIONS,
    ItemAction,
    ItemState,
    MeetingAction,
    MeetingState,
    ResolutionAction,
    target,
)


def _locked(obj, expected_version: int | None, *related: str):
    """The record's row, locked for this transaction (with `related` joined), or
    ConcurrentEditError when someone changed it since the form was opened on `expected_version`."""
    rows = type(obj).objects.select_for_update(of=("self",))
    current = (rows.select_related(*related) if related else rows).get(pk=obj.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def _step(table: dict, action: str, current, refusal: str, action_label: str) -> str:
    """The state the table leads to, or the refusal (a sentence with %(state)s and %(action)s)."""
    to = target(table, action, current.state)
    if to is None:
        raise ValidationError(refusal % {"state": current.get_state_display(), "action": action_label})
    return to


def _locked_meeting(meeting: Meeting, expected_version: int | None = None) -> Meeting:
    return _locked(meeting, expected_version)


def _meeting_step(current: Meeting, action: str) -> str:
    refusal = _("The meeting is %(state)s: “%(action)s” is not possible now.")
    return _step(MEETING_TRANSITIONS, action, current, refusal, MeetingAction(action).label)


def _locked_item(item: AgendaItem, expected_version: int | None = None) -> AgendaItem:
    return _locked(item, expected_version, "meeting")


def _item_step(current: AgendaItem, action: str) -> str:
    if current.meeting.state not in ITEM_ACTION_MEETING_STATES[action]:
        raise ValidationError(
            _("The meeting is %(state)s: “%(action)s” is not possible now.")
            % {"state": current.meeting.get_state_display(), "action": ItemAction(action).label}
        )
    refusal = _("The item is %(state)s: “%(action)s” is not possible now.")
    return _step(ITEM_TRANSITIONS, action, current, refusal, ItemAction(action).label)


def _next_order(meeting: Meeting) -> int:
    last = meeting.items.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


def _open_items():
    return AgendaItem.objects.exclude(state__in=[ItemState.CARRIED_OVER, ItemState.WITHDRAWN]).exclude(
        meeting__state=MeetingState.CANCELLED
    )


def _locked_resolution(resolution: Resolution, expected_version: int | None = None) -> Resolution:
    return _locked(resolution, expected_version)


def _resolution_step(current: Resolution, action: str) -> str:
    refusal = _("The resolution is %(state)s: “%(action)s” is not possible now.")
    return _step(RESOLUTION_TRANSITIONS, action, current, refusal, ResolutionAction(action).label)


def _locked_minutes(minutes: Minutes, expected_version: int | None = None) -> Minutes:
    return _locked(minutes, expected_version, "meeting")
