"""The four parties at a meeting: whom each invitee speaks for, and whether every party is there.

An invitee speaks for the organisation they were invited for and for every other party of the
neighborhood in which they hold an active seat (梁艳, 党总支副书记, also chairs 新城居委会: she speaks
for both). Owner representatives (业委会(业主代表)) sit for the owners where a compound has no owners'
committee. The same reading decides the vote's "all four parties" rule (services.ballots.tally)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from gongzhi.orgs.models import Organization

from .models import Invitee, Meeting
from .services.access import neighborhood_parties, represented_parties

PARTY_ORDER = {kind: n for n, kind in enumerate(Organization.FOUR_PARTIES)}


@dataclass
class PartyAtMeeting:
    kind: str
    organizations: list[Organization]
    invited: list[Invitee] = field(default_factory=list)
    present: list[Invitee] = field(default_factory=list)  # voting members present or represented

    @property
    def label(self) -> str:
        if self.kind == Organization.Kind.OWNERS_COMMITTEE and any(o.owner_representatives for o in self.organizations):
            if all(o.owner_representatives for o in self.organizations):
                return str(_("Owners' committee (owner representatives)"))
            return str(_("Owners' committee / owner representatives"))
        return str(Organization.Kind(self.kind).label)

    @property
    def names(self) -> str:
        return "、".join(o.name for o in self.organizations)

    @property
    def here(self) -> bool:
        return bool(self.present)


def seat_invitees(meeting: Meeting, invitees: list[Invitee]) -> list[Invitee]:
    """Sets `invitee.parties` (the party organisations they speak for, in the order party
    organisation, residents' committee, owners' committee, property company) on each invitee."""
    speaks_for = represented_parties(meeting, invitees)
    organizations = Organization.objects.in_bulk(set().union(set(), *speaks_for.values()))
    for invitee in invitees:
        invitee.parties = sorted(
            (organizations[pk] for pk in speaks_for.get(invitee.pk, ())),
            key=lambda o: (PARTY_ORDER.get(o.kind, 9), o.code),
        )
    return invitees


def four_parties(meeting: Meeting, invitees: list[Invitee]) -> list[PartyAtMeeting]:
    """The four parties of the meeting's neighborhood, each with who is invited for it and which of
    its voting members are here. `invitees` must have been seated (seat_invitees)."""
    parties = {kind: PartyAtMeeting(kind=kind, organizations=[]) for kind in Organization.FOUR_PARTIES}
    for organization in neighborhood_parties(meeting.neighborhood_id).order_by("code"):
        parties[organization.kind].organizations.append(organization)
    for invitee in invitees:
        for kind in dict.fromkeys(o.kind for o in invitee.parties):
            parties[kind].invited.append(invitee)
            if invitee.voting and invitee.here:
                parties[kind].present.append(invitee)
    return list(parties.values())


def all_here(parties: list[PartyAtMeeting]) -> bool:
    return all(party.here for party in parties)


def roll(meeting: Meeting) -> tuple[list[Invitee], list[PartyAtMeeting]]:
    """The meeting's invitees (seated) and its four parties."""
    invitees = seat_invitees(
        meeting, list(meeting.invitees.select_related("organization", "person").order_by("organization__kind", "name"))
    )
    return invitees, four_parties(meeting, invitees)
