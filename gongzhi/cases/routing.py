"""Routing (R-DUTY-1): the category says which kind of organisation handles a case; the case's
compound says which organisation of that kind. When the compound has none (no owners' committee
yet, no current property contract), the neighborhood's residents' committee takes the case —
it is the neighborhood's first point of contact — and the reason is recorded."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.orgs.models import Organization, ServiceContract
from gongzhi.places.models import Compound

from .models import Category

Kind = Organization.Kind


@dataclass(frozen=True)
class Route:
    organization: Organization
    note: str = ""  # why not the category's own kind, when it fell back


class Router:
    """Routing for a batch of compounds, with their organisations and current contracts loaded in
    three queries (however many compounds): intake of many cases at once routes each in Python."""

    def __init__(self, compounds, today=None):
        self.today = today or timezone.localdate()
        compounds = list(compounds)
        neighborhood_ids = {c.neighborhood_id for c in compounds}
        compound_ids = {c.pk for c in compounds}
        self.by_neighborhood: dict[tuple[int, str], Organization] = {}
        for org in Organization.objects.filter(
            neighborhood_id__in=neighborhood_ids, kind__in=(Kind.PARTY_ORG, Kind.RESIDENTS_COMMITTEE)
        ):
            self.by_neighborhood.setdefault((org.neighborhood_id, org.kind), org)
        self.owners = {
            org.compound_id: org
            for org in Organization.objects.filter(compound_id__in=compound_ids, kind=Kind.OWNERS_COMMITTEE)
        }
        self.companies: dict[int, Organization] = {}
        contracts = (
            ServiceContract.objects.active(self.today)
            .filter(compound_id__in=compound_ids)
            .select_related("company")
            .order_by("compound_id", "-start")
        )
        for contract in contracts:
            self.companies.setdefault(contract.compound_id, contract.company)

    def _of_kind(self, kind: str, compound: Compound) -> Organization | None:
        if kind in (Kind.PARTY_ORG, Kind.RESIDENTS_COMMITTEE):
            return self.by_neighborhood.get((compound.neighborhood_id, kind))
        if kind == Kind.OWNERS_COMMITTEE:
            return self.owners.get(compound.pk)
        if kind == Kind.PROPERTY_COMPANY:
            return self.companies.get(compound.pk)
        return None

    def route(self, category: Category, compound: Compound) -> Route:
        if category.handler_kind == Kind.GOVERNMENT_UNIT:
            if category.handler_id:
                return Route(category.handler)
            organization = None
        else:
            organization = self._of_kind(category.handler_kind, compound)
        if organization is not None:
            return Route(organization)
        fallback = self._of_kind(Kind.RESIDENTS_COMMITTEE, compound) or self._of_kind(Kind.PARTY_ORG, compound)
        if fallback is None:
            raise ValidationError(
                _(
                    "No organisation can take cases for %(compound)s: its neighborhood has no residents' "
                    "committee or party organisation recorded. Please tell the office."
                )
                % {"compound": compound.name}
            )
        return Route(
            fallback,
            _("%(compound)s has no %(kind)s on record; the residents' committee takes the case.")
            % {"compound": compound.name, "kind": Kind(category.handler_kind).label},
        )


def route(category: Category, compound: Compound, today=None) -> Route:
    """Where a new case of `category` at `compound` goes."""
    return Router([compound], today).route(category, compound)
