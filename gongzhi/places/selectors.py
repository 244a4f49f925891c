"""Reads over several models. The counts here are defined in docs/metrics.md (places)."""

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
