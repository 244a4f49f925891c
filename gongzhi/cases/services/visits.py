"""Household visits (R-DUTY-2): a residents' committee worker logs a visit; a case entered from it
records it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.places.models import Compound, Unit

from ..models import Visit
from .access import area_has


def log_visit(
    *, actor, compound: Compound, visited_on: date, unit: Unit | None = None, household: str = "", notes: str = ""
) -> Visit:
    if actor is not None and not area_has(actor, "visits.log", compound):
        raise PermissionDenied("visits.log")
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("A visit cannot be in the future.")})
    if unit is not None and unit.compound_id != compound.pk:
        raise ValidationError({"unit": _("This unit is not in the compound.")})
    with transaction.atomic():
        visit = Visit(
            town_id=compound.town_id,
            neighborhood_id=compound.neighborhood_id,
            compound=compound,
            unit=unit,
            household=household.strip()[:100],
            visitor=actor,
            visited_on=visited_on,
            notes=notes.strip()[:2000],
        )
        visit.save()
        audit.record(
            actor,
            "cases.visit.create",
            visit,
            after=audit.snapshot(visit, ["compound", "unit", "household", "visited_on"]),
        )
    return visit
