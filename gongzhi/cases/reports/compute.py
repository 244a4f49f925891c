"""The rate computation: the rates of a place per period and of the places one level down, from
one aggregate query over the counters."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.scope import get_scope

from .. import stats
from ..models import CaseStats, CaseTownStats
from ..rates import EFFECTIVE, HANDLING, SATISFACTION, ThreeRates, summed, three_rates
from .definitions import Settings, settings_for
from .labels import KIND_LABELS
from .months import add_months, bucket_of, month_text, snap
from .places import Place, scope_rows_q


@dataclass
class Line:
    """One row of a table: a period or a place, its counters and its rates."""

    key: object
    label: str
    first: date
    last: date
    counts: dict[str, int]
    rates: ThreeRates
    at: str = ""  # the place of the numbers (drill-down)
    link_at: str = ""  # the place's own rates page ("" when the user cannot open it)
    note: str = ""
    current: bool = False

    def sort_value(self, key: str):
        if key in (HANDLING, EFFECTIVE, SATISFACTION):
            return getattr(self.rates, key).value
        return self.counts[key]


@dataclass
class Ranking:
    kind: str
    lines: list[Line]

    @property
    def title(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class RatesReport:
    place: Place
    settings: Settings
    grain: str
    first: date
    last: date
    total: Line
    periods: list[Line]
    rankings: list[Ranking]

    @property
    def definition_text(self) -> str:
        return self.settings.definition.describe()

    @property
    def range_text(self) -> str:
        return f"{month_text(self.first)} – {month_text(self.last)}"


def _zero() -> dict[str, int]:
    return dict.fromkeys(CaseStats.COUNTERS, 0)


def _add(into: dict[str, int], row: dict) -> None:
    for name in CaseStats.COUNTERS:
        into[name] += row[name] or 0


def default_range(settings: Settings, today: date | None = None) -> tuple[date, date]:
    """The last 12 assessment months, ending with the current one."""
    today = today or timezone.localdate()
    last = stats.period_of(today, settings.start_day)
    return add_months(last, -11), last


def _towns_only(user, place: Place) -> bool:
    """Whether the page needs whole towns only (the city page of a user whose rates right covers
    whole towns): then the per-town rollup answers it, one row per town and month."""
    if place.children != ("town",):
        return False
    scope = get_scope(user)
    area = scope.area("cases.rates")
    return area.everything or (not area.neighborhoods and not area.compounds and not scope.organization_ids)


def build(user, place: Place, *, grain: str, first: date, last: date, settings: Settings | None = None) -> RatesReport:
    """The rates of `place` over the months `first`..`last` (month-first days), per period of
    `grain`, and the rankings one level down, from one aggregate query over the counters."""
    settings = settings or settings_for(place.town_ids)
    definition = settings.definition
    first, last = snap(first, last, grain)
    keys = {"town": "town_id", "neighborhood": "neighborhood_id", "compound": "compound_id"}
    group = ("period", *(keys.get(kind, "organization_id") for kind in place.children))
    rows = summed(
        scope_rows_q(user) & place.rows_q & Q(period__gte=first, period__lte=last),
        group_by=group,
        model=CaseTownStats if _towns_only(user, place) else CaseStats,
    )

    current_month = stats.period_of(timezone.localdate(), settings.start_day)
    buckets: dict[date, Line] = {}
    month = first
    while month <= last:
        b_first, b_last, label = bucket_of(month, grain)
        if b_first not in buckets:
            buckets[b_first] = Line(b_first, label, b_first, b_last, _zero(), None, at=place.at)
            buckets[b_first].current = b_first <= current_month <= b_last
        month = add_months(month, 1)
    total = _zero()
    by_child: dict[str, dict[int, dict[str, int]]] = {kind: defaultdict(_zero) for kind in place.children}
    for row in rows:
        bucket = buckets[bucket_of(row["period"], grain)[0]]
        _add(bucket.counts, row)
        _add(total, row)
        for kind in place.children:
            _add(by_child[kind][row[keys.get(kind, "organization_id")]], row)
    periods = list(buckets.values())
    for line in periods:
        line.rates = three_rates(line.counts, definition)
    total_line = Line("total", _("Whole range"), first, last, total, three_rates(total, definition), at=place.at)
    rankings = [
        Ranking(
            kind,
            [
                Line(pk, "", first, last, counts, three_rates(counts, definition), at=place.at)
                for pk, counts in by_child[kind].items()
            ],
        )
        for kind in place.children
    ]
    return RatesReport(place, settings, grain, first, last, total_line, periods, rankings)
