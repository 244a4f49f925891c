"""Which compounds the town's inspection groups cover: those no group covers, and those two or more
groups cover (a problem only where the town forbids overlaps). A group covers a compound directly
or through the compound's neighborhood."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from gongzhi.places.models import Compound, Neighborhood, Town

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
    """How many compounds of `towns` (towns or their ids; None: every town) no inspection group
    covers, and how many two or more groups cover in towns that forbid overlaps — the totals of
    `town_coverage` (the home page's attention items), counted by the database in one statement
    whatever the number of compounds: the (compound, group) pairs, direct or through the
    compound's neighborhood, joined once (a subquery per compound with an OR of the two ways took
    0.2–0.3 s for the city's 13,000 compounds; the joins take some 30 ms)."""
    town_ids = None if towns is None else sorted({getattr(t, "pk", t) for t in towns})
    if town_ids == []:
        return 0, 0
    # Only table names (from the models) and placeholders are put into the text; values are parameters.
    tables = {
        "coverage": BodyCoverage._meta.db_table,
        "body": Body._meta.db_table,
        "compound": Compound._meta.db_table,
        "neighborhood": Neighborhood._meta.db_table,
        "town": Town._meta.db_table,
    }
    in_towns = "" if town_ids is None else " AND n.town_id IN (" + ", ".join(["%s"] * len(town_ids)) + ")"
    pairs = (
        "SELECT c.id AS compound_id, bc.body_id FROM {coverage} bc JOIN {body} b ON b.id = bc.body_id "
        "JOIN {compound} c ON c.{join} JOIN {neighborhood} n ON n.id = c.neighborhood_id "
        "WHERE b.kind = %s AND b.town_id = n.town_id{in_towns}"
    )
    sql = (  # noqa: S608 - table names and placeholders only (above)
        "WITH pairs AS ({direct} UNION {through}), "
        "per AS (SELECT compound_id, COUNT(*) AS n FROM pairs GROUP BY compound_id) "
        "SELECT COUNT(*) FILTER (WHERE per.n IS NULL), "
        "COUNT(*) FILTER (WHERE per.n > 1 AND NOT t.inspection_groups_may_overlap) "
        "FROM {compound} c JOIN {neighborhood} n ON n.id = c.neighborhood_id JOIN {town} t ON t.id = n.town_id "
        "LEFT JOIN per ON per.compound_id = c.id WHERE 1 = 1{in_towns}"
    ).format(
        direct=pairs.format(join="id = bc.compound_id", in_towns=in_towns, **tables),
        through=pairs.format(join="neighborhood_id = bc.neighborhood_id", in_towns=in_towns, **tables),
        in_towns=in_towns,
        **tables,
    )
    ids = town_ids or []
    with connection.cursor() as cursor:
        cursor.execute(sql, [Body.Kind.INSPECTION_GROUP.value, *ids] * 2 + ids)
        uncovered, overlaps = cursor.fetchone()
    return uncovered or 0, overlaps or 0
