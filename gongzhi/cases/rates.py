"""The three rates (R-MECH-1) — 调处率, 处置有效率, 群众满意率 — computed by one function from
the counters (gongzhi.cases.stats), with the raw counts and the definition that produced them.
The formulas are written in docs/metrics.md; pages, exports and the API call `three_rates`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from .models import CaseStats

DEFINITION_VERSION = "2026.2"  # 2026.2: 处置有效 counts cases fixed the first time
HANDLING = "handling"
EFFECTIVE = "effective"
SATISFACTION = "satisfaction"


@dataclass(frozen=True)
class Rate:
    key: str
    numerator: Decimal
    denominator: int

    @property
    def value(self) -> Decimal | None:
        """The rate as a fraction (0..1), None when there is nothing to measure."""
        if not self.denominator:
            return None
        return (Decimal(self.numerator) / Decimal(self.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP)

    @property
    def percent(self) -> Decimal | None:
        value = self.value
        return None if value is None else (value * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Definition:
    """Which definition produced a set of rates: shown beside every number."""

    version: str
    basic_weight: Decimal
    period_start_day: int

    def describe(self) -> str:
        window = (
            _("calendar months")
            if self.period_start_day == 1
            else _("months from the %(d)sth to the %(e)sth")
            % {"d": self.period_start_day, "e": self.period_start_day - 1}
        )
        return _("Definition %(v)s: 基本满意 weighs %(w)s; %(window)s.") % {
            "v": self.version,
            "w": self.basic_weight,
            "window": window,
        }


@dataclass(frozen=True)
class ThreeRates:
    counts: dict[str, int]
    definition: Definition
    handling: Rate = field(init=False)
    effective: Rate = field(init=False)
    satisfaction: Rate = field(init=False)

    def __post_init__(self):
        c = self.counts
        valid = c["rated_satisfied"] + c["rated_basic"] + c["rated_unsatisfied"]
        object.__setattr__(self, "handling", Rate(HANDLING, Decimal(c["handled_in_time"]), c["accepted"]))
        object.__setattr__(self, "effective", Rate(EFFECTIVE, Decimal(c["confirmed_fixed"]), c["closed_valid"]))
        object.__setattr__(
            self,
            "satisfaction",
            Rate(SATISFACTION, Decimal(c["rated_satisfied"]) + self.definition.basic_weight * c["rated_basic"], valid),
        )

    @property
    def rates(self) -> list[Rate]:
        return [self.handling, self.effective, self.satisfaction]


def three_rates(counts: dict[str, int], definition: Definition) -> ThreeRates:
    """调处率 = handled in time ÷ accepted; 处置有效率 = confirmed fixed ÷ closed with a valid
    follow-up; 群众满意率 = (满意 + w × 基本满意) ÷ valid ratings (docs/metrics.md)."""
    return ThreeRates({name: int(counts.get(name) or 0) for name in CaseStats.COUNTERS}, definition)


def summed(rows_q: Q, group_by: tuple[str, ...] = (), model=CaseStats) -> list[dict]:
    """Sum the counters over the rows matching `rows_q`, optionally grouped. `model` is CaseStats
    (per organisation, compound and month) or CaseTownStats (per town and month) for pages that
    need towns only."""
    sums = {name: Sum(name) for name in CaseStats.COUNTERS}
    qs = model.objects.filter(rows_q)
    if group_by:
        return list(qs.values(*group_by).annotate(**sums).order_by(*group_by))
    return [qs.aggregate(**sums)]


def period_q(first: date, last: date) -> Q:
    """Rows of the assessment months from `first` to `last` (both month-first days)."""
    return Q(period__gte=first, period__lte=last)
