"""Scope: which places a user may see or act on, computed once per request from the active
memberships of the user's Person (DESIGN.md convention 5).

Each membership becomes a *grant*: a role (hence permissions) over an area of places —
- the office and the leadership group: their whole town;
- an inspection group: the neighborhoods and compounds of its coverage;
- a neighborhood's party organisation and residents' committee: their neighborhood;
- an owners' committee: its compound;
- a property company: the compounds under its active service contracts;
- a government unit: no places (its own organisation only).
A cross-appointed person holds several grants; a permission reaches only the area of the grants
that carry it, so an owners'-committee seat in one compound does not extend a residents'-
committee worker's editing rights there.

Every list and every fetch goes through `<Model>.objects.for_user(user, permission)`; an object
outside the area is simply not found (404), never "forbidden"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .roles import ROLE_PERMISSIONS, Role

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Area:
    """A set of places: whole towns, whole neighborhoods, single compounds."""

    towns: frozenset[int] = frozenset()
    neighborhoods: frozenset[int] = frozenset()
    compounds: frozenset[int] = frozenset()
    everything: bool = False

    def __or__(self, other: Area) -> Area:
        return Area(
            self.towns | other.towns,
            self.neighborhoods | other.neighborhoods,
            self.compounds | other.compounds,
            self.everything or other.everything,
        )

    @property
    def empty(self) -> bool:
        return not (self.everything or self.towns or self.neighborhoods or self.compounds)

    def q(self, *, town: str | None, neighborhood: str | None, compound: str | None) -> Q:
        """The condition on a model reached by these lookups (None where the model has no such
        path). Example for a unit: town="town", neighborhood="compound__neighborhood",
        compound="compound"."""
        if self.everything:
            return Q()
        q = Q()
        if town and self.towns:
            q |= Q(**{f"{town}__in": self.towns})
        if neighborhood and self.neighborhoods:
            q |= Q(**{f"{neighborhood}__in": self.neighborhoods})
        if compound and self.compounds:
            q |= Q(**{f"{compound}__in": self.compounds})
        return q if q else NOTHING

    def covers_town(self, town_id: int) -> bool:
        return self.everything or town_id in self.towns

    def covers_compound(self, compound) -> bool:
        """Whether a compound (with its town and neighborhood ids) is in the area, without a query."""
        return (
            self.everything
            or compound.town_id in self.towns
            or compound.neighborhood_id in self.neighborhoods
            or compound.pk in self.compounds
        )

    @cached_property
    def compound_neighborhoods(self) -> frozenset[int]:
        """Neighborhoods that contain a compound of this area (seen partially)."""
        from gongzhi.places.models import Compound

        if not self.compounds:
            return frozenset()
        return frozenset(Compound.objects.filter(pk__in=self.compounds).values_list("neighborhood_id", flat=True))


@dataclass(frozen=True)
class Grant:
    role: str
    area: Area
    organization_id: int | None = None
    body_id: int | None = None

    @property
    def permissions(self) -> frozenset[str]:
        return ROLE_PERMISSIONS[self.role]


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    person_id: int | None
    grants: tuple[Grant, ...] = ()
    is_platform_admin: bool = False
    is_resident: bool = False
    _areas: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def roles(self) -> frozenset[str]:
        roles = {g.role for g in self.grants}
        if self.is_resident:
            roles.add(Role.RESIDENT)
        return frozenset(roles)

    @property
    def permissions(self) -> frozenset[str]:
        if self.is_platform_admin:
            return frozenset(ROLE_PERMISSIONS[Role.OFFICE])
        granted: set[str] = set()
        for grant in self.grants:
            granted |= grant.permissions
        return frozenset(granted)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.grants) or self.is_platform_admin

    def has(self, permission: str) -> bool:
        return permission in self.permissions

    def area(self, permission: str) -> Area:
        """Where `permission` reaches: the union of the areas of the grants that carry it."""
        if self.is_platform_admin:
            return Area(everything=True)
        if permission not in self._areas:
            area = Area()
            for grant in self.grants:
                if permission in grant.permissions:
                    area = area | grant.area
            self._areas[permission] = area
        return self._areas[permission]

    @property
    def organization_ids(self) -> frozenset[int]:
        return frozenset(g.organization_id for g in self.grants if g.organization_id)

    @property
    def body_ids(self) -> frozenset[int]:
        return frozenset(g.body_id for g in self.grants if g.body_id)

    @property
    def town_ids(self) -> frozenset[int]:
        """Towns the user works in at all (any grant), for town-level pages and settings."""
        from gongzhi.places.models import Compound, Neighborhood

        towns: set[int] = set()
        nbs: set[int] = set()
        cps: set[int] = set()
        for grant in self.grants:
            towns |= grant.area.towns
            nbs |= grant.area.neighborhoods
            cps |= grant.area.compounds
        if nbs:
            towns |= set(Neighborhood.objects.filter(pk__in=nbs).values_list("town_id", flat=True))
        if cps:
            towns |= set(Compound.objects.filter(pk__in=cps).values_list("town_id", flat=True))
        return frozenset(towns)


ANONYMOUS = Scope(user_id=None, person_id=None)


def compute_scope(user, today: date | None = None) -> Scope:
    from gongzhi.orgs.models import Body, BodyCoverage, Membership, Organization, ServiceContract

    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    today = today or timezone.localdate()
    person = getattr(user, "person", None)
    if user.is_superuser:
        return Scope(user.pk, person.pk if person else None, is_platform_admin=True)
    if person is None:
        return Scope(user.pk, None, is_resident=True)

    memberships = list(Membership.objects.filter(person=person).active(today).select_related("organization", "body"))
    inspection_bodies = [m.body_id for m in memberships if m.body and m.body.kind == Body.Kind.INSPECTION_GROUP]
    coverage: dict[int, Area] = {}
    for row in BodyCoverage.objects.filter(body_id__in=inspection_bodies):
        area = coverage.get(row.body_id, Area())
        coverage[row.body_id] = area | Area(
            neighborhoods=frozenset([row.neighborhood_id] if row.neighborhood_id else []),
            compounds=frozenset([row.compound_id] if row.compound_id else []),
        )
    companies = [
        m.organization_id
        for m in memberships
        if m.organization and m.organization.kind == Organization.Kind.PROPERTY_COMPANY
    ]
    contracted: dict[int, set[int]] = {}
    for company_id, compound_id in (
        ServiceContract.objects.filter(company_id__in=companies).active(today).values_list("company_id", "compound_id")
    ):
        contracted.setdefault(company_id, set()).add(compound_id)

    grants: list[Grant] = []
    for m in memberships:
        if m.body is not None:
            body = m.body
            if body.kind == Body.Kind.OFFICE:
                grants.append(Grant(Role.OFFICE, Area(towns=frozenset([body.town_id])), body_id=body.pk))
            elif body.kind == Body.Kind.LEADERSHIP_GROUP:
                grants.append(Grant(Role.LEADERSHIP, Area(towns=frozenset([body.town_id])), body_id=body.pk))
            else:
                grants.append(Grant(Role.INSPECTOR, coverage.get(body.pk, Area()), body_id=body.pk))
            continue
        org = m.organization
        kind = Organization.Kind
        if org.kind in (kind.PARTY_ORG, kind.RESIDENTS_COMMITTEE):
            area = Area(neighborhoods=frozenset([org.neighborhood_id])) if org.neighborhood_id else Area()
        elif org.kind == kind.OWNERS_COMMITTEE:
            area = Area(compounds=frozenset([org.compound_id])) if org.compound_id else Area()
        elif org.kind == kind.PROPERTY_COMPANY:
            area = Area(compounds=frozenset(contracted.get(org.pk, set())))
        else:
            area = Area()
        grants.append(Grant(Role(org.kind), area, organization_id=org.pk))

    has_home = person.residencies.active().exists()
    return Scope(user.pk, person.pk, tuple(grants), is_resident=has_home or not grants)


def get_scope(user) -> Scope:
    """The user's scope, computed once and kept on the user object for the request."""
    cached = getattr(user, "_gongzhi_scope", None)
    if cached is None:
        cached = compute_scope(user)
        if getattr(user, "is_authenticated", False):
            user._gongzhi_scope = cached
    return cached


class ScopedQuerySet(models.QuerySet):
    """Base for every scoped model's QuerySet. Subclasses say how the model hangs off the
    places (`area_q`) and which permission plain viewing needs (`view_permission`)."""

    view_permission = "places.view"

    def area_q(self, area: Area, scope: Scope) -> Q:
        raise NotImplementedError

    def for_user(self, user, permission: str | None = None):
        scope = get_scope(user)
        permission = permission or self.view_permission
        if not scope.has(permission):
            return self.none()
        area = scope.area(permission)
        if area.everything:
            return self.all()
        return self.filter(self.area_q(area, scope))
