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


def _of_kind(kind: str, compound: Compound, today) -> Organization | None:
    if kind in (Kind.PARTY_ORG, Kind.RESIDENTS_COMMITTEE):
        return Organization.objects.filter(neighborhood_id=compound.neighborhood_id, kind=kind).first()
    if kind == Kind.OWNERS_COMMITTEE:
        return Organization.objects.filter(compound=compound, kind=kind).first()
    if kind == Kind.PROPERTY_COMPANY:
        contract = (
            ServiceContract.objects.active(today)
            .filter(compound=compound)
            .select_related("company")
            .order_by("-start")
            .first()
        )
        return contract.company if contract else None
    return None


def route(category: Category, compound: Compound, today=None) -> Route:
    today = today or timezone.localdate()
    if category.handler_kind == Kind.GOVERNMENT_UNIT:
        if category.handler_id:
            return Route(category.handler)
        organization = None
    else:
        organization = _of_kind(category.handler_kind, compound, today)
    if organization is not None:
        return Route(organization)
    fallback = _of_kind(Kind.RESIDENTS_COMMITTEE, compound, today) or _of_kind(Kind.PARTY_ORG, compound, today)
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
