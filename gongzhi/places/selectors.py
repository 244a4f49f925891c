"""Reads over several models. The counts here are defined in docs/metrics.md (places)."""

import re

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import Building, Unit


def _unit_totals(filter_field: str):
    units = Unit.objects.filter(**{filter_field: OuterRef("pk")}).order_by().values(filter_field)
    count = Subquery(units.annotate(n=Count("pk")).values("n")[:1])
    area = Subquery(units.annotate(a=Sum("area")).values("a")[:1])
    return count, area


def with_place_totals(queryset, level: str):
    """Annotate compounds, neighborhoods or buildings with unit_count and total_area (m²), and
    compounds and neighborhoods with building_count. One query, no per-row lookups."""
    zero_area = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))
    if level == "building":
        count, area = _unit_totals("building")
        return queryset.annotate(unit_count=Coalesce(count, 0), total_area=Coalesce(area, zero_area))
    if level == "compound":
        count, area = _unit_totals("compound")
        buildings = Building.objects.filter(compound=OuterRef("pk")).order_by().values("compound")
        return queryset.annotate(
            unit_count=Coalesce(count, 0),
            total_area=Coalesce(area, zero_area),
            building_count=Coalesce(Subquery(buildings.annotate(n=Count("pk")).values("n")[:1]), 0),
        )
    if level == "neighborhood":
        count, area = _unit_totals("compound__neighborhood")
        return queryset.annotate(
            unit_count=Coalesce(count, 0),
            total_area=Coalesce(area, zero_area),
            compound_count=Count("compounds", distinct=True),
        )
    raise ValueError(level)


def natural_key(text: str) -> tuple:
    """Sort key that orders 2号楼 before 10号楼 and 902 before 1001."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part)


def by_number(queryset) -> list:
    """Buildings or units in the order people count them (by `number`, digits as numbers). A
    compound has tens of buildings and a building at most a few hundred units: sorted here."""
    return sorted(queryset, key=lambda row: natural_key(row.number))


def managed_towns(user, permission: str):
    """The towns where the user's `permission` reaches the whole town (the office's own; every town
    for the platform administrator)."""
    from gongzhi.core.scope import get_scope

    from .models import Town

    area = get_scope(user).area(permission)
    towns = Town.objects.order_by("pk")
    return towns if area.everything else towns.filter(pk__in=area.towns)


def office_town(user, permission: str):
    """The town whose settings and records the user keeps by `permission` (the first of theirs);
    a 404 for a user who keeps none."""
    from django.http import Http404

    town = managed_towns(user, permission).first()
    if town is None:
        raise Http404
    return town
