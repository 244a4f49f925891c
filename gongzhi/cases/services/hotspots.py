"""Hotspots: a problem that keeps coming back in one compound is proposed as an item for the
neighborhood's joint meeting (the meetings app takes the proposals up)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.places.models import Compound

from ..models import AgendaProposal, Case, Category
from .access import area_has


def propose_hotspot(
    *,
    actor,
    compound: Compound,
    category: Category,
    cases: Sequence[Case],
    window_start: date,
    window_end: date,
    note: str = "",
) -> AgendaProposal:
    """Propose a recurring problem as an item for the neighborhood's joint meeting."""
    if actor is not None and not area_has(actor, "cases.route", compound):
        raise PermissionDenied("cases.route")
    if not cases:
        raise ValidationError(_("A hotspot has cases."))
    with transaction.atomic():
        if AgendaProposal.objects.filter(compound=compound, category=category, window_end__gte=window_start).exists():
            raise ValidationError(_("This hotspot has already been proposed for the joint meeting."))
        proposal = AgendaProposal.objects.create(
            town_id=compound.town_id,
            neighborhood_id=compound.neighborhood_id,
            compound=compound,
            category=category,
            window_start=window_start,
            window_end=window_end,
            case_count=len(cases),
            note=(note or "").strip()[:1000],
            proposed_by=actor,
        )
        proposal.cases.set(cases)
        audit.record(
            actor,
            "cases.agendaproposal.create",
            proposal,
            after={"compound": compound.pk, "category": category.pk, "cases": [c.number for c in cases]},
        )
    return proposal
