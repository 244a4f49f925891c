"""What every page of the meetings shares: the scoped fetches (a record outside the user's
scope is a 404) and the state badges. Posted actions run through core.actions."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from gongzhi.orgs.models import Organization

from ..models import (
    AgendaItem,
    Meeting,
    Resolution,
)
from ..workflow import (
    ItemState,
    MeetingState,
    ResolutionState,
)

MEETING_BADGES = {
    MeetingState.SCHEDULED: "text-bg-info",
    MeetingState.INVITED: "text-bg-primary",
    MeetingState.IN_SESSION: "text-bg-warning",
    MeetingState.ENDED: "text-bg-success",
    MeetingState.CANCELLED: "text-bg-light border",
}


ITEM_BADGES = {
    ItemState.ON_AGENDA: "text-bg-info",
    ItemState.VOTING: "text-bg-warning",
    ItemState.PASSED: "text-bg-success",
    ItemState.NOT_PASSED: "text-bg-danger",
    ItemState.NOTED: "text-bg-secondary",
    ItemState.CARRIED_OVER: "text-bg-light border",
    ItemState.WITHDRAWN: "text-bg-light border",
}


RESOLUTION_BADGES = {
    ResolutionState.IN_PROGRESS: "text-bg-primary",
    ResolutionState.IMPLEMENTED: "text-bg-info",
    ResolutionState.RECONSIDERING: "text-bg-warning",
    ResolutionState.CLOSED: "text-bg-success",
    ResolutionState.SUPERSEDED: "text-bg-light border",
}


def _meeting(request, uid) -> Meeting:
    return get_object_or_404(
        Meeting.objects.for_user(request.user).select_related("neighborhood", "chair", "town"), uid=uid
    )


def _item(request, uid) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.for_user(request.user).select_related(
            "meeting__neighborhood", "meeting__chair", "major_kind", "compound", "proposer", "resolution"
        ),
        uid=uid,
    )


def _resolution(request, uid) -> Resolution:
    return get_object_or_404(
        Resolution.objects.for_user(request.user).select_related("item__meeting__neighborhood", "lead"), uid=uid
    )


def _town_organizations(town_id: int):
    return Organization.objects.filter(town_id=town_id).order_by("kind", "code")


# --- list and scheduling --------------------------------------------------------------------
