"""The definition the rates of some towns are produced with (weights and assessment-month
windows from the towns' case settings), and the cases behind a counter under it (drill-down)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from gongzhi.places.models import Town

from .. import stats
from ..models import CaseSettings
from ..rates import DEFINITION_VERSION, Definition
from ..selectors import behind


@dataclass(frozen=True)
class Settings:
    definition: Definition
    mixed: bool  # the towns use different weights or windows
    start_day_groups: tuple[tuple[int, Q], ...]  # (assessment-month start day, the towns using it)
    # the fewest cases a line needs to be ranked: the largest of the towns' settings (docs/metrics.md)
    ranking_min_cases: int = 5

    @property
    def start_day(self) -> int:
        return self.definition.period_start_day


def settings_for(town_ids: tuple[int, ...] | None) -> Settings:
    """The definition the rates of these towns (None: every town) are produced with, from the
    towns' case settings (the model's defaults for a town without settings). Towns whose
    settings differ are shown under the defaults, and the page says so."""
    rows = CaseSettings.objects.all() if town_ids is None else CaseSettings.objects.filter(town_id__in=town_ids)
    fields = ("town_id", "period_start_day", "ranking_min_cases", *DEFINING)
    pairs = [dict(zip(fields, row, strict=True)) for row in rows.values_list(*fields)]
    towns_with = {p["town_id"] for p in pairs}
    lacking = Town.objects.exclude(pk__in=towns_with).exists() if town_ids is None else bool(set(town_ids) - towns_with)
    variants = {_definition(p["period_start_day"], p) for p in pairs}
    if lacking or not variants:
        variants.add(_definition(1, DEFAULTS))
    special: dict[int, list[int]] = defaultdict(list)
    for p in pairs:
        if p["period_start_day"] != 1:
            special[p["period_start_day"]].append(p["town_id"])
    if special:
        others = [t for ids in special.values() for t in ids]
        groups = ((1, ~Q(town_id__in=others)), *((sd, Q(town_id__in=ids)) for sd, ids in sorted(special.items())))
    else:
        groups = ((1, Q()),)
    minimums = {p["ranking_min_cases"] for p in pairs} | ({MIN_CASES} if lacking or not pairs else set())
    if len(variants) == 1:
        return Settings(next(iter(variants)), False, groups, max(minimums))
    return Settings(_definition(1, DEFAULTS), True, groups, max(minimums))


# The settings that change how a rate is computed (besides the assessment window).
DEFINING = (
    "basic_satisfied_weight",
    "effective_definition",
    "show_composite",
    "composite_handling_weight",
    "composite_effective_weight",
    "composite_satisfaction_weight",
)
DEFAULTS = {name: CaseSettings._meta.get_field(name).default for name in DEFINING}
MIN_CASES = CaseSettings._meta.get_field("ranking_min_cases").default


def _definition(start_day: int, values: dict) -> Definition:
    weights = None
    if values["show_composite"]:
        weights = tuple(
            Decimal(values[name])
            for name in ("composite_handling_weight", "composite_effective_weight", "composite_satisfaction_weight")
        )
    return Definition(
        DEFINITION_VERSION,
        Decimal(values["basic_satisfied_weight"]),
        start_day,
        effective=values["effective_definition"],
        composite_weights=weights,
    )


def drill_q(settings: Settings, counter: str, first: date, last: date) -> Q:
    """The cases behind `counter` in the assessment months `first` to `last`: each town's own
    window turns the months into days (selectors.behind mirrors stats.contributions)."""
    parts = []
    for start_day, towns in settings.start_day_groups:
        day_first = stats.period_range(first, start_day)[0]
        day_last = stats.period_range(last, start_day)[1]
        parts.append(towns & behind(counter, day_first, day_last))
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q
