"""How a signed-in user's memberships become their scope (gongzhi.core.scope): each active
membership is a grant of a role over an area of places. Installed as the kernel's scope builder
when the orgs app starts."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef
from django.utils import timezone

from gongzhi.core.roles import Role
from gongzhi.core.scope import ANONYMOUS, Area, Grant, Scope

from .models import Body, BodyCoverage, Membership, Organization, Person, Residency, ServiceContract


def _has_home(person: str):
    """Whether the person (an outer reference) has an active residency."""
    return Exists(Residency.objects.active().filter(person_id=OuterRef(person)))


def _keep_person(user, person) -> None:
    """Keep the person on the user as `user.person` would load it, so the rest of the request
    reads it without a statement (__class__: request.user is a lazy object)."""
    user.__class__.person.related.set_cached_value(user, person)
    if person is not None:
        Person._meta.get_field("user").set_cached_value(person, user)


def _person_of(user) -> Person | None:
    """The user's person with whether they have a home (an active residency), in one statement."""
    cache = user.__class__.person.related
    if cache.is_cached(user):
        person = cache.get_cached_value(user)
        if person is not None:
            person.has_home = person.residencies.active().exists()
        return person
    person = Person.objects.filter(user_id=user.pk).annotate(has_home=_has_home("pk")).first()
    _keep_person(user, person)
    return person


def _memberships(user, today) -> tuple[Person | None, list[Membership]]:
    """The user's person and its active memberships with their organisation or body, the person
    and whether they have a home: a staff member's in one statement; a person without membership
    (a resident) takes a second one."""
    cache = user.__class__.person.related
    known = cache.get_cached_value(user) if cache.is_cached(user) else False
    if known is None:
        return None, []
    rows = Membership.objects.filter(person=known) if known else Membership.objects.filter(person__user_id=user.pk)
    memberships = list(
        rows.active(today)
        .select_related("organization", "body", "person")
        .annotate(person_has_home=_has_home("person_id"))
    )
    if not memberships:
        return _person_of(user), []
    person = known or memberships[0].person
    person.has_home = memberships[0].person_has_home
    for membership in memberships:
        membership.person = person
    if today == timezone.localdate():
        person.active_memberships = memberships  # the home page's "My organisations" (orgs.contributions)
    _keep_person(user, person)
    return person, memberships


def has_home(user) -> bool:
    """Whether the signed-in user has an active residency, as the scope read it (no statement once
    the scope is computed)."""
    person = getattr(user, "person", None)
    if person is None:
        return False
    if not hasattr(person, "has_home"):
        person.has_home = person.residencies.active().exists()
    return person.has_home


def compute_scope(user, today: date | None = None) -> Scope:
    """The user's scope: a staff member's active memberships (with their organisation or body and
    the person) in one statement, a platform administrator's or a resident's person in one; a
    coverage and a contract statement only for an inspection group's member and a property
    company's. Computed for every signed-in request (once: core.scope.get_scope)."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    today = today or timezone.localdate()
    if user.is_superuser:
        person = _person_of(user)
        return Scope(user.pk, person.pk if person else None, is_platform_admin=True)
    person, memberships = _memberships(user, today)
    if person is None:
        return Scope(user.pk, None, is_resident=True)

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

    return Scope(user.pk, person.pk, tuple(grants), is_resident=person.has_home or not grants)
