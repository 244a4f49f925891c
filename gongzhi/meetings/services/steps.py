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


def _locked_meeting(meeting: Meeting, expected_version: int | None = None) -> Meeting:
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def _meeting_step(current: Meeting, action: str) -> str:
    to = target(MEETING_TRANSITIONS, action, current.state)
    if to is None:
        raise ValidationError(
            _("The meeting is %(state)s: “%(action)s” is not possible now.")
            % {"state": current.get_state_display(), "action": MeetingAction(action).label}
        )
    return to


def _locked_item(item: AgendaItem, expected_version: int | None = None) -> AgendaItem:
    current = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def _item_step(current: AgendaItem, action: str) -> str:
    meeting_states = ITEM_ACTION_MEETING_STATES[action]
    if current.meeting.state not in meeting_states:
        raise ValidationError(
            _("The meeting is %(state)s: “%(action)s” is not possible now.")
            % {"state": current.meeting.get_state_display(), "action": ItemAction(action).label}
        )
    to = target(ITEM_TRANSITIONS, action, current.state)
    if to is None:
        raise ValidationError(
            _("The item is %(state)s: “%(action)s” is not possible now.")
            % {"state": current.get_state_display(), "action": ItemAction(action).label}
        )
    return to


def _next_order(meeting: Meeting) -> int:
    last = meeting.items.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


def _open_items():
    return AgendaItem.objects.exclude(state__in=[ItemState.CARRIED_OVER, ItemState.WITHDRAWN]).exclude(
        meeting__state=MeetingState.CANCELLED
    )


def _locked_resolution(resolution: Resolution, expected_version: int | None = None) -> Resolution:
    current = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current


def _resolution_step(current: Resolution, action: str) -> str:
    to = target(RESOLUTION_TRANSITIONS, action, current.state)
    if to is None:
        raise ValidationError(
            _("The resolution is %(state)s: “%(action)s” is not possible now.")
            % {"state": current.get_state_display(), "action": ResolutionAction(action).label}
        )
    return to


def _locked_minutes(minutes: Minutes, expected_version: int | None = None) -> Minutes:
    current = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError()
    return current
