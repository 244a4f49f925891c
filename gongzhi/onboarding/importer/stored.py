"""What the town has stored that the file may refer to or change, read once (in chunks of ids)
and, for an import, locked (of=("self",): the row itself, nothing joined)."""

from __future__ import annotations

from gongzhi.orgs.models import Membership, Organization, Person, Residency, ServiceContract
from gongzhi.places.models import Building, Compound, Neighborhood, Unit

from .plan import Plan, chunks


def load(plan: Plan) -> None:
    _load_places(plan)
    _load_people(plan)


def _locked(plan: Plan, queryset):
    return queryset.select_for_update(of=("self",)) if plan.lock else queryset


def _load_places(plan: Plan) -> None:
    town, rows = plan.town, plan.rows
    plan.neighborhoods = {n.code: n for n in _locked(plan, Neighborhood.objects.filter(town=town))}
    plan.neighborhood_code = {n.pk: n.code for n in plan.neighborhoods.values()}
    plan.compounds = {c.code: c for c in _locked(plan, Compound.objects.filter(town=town))}
    plan.compound_code = {c.pk: c.code for c in plan.compounds.values()}

    place_codes = {r.get("compound") for k in ("buildings", "units", "residents") for r in rows.get(k, [])}
    compound_ids = [plan.compounds[c].pk for c in place_codes if c in plan.compounds]
    building_number = {}
    for ids in chunks(compound_ids):
        for b in _locked(plan, Building.objects.filter(town=town, compound_id__in=ids)):
            plan.buildings[(plan.compound_code[b.compound_id], b.number)] = b
            building_number[b.pk] = b.number
    unit_compounds = {r.get("compound") for k in ("units", "residents") for r in rows.get(k, [])}
    for ids in chunks([plan.compounds[c].pk for c in unit_compounds if c in plan.compounds]):
        for u in _locked(plan, Unit.objects.filter(town=town, compound_id__in=ids)):
            plan.units[(plan.compound_code[u.compound_id], building_number.get(u.building_id), u.number)] = u


def _load_people(plan: Plan) -> None:
    town, rows = plan.town, plan.rows
    plan.organizations = {o.code: o for o in _locked(plan, Organization.objects.filter(town=town))}
    plan.organization_code = {o.pk: o.code for o in plan.organizations.values()}

    phones = {r.get("phone") for k in ("people", "memberships", "residents") for r in rows.get(k, [])}
    phones |= {r.get("manager") for r in rows.get("contracts", [])}
    phones.discard(None)
    for chunk in chunks(sorted(phones)):
        for p in _locked(plan, Person.objects.filter(town=town, phone__in=chunk)):
            plan.people[p.phone] = p

    org_ids = [
        plan.organizations[r.get("organization")].pk
        for r in rows.get("memberships", [])
        if r.get("organization") in plan.organizations
    ]
    for ids in chunks(set(org_ids)):
        for m in _locked(plan, Membership.objects.filter(town=town, organization_id__in=ids)):
            plan.memberships[(m.person_id, m.organization_id, m.start)] = m

    plan.contracts = list(_locked(plan, ServiceContract.objects.filter(town=town)))

    if rows.get("residents"):
        for ids in chunks([u.pk for u in plan.units.values()]):
            plan.open_residencies.update(
                Residency.objects.filter(unit_id__in=ids).active().values_list("person_id", "unit_id")
            )
