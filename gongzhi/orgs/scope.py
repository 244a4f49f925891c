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


def _person_of(user) -> Person | None:
    """The user's person with whether they have a home (an active residency), in one statement
    (every signed-in request computes the scope). The person is kept on the user as `user.person`
    would load it, so the rest of the request reads it without a statement."""
    cache = user.__class__.person.related  # user.person's cache (__class__: request.user is lazy)
    if cache.is_cached(user):
        person = cache.get_cached_value(user)
        if person is not None and not hasattr(person, "has_home"):
            person.has_home = person.residencies.active().exists()
        return person
    person = (
        Person.objects.filter(user_id=user.pk)
        .annotate(has_home=Exists(Residency.objects.active().filter(person_id=OuterRef("pk"))))
        .first()
    )
    cache.set_cached_value(user, person)
    if person is not None:
        Person._meta.get_field("user").set_cached_value(person, user)
    return person


def compute_scope(user, today: date | None = None) -> Scope:
    """The user's scope: the person and the active memberships (with their organisation or body)
    in two statements; a coverage and a contract statement only for an inspection group's member
    and a property company's."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    today = today or timezone.localdate()
    person = _person_of(user)
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

    return Scope(user.pk, person.pk, tuple(grants), is_resident=person.has_home or not grants)
