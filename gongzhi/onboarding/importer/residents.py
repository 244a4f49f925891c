"""The 住户 sheet (residents): a person living in a unit, recorded as a verified residency. A
person already living there (an open residency) is left as is; nothing is ever ended."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongzhi.orgs.models import Residency

from ..schema import SHEETS_BY_KEY
from .plan import Plan


def plan_residents(plan: Plan) -> None:
    sheet = SHEETS_BY_KEY["residents"]
    for row in plan.rows.get("residents", []):
        compound = plan.compound(sheet, row)
        if compound is None or not row.usable("building", "number"):
            continue
        unit = plan.units.get((row.get("compound"), row.get("building"), row.get("number")))
        if unit is None:
            plan.cell_error(
                sheet,
                row,
                "number",
                _("No unit %(number)s in building %(building)s of compound %(compound)s: record it on the 房屋 sheet.")
                % {"number": row.get("number"), "building": row.get("building"), "compound": row.get("compound")},
            )
            continue
        person = plan.people.get(row.get("phone"))
        if person is None:
            continue
        if person.pk and unit.pk and (person.pk, unit.pk) in plan.open_residencies:
            plan.count("residents", "unchanged", row)
            continue
        residency = Residency(
            town=plan.town,
            person=person,
            unit=unit,
            relation=row.get("relation"),
            status=Residency.Status.VERIFIED,
            source=Residency.Source.IMPORT,
        )
        plan.creates[Residency].append(residency)
        plan.count("residents", "created", row)
