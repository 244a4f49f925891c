"""How a signed-in user's memberships become their scope (gongzhi.core.scope): each active
membership is a grant of a role over an area of places. Installed as the kernel's scope builder
when the orgs app starts."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from gongzhi.core.roles import Role
from gongzhi.core.scope import ANONYMOUS, Area, Grant, Scope

from .models import Body, BodyCoverage, Membership, Organization, ServiceContract


def compute_scope(user, today: date | None = None) -> Scope:

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
