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
from ..rates import COMPOSITE, EFFECTIVE, HANDLING, SATISFACTION, ThreeRates, summed, three_rates
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
    current: bool = False  # the period contains today
    provisional: bool = False  # the period is not finished: its numbers are so far
    kind: str = ""  # an organisation's kind (rankings compare one kind at a time)

    def sort_value(self, key: str):
        if key in (HANDLING, EFFECTIVE, SATISFACTION):
            return getattr(self.rates, key).value
        if key == COMPOSITE:
            return self.rates.composite
        return self.counts[key]

    def cases_behind(self, key: str) -> int:
        """How many cases a rate stands on: its denominator (the composite index: the smallest
        of the three)."""
        if key == COMPOSITE:
            return min(rate.denominator for rate in self.rates.rates)
        return getattr(self.rates, key).denominator


@dataclass
class Ranking:
    """The lines one level down, over the finished months of the range (`first`..`last`); when
    the range has no finished month, over the whole range and `provisional`: shown, not ranked."""

    kind: str
    lines: list[Line]
    first: date | None = None
    last: date | None = None
    provisional: bool = False

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
    unfinished_from: date | None = None  # the first assessment month not finished yet

    @property
    def definition_text(self) -> str:
        return self.settings.definition.describe()

    @property
    def range_text(self) -> str:
        return f"{month_text(self.first)} – {month_text(self.last)}"

    @property
    def shows_composite(self) -> bool:
        return self.settings.definition.composite_weights is not None

    @property
    def unfinished_in_range(self) -> list[date]:
        """The assessment months of the range that are not finished (the current one, and any later)."""
        if self.unfinished_from is None or self.unfinished_from > self.last:
            return []
        months, month = [], max(self.first, self.unfinished_from)
        while month <= self.last:
            months.append(month)
            month = add_months(month, 1)
        return months

    @property
    def unfinished_text(self) -> str:
        months = self.unfinished_in_range
        if not months:
            return ""
        return month_text(months[0]) if len(months) == 1 else f"{month_text(months[0])} – {month_text(months[-1])}"

    @property
    def ranked_text(self) -> str:
        """The months the rankings are over (the finished months of the range)."""
        ranking = self.rankings[0] if self.rankings else None
        if ranking is None or ranking.first is None:
            return self.range_text
        return f"{month_text(ranking.first)} – {month_text(ranking.last)}"

    @property
    def ranking_note(self) -> str:
        """Which months the rankings count and which lines they do not rank (the page and the
        export say it above the rankings)."""
        if self.rankings and self.rankings[0].provisional:
            return _("No month of this range is finished: the lines show the numbers so far and are not ranked.")
        note = _("Ranked over %(range)s.") % {"range": self.ranked_text}
        if self.unfinished_in_range:
            note += " " + _("Left out, not finished yet: %(months)s.") % {"months": self.unfinished_text}
        minimum = _("A line with fewer than %(n)s cases behind the sorted rate is shown as “too few to rank”.") % {
            "n": self.settings.ranking_min_cases
        }
        return f"{note} {minimum}"

    @property
    def ranking_rule(self) -> str:
        return _(
            "Ranked by the sorted rate (调处率 unless another is chosen), best first; ties broken by the other "
            "rates (调处率, 处置有效率, 群众满意率 in this order) and sharing a rank; lines too few to rank come "
            "after the ranked ones, without a rank."
        )


def _zero() -> dict[str, int]:
    return dict.fromkeys(CaseStats.COUNTERS, 0)


def _add(into: dict[str, int], row: dict) -> None:
    for name in CaseStats.COUNTERS:
        into[name] += row[name] or 0


def unfinished_from(settings: Settings, today: date | None = None) -> date:
    """The first assessment month that is not finished: the one containing today (the earliest
    of the towns' windows when they differ). It and every later month are provisional."""
    today = today or timezone.localdate()
    return min(stats.period_of(today, start_day) for start_day, _towns in settings.start_day_groups)


def default_range(settings: Settings, today: date | None = None) -> tuple[date, date]:
    """The last 12 assessment months, ending with the current one."""
    today = today or timezone.localdate()
    last = stats.period_of(today, settings.start_day)
    return add_months(last, -11), last


def towns_only(user, place: Place) -> bool:
    """Whether the page needs whole towns only (the city page of a user whose rates right covers
    whole towns): then the per-town rollup answers it, one row per town and month."""
    if place.children != ("town",):
        return False
    scope = get_scope(user)
    area = scope.area("cases.rates")
    return area.everything or (not area.neighborhoods and not area.compounds and not scope.organization_ids)


def build(
    user,
    place: Place,
    *,
    grain: str,
    first: date,
    last: date,
    settings: Settings | None = None,
    children: tuple[str, ...] | None = None,
) -> RatesReport:
    """The rates of `place` over the months `first`..`last` (month-first days), per period of
    `grain`, and the rankings one level down, from one aggregate query over the counters.
    `children`: the rankings wanted, some of `place.children` (default: all of them); the fewer,
    the fewer rows the query groups into (the dashboard ranks the places, not the organisations)."""
    settings = settings or settings_for(place.town_ids)
    definition = settings.definition
    first, last = snap(first, last, grain)
    children = place.children if children is None else tuple(k for k in place.children if k in children)
    keys = {"town": "town_id", "neighborhood": "neighborhood_id", "compound": "compound_id"}
    group = ("period", *(keys.get(kind, "organization_id") for kind in children))
    rows = summed(
        scope_rows_q(user) & place.rows_q & Q(period__gte=first, period__lte=last),
        group_by=group,
        model=CaseTownStats if towns_only(user, place) else CaseStats,
    )

    current_month = stats.period_of(timezone.localdate(), settings.start_day)
    unfinished = unfinished_from(settings)
    buckets: dict[date, Line] = {}
    month = first
    while month <= last:
        b_first, b_last, label = bucket_of(month, grain)
        if b_first not in buckets:
            buckets[b_first] = Line(b_first, label, b_first, b_last, _zero(), None, at=place.at)
            buckets[b_first].current = b_first <= current_month <= b_last
            buckets[b_first].provisional = b_last >= unfinished
        month = add_months(month, 1)
    # The rankings count the finished months only; a range with none is shown, not ranked.
    ranked_last = min(last, add_months(unfinished, -1))
    provisional = ranked_last < first
    if provisional:
        ranked_last = last
    total = _zero()
    by_child: dict[str, dict[int, dict[str, int]]] = {kind: defaultdict(_zero) for kind in children}
    for row in rows:
        bucket = buckets[bucket_of(row["period"], grain)[0]]
        _add(bucket.counts, row)
        _add(total, row)
        if row["period"] <= ranked_last:
            for kind in children:
                _add(by_child[kind][row[keys.get(kind, "organization_id")]], row)
    periods = list(buckets.values())
    for line in periods:
        line.rates = three_rates(line.counts, definition)
    total_line = Line("total", _("Whole range"), first, last, total, three_rates(total, definition), at=place.at)
    total_line.provisional = last >= unfinished
    rankings = [
        Ranking(
            kind,
            [
                Line(pk, "", first, ranked_last, counts, three_rates(counts, definition), at=place.at)
                for pk, counts in by_child[kind].items()
            ],
            first,
            ranked_last,
            provisional,
        )
        for kind in children
    ]
    return RatesReport(place, settings, grain, first, last, total_line, periods, rankings, unfinished)
