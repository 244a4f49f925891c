"""The 组织 sheet (organizations): each kind belongs to its place — a party organisation and a
residents' committee to a neighborhood, an owners' committee to a compound — and a place has at
most one of each."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from gongzhi.orgs.models import Organization

from ..schema import SHEETS_BY_KEY
from .plan import Plan, Row

SHEET = SHEETS_BY_KEY["organizations"]
KINDS = dict(SHEET.column("kind").choices)  # kind → its label in the file


def plan_organizations(plan: Plan) -> None:
    file_rows: dict[str, Row] = {}
    for row in plan.rows.get("organizations", []):
        code = row.get("code")
        neighborhood, compound = _places(plan, row)
        new = {"name": row.get("name"), "kind": row.get("kind"), "neighborhood": neighborhood, "compound": compound}
        plan.optional(row, new, "phone")
        plan.optional(row, new, "address")
        plan.organizations[code] = plan.upsert(
            "organizations",
            plan.organizations.get(code),
            lambda code=code: Organization(town=plan.town, code=code),
            new,
            row=row,
        )
        file_rows[code] = row
    _check_one_per_place(plan, file_rows)


def _places(plan: Plan, row: Row) -> tuple:
    """The row's (neighborhood, compound), each None unless its kind belongs there; a place given
    where the kind needs none, or missing where it needs one, is an error."""
    kind = row.get("kind")
    neighborhood = compound = None
    needs = {
        "neighborhood": kind in Organization.NEIGHBORHOOD_KINDS,
        "compound": kind == Organization.Kind.OWNERS_COMMITTEE,
    }
    if kind is None:
        return neighborhood, compound
    for key, needed in needs.items():
        given = row.get(key) is not None or key in row.bad
        if needed and not given:
            plan.cell_error(
                SHEET,
                row,
                key,
                _("A %(kind)s belongs to a %(place)s: enter its code.")
                % {"kind": KINDS[kind], "place": SHEET.column(key).label.removeprefix("所属").removesuffix("编码")},
            )
        elif not needed and given:
            plan.cell_error(SHEET, row, key, _("Leave this empty for a %(kind)s.") % {"kind": KINDS[kind]})
    if needs["neighborhood"]:
        neighborhood = plan.neighborhood(SHEET, row)
    if needs["compound"]:
        compound = plan.compound(SHEET, row)
    return neighborhood, compound


def _check_one_per_place(plan: Plan, file_rows: dict[str, Row]) -> None:
    """One party organisation and one residents' committee per neighborhood; one owners'
    committee per compound — counting what is stored and what this file adds or changes."""
    holders = defaultdict(list)
    for code, org in plan.organizations.items():
        if org.kind in Organization.NEIGHBORHOOD_KINDS:
            place = (
                org.neighborhood.code
                if org.neighborhood_id is None and org.neighborhood
                else plan.neighborhood_code.get(org.neighborhood_id)
            )
            if place:
                holders[("neighborhood", place, org.kind)].append(code)
        elif org.kind == Organization.Kind.OWNERS_COMMITTEE:
            place = (
                org.compound.code
                if org.compound_id is None and org.compound
                else plan.compound_code.get(org.compound_id)
            )
            if place:
                holders[("compound", place, org.kind)].append(code)
    for (_place_kind, place, kind), codes in holders.items():
        if len(codes) < 2:
            continue
        for code in codes:
            if code in file_rows:
                other = next(c for c in codes if c != code)
                plan.cell_error(
                    SHEET,
                    file_rows[code],
                    "kind",
                    _("%(place)s already has a %(kind)s (code %(other)s): there can be only one.")
                    % {"place": place, "kind": KINDS[kind], "other": other},
                )
