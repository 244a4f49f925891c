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
outside the area is simply not found (404), never "forbidden".

The kernel holds the shapes (Area, Grant, Scope) and the scoped QuerySet. It knows neither places
nor memberships: the places app installs how to find the neighborhoods and towns of places
(`set_place_lookups`), and the orgs app how to turn memberships into grants (`set_builder`,
gongzhi.orgs.scope.compute_scope), both when they start."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.db.models import Q

from .roles import ROLE_PERMISSIONS, Role

NOTHING = Q(pk__in=[])


@dataclass
class _Hooks:
    build: Callable[[object], Scope] | None = None
    # compound ids → the ids of their neighborhoods
    neighborhoods_of_compounds: Callable[[Iterable[int]], Iterable[int]] | None = None
    # (neighborhood ids, compound ids) → the ids of their towns
    towns_of: Callable[[Iterable[int], Iterable[int]], Iterable[int]] | None = None


_hooks = _Hooks()


def set_builder(build: Callable[[object], Scope]) -> None:
    """Install the function that computes a signed-in user's scope (gongzhi.orgs.scope)."""
    _hooks.build = build


def set_place_lookups(*, neighborhoods_of_compounds, towns_of) -> None:
    """Install how to find the neighborhoods of compounds and the towns of places (gongzhi.places)."""
    _hooks.neighborhoods_of_compounds = neighborhoods_of_compounds
    _hooks.towns_of = towns_of


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
        if not self.compounds:
            return frozenset()
        return frozenset(_hooks.neighborhoods_of_compounds(self.compounds))


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
        towns: set[int] = set()
        nbs: set[int] = set()
        cps: set[int] = set()
        for grant in self.grants:
            towns |= grant.area.towns
            nbs |= grant.area.neighborhoods
            cps |= grant.area.compounds
        if nbs or cps:
            towns |= set(_hooks.towns_of(nbs, cps))
        return frozenset(towns)


ANONYMOUS = Scope(user_id=None, person_id=None)


def compute_scope(user) -> Scope:
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    if _hooks.build is None:
        raise RuntimeError("No scope builder installed: is gongzhi.orgs in INSTALLED_APPS?")
    return _hooks.build(user)


def get_scope(user) -> Scope:
    """The user's scope, computed once and kept on the user object for the request."""
    cached = getattr(user, "_gongzhi_scope", None)
    if cached is None:
        cached = compute_scope(user)
        if getattr(user, "is_authenticated", False):
            user._gongzhi_scope = cached
    return cached


def in_leadership_group(user, town_id: int) -> bool:
    """Whether the user sits in the town's leadership group (the office's role carries every
    permission string, so a permission alone does not say it). None (the system) does not."""
    if user is None:
        return False
    return any(g.role == Role.LEADERSHIP and g.area.covers_town(town_id) for g in get_scope(user).grants)


class ScopedQuerySet(models.QuerySet):
    """Base for every scoped model's QuerySet. Subclasses say how the model hangs off the
    places (`area_q`), which permission plain viewing needs (`view_permission`), and what a
    permission reaches beyond the area of its grants (`beyond_area_q`, nothing by default)."""

    view_permission = "places.view"

    def area_q(self, area: Area, scope: Scope) -> Q:
        raise NotImplementedError

    def beyond_area_q(self, scope: Scope, permission: str) -> Q | None:
        return None

    def for_user(self, user, permission: str | None = None):
        scope = get_scope(user)
        permission = permission or self.view_permission
        if not scope.has(permission):
            return self.none()
        area = scope.area(permission)
        if area.everything:
            return self.all()
        q = self.area_q(area, scope)
        beyond = self.beyond_area_q(scope, permission)
        if beyond is not None:
            q = beyond if q == NOTHING else q | beyond
        return self.filter(q)
