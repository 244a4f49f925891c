"""Who may do what at a meeting: the chair, the four parties, and whom each person speaks for."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongzhi.core.scope import get_scope
from gongzhi.orgs.models import Membership, Organization, Person
from gongzhi.orgs.pickers import neighborhood_parties
from gongzhi.places.models import Neighborhood

from ..models import (
    Meeting,
)


def _person_of(user) -> Person | None:
    return Person.objects.filter(user=user).first() if user is not None else None


def may_chair(user, meeting: Meeting) -> bool:
    """The chair's powers over one meeting: the neighborhood's party organisation (and the
    office), or the person designated to chair it."""
    if user is None:
        return True
    if meeting.chair_id and Person.objects.filter(pk=meeting.chair_id, user=user).exists():
        return True
    return Meeting.objects.for_user(user, "meetings.chair").filter(pk=meeting.pk).exists()


def _require_chair(user, meeting: Meeting) -> None:
    if not may_chair(user, meeting):
        raise PermissionDenied(_("Only the chair of the meeting may do this."))


def chairs_neighborhood(user, neighborhood: Neighborhood) -> bool:
    """Whether the user holds the chair's right over the neighborhood's meetings."""
    if user is None:
        return True
    area = get_scope(user).area("meetings.chair")
    return area.everything or neighborhood.town_id in area.towns or neighborhood.pk in area.neighborhoods


def parties_of(user, neighborhood_id: int, kinds: Iterable[str] = Organization.FOUR_PARTIES) -> list[Organization]:
    """The organisations of the four parties in a neighborhood for which the user holds an
    active membership (the parties they may speak for)."""
    if user is None:
        return []
    org_ids = (
        Membership.objects.filter(person__user=user, organization__isnull=False)
        .active()
        .values_list("organization_id", flat=True)
    )
    return list(neighborhood_parties(neighborhood_id).filter(pk__in=org_ids, kind__in=list(kinds)))


def represented_parties(meeting: Meeting, invitees) -> dict[int, set[int]]:
    """invitee id → the organisations of the neighborhood's four parties the invitee speaks for:
    the organisation they were invited for, and every other party in which their person holds an
    active seat (a party secretary who also heads the residents' committee speaks for both)."""
    invitees = list(invitees)
    parties = dict(neighborhood_parties(meeting.neighborhood_id).values_list("pk", "kind"))
    seats: dict[int, set[int]] = {}
    person_ids = [i.person_id for i in invitees if i.person_id]
    for person_id, org_id in (
        Membership.objects.filter(person_id__in=person_ids, organization_id__in=parties)
        .active()
        .values_list("person_id", "organization_id")
    ):
        seats.setdefault(person_id, set()).add(org_id)
    out = {}
    for invitee in invitees:
        orgs = set(seats.get(invitee.person_id, set()))
        if invitee.organization_id in parties:
            orgs.add(invitee.organization_id)
        out[invitee.pk] = orgs
    return out


def party_kinds(org_ids) -> set[str]:
    return set(Organization.objects.filter(pk__in=list(org_ids)).values_list("kind", flat=True))
