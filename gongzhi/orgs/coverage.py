"""Which compounds the town's inspection groups cover: those no group covers, and those two or more
groups cover (a problem only where the town forbids overlaps). A group covers a compound directly
or through the compound's neighborhood."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from gongzhi.places.models import Compound, Town

from .models import Body, BodyCoverage


@dataclass
class TownCoverage:
    town: Town
    uncovered: list[Compound] = field(default_factory=list)
    overlaps: list[tuple[Compound, list[Body]]] = field(default_factory=list)

    @property
    def overlaps_forbidden(self) -> bool:
        return not self.town.inspection_groups_may_overlap

    @property
    def problems(self) -> int:
        return len(self.uncovered) + (len(self.overlaps) if self.overlaps_forbidden else 0)


def groups_covering(compounds) -> dict[int, list[Body]]:
    """compound id → the inspection groups covering it (directly or through its neighborhood)."""
    compounds = list(compounds)
    by_neighborhood: dict[int, list[Body]] = {}
    by_compound: dict[int, list[Body]] = {}
    rows = BodyCoverage.objects.filter(body__kind=Body.Kind.INSPECTION_GROUP).select_related("body")
    rows = rows.filter(body__town_id__in={c.neighborhood.town_id for c in compounds})
    for row in rows.order_by("body__number"):
        if row.neighborhood_id:
            by_neighborhood.setdefault(row.neighborhood_id, []).append(row.body)
        else:
            by_compound.setdefault(row.compound_id, []).append(row.body)
    out = {}
    for compound in compounds:
        groups = by_neighborhood.get(compound.neighborhood_id, []) + by_compound.get(compound.pk, [])
        out[compound.pk] = list({g.pk: g for g in groups}.values())
    return out


def town_coverage(towns) -> list[TownCoverage]:
    """The coverage of each town in `towns` (a queryset or list of towns)."""
    towns = list(towns)
    compounds = list(
        Compound.objects.filter(neighborhood__town__in=towns)
        .select_related("neighborhood")
        .order_by("neighborhood__code", "code")
    )
    covering = groups_covering(compounds)
    reports = {town.pk: TownCoverage(town) for town in towns}
    for compound in compounds:
        report = reports[compound.neighborhood.town_id]
        groups = covering[compound.pk]
        if not groups:
            report.uncovered.append(compound)
        elif len(groups) > 1:
            report.overlaps.append((compound, groups))
    return list(reports.values())


def coverage_counts(towns) -> tuple[int, int]:
    """How many compounds of `towns` no inspection group covers, and how many two or more groups
    cover in towns that forbid overlaps — the totals of `town_coverage` (the home page's attention
    items), counted by the database: one query, whatever the number of compounds (a city's 13,000
    compounds were read one by one with their groups before)."""
    groups = (
        BodyCoverage.objects.filter(
            body__kind=Body.Kind.INSPECTION_GROUP, body__town_id=OuterRef("neighborhood__town_id")
        )
        .filter(Q(compound_id=OuterRef("pk")) | Q(neighborhood_id=OuterRef("neighborhood_id")))
        .order_by()
        .values("body__kind")
        .annotate(n=Count("body_id", distinct=True))
        .values("n")
    )
    counted = (
        Compound.objects.filter(neighborhood__town__in=towns)
        .annotate(groups=Coalesce(Subquery(groups, output_field=IntegerField()), 0))
        .aggregate(
            uncovered=Count("pk", filter=Q(groups=0)),
            overlaps=Count("pk", filter=Q(groups__gt=1, neighborhood__town__inspection_groups_may_overlap=False)),
        )
    )
    return counted["uncovered"], counted["overlaps"]
