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

DEFAULT_WEIGHT = CaseSettings._meta.get_field("basic_satisfied_weight").default


@dataclass(frozen=True)
class Settings:
    definition: Definition
    mixed: bool  # the towns use different weights or windows
    start_day_groups: tuple[tuple[int, Q], ...]  # (assessment-month start day, the towns using it)

    @property
    def start_day(self) -> int:
        return self.definition.period_start_day


def settings_for(town_ids: tuple[int, ...] | None) -> Settings:
    """The definition the rates of these towns (None: every town) are produced with, from the
    towns' case settings (the model's defaults for a town without settings)."""
    rows = CaseSettings.objects.all() if town_ids is None else CaseSettings.objects.filter(town_id__in=town_ids)
    pairs = list(rows.values_list("town_id", "period_start_day", "basic_satisfied_weight"))
    towns_with = {t for t, _sd, _w in pairs}
    lacking = Town.objects.exclude(pk__in=towns_with).exists() if town_ids is None else bool(set(town_ids) - towns_with)
    variants = {(sd, Decimal(w)) for _t, sd, w in pairs}
    if lacking or not variants:
        variants.add((1, Decimal(DEFAULT_WEIGHT)))
    special: dict[int, list[int]] = defaultdict(list)
    for town_id, start_day, _w in pairs:
        if start_day != 1:
            special[start_day].append(town_id)
    if special:
        others = [t for ids in special.values() for t in ids]
        groups = ((1, ~Q(town_id__in=others)), *((sd, Q(town_id__in=ids)) for sd, ids in sorted(special.items())))
    else:
        groups = ((1, Q()),)
    if len(variants) == 1:
        start_day, weight = next(iter(variants))
        return Settings(Definition(DEFINITION_VERSION, weight, start_day), False, groups)
    return Settings(Definition(DEFINITION_VERSION, Decimal(DEFAULT_WEIGHT), 1), True, groups)


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
