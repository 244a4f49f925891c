"""The place sheets: 居民区 (neighborhoods), 小区 (compounds), 楼栋 (buildings), 房屋 (units)."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from gongzhi.places.models import Building, Compound, Neighborhood, Unit

from ..schema import SHEETS_BY_KEY
from .plan import Plan, Row


def plan_neighborhoods(plan: Plan) -> None:
    file_rows: dict[str, Row] = {}
    for row in plan.rows.get("neighborhoods", []):
        code = row.get("code")
        new = {"name": row.get("name")}
        plan.optional(row, new, "address")
        plan.neighborhoods[code] = plan.upsert(
            "neighborhoods",
            plan.neighborhoods.get(code),
            lambda code=code: Neighborhood(town=plan.town, code=code),
            new,
            row=row,
        )
        file_rows[code] = row
    _check_unique_names(plan, file_rows)


def _check_unique_names(plan: Plan, file_rows: dict[str, Row]) -> None:
    """No two neighborhoods of the town (stored or in the file) share a name."""
    sheet = SHEETS_BY_KEY["neighborhoods"]
    by_name = defaultdict(list)
    for code, neighborhood in plan.neighborhoods.items():
        if neighborhood.name:
            by_name[neighborhood.name].append(code)
    for codes in by_name.values():
        for code in codes:
            if code in file_rows and len(codes) > 1:
                other = next(c for c in codes if c != code)
                where = (
                    (_("row %(row)s") % {"row": file_rows[other].number})
                    if other in file_rows
                    else _("already recorded")
                )
                plan.cell_error(
                    sheet,
                    file_rows[code],
                    "name",
                    _(
                        "Another neighborhood (code %(code)s, %(where)s) has the same name; names must be unique in "
                        "the town."
                    )
                    % {"code": other, "where": where},
                )


def plan_compounds(plan: Plan) -> None:
    sheet = SHEETS_BY_KEY["compounds"]
    for row in plan.rows.get("compounds", []):
        code = row.get("code")
        new = {"name": row.get("name")}
        neighborhood = plan.neighborhood(sheet, row)
        if neighborhood is not None:
            new["neighborhood"] = neighborhood
        plan.optional(row, new, "address")
        plan.compounds[code] = plan.upsert(
            "compounds",
            plan.compounds.get(code),
            lambda code=code: Compound(town=plan.town, code=code),
            new,
            row=row,
        )


def plan_buildings(plan: Plan) -> None:
    sheet = SHEETS_BY_KEY["buildings"]
    for row in plan.rows.get("buildings", []):
        compound = plan.compound(sheet, row)
        if compound is None:
            continue
        key = (row.get("compound"), row.get("number"))
        new = {}
        plan.optional(row, new, "floors", empty=None)
        plan.buildings[key] = plan.upsert(
            "buildings",
            plan.buildings.get(key),
            lambda c=compound, n=key[1]: Building(town=plan.town, compound=c, number=n),
            new,
            row=row,
        )


def plan_units(plan: Plan) -> None:
    sheet = SHEETS_BY_KEY["units"]
    for row in plan.rows.get("units", []):
        compound = plan.compound(sheet, row)
        if compound is None or not row.usable("building"):
            continue
        building = plan.buildings.get((row.get("compound"), row.get("building")))
        if building is None:
            plan.cell_error(
                sheet,
                row,
                "building",
                _("No building “%(building)s” in compound %(compound)s: record it on the 楼栋 sheet.")
                % {"building": row.get("building"), "compound": row.get("compound")},
            )
            continue
        key = (row.get("compound"), row.get("building"), row.get("number"))
        new = {"area": row.get("area")}
        plan.units[key] = plan.upsert(
            "units",
            plan.units.get(key),
            lambda c=compound, b=building, n=key[2]: Unit(town=plan.town, compound=c, building=b, number=n),
            new,
            row=row,
        )
