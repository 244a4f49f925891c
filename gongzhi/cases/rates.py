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

# 2026.2: 处置有效 counts cases fixed the first time. 2026.3: a commitment given after the
# deadline does not move it, extensions are limited, escalation stops the clock, answers from the
# handling organisation's people are not counted, and the town chooses the 处置有效率 definition.
DEFINITION_VERSION = "2026.3"
HANDLING = "handling"
EFFECTIVE = "effective"
SATISFACTION = "satisfaction"
COMPOSITE = "composite"
FIRST_TIME = "first_time"  # 处置有效: confirmed fixed the first time
EVERY_CONFIRMED = "every_confirmed"  # 处置有效: every confirmed fix, also after 重办
DEFAULT_COMPOSITE_WEIGHTS = (Decimal("0.10"), Decimal("0.50"), Decimal("0.40"))


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
    effective: str = FIRST_TIME
    # weights of 调处率, 处置有效率, 群众满意率 in the composite index; None: not shown
    composite_weights: tuple[Decimal, Decimal, Decimal] | None = None

    @property
    def effective_counters(self) -> tuple[str, ...]:
        """The counters whose sum is the numerator of 处置有效率 under this definition."""
        if self.effective == EVERY_CONFIRMED:
            return ("confirmed_fixed", "confirmed_fixed_reopened")
        return ("confirmed_fixed",)

    def describe(self) -> str:
        window = (
            _("calendar months")
            if self.period_start_day == 1
            else _("months from the %(d)sth to the %(e)sth")
            % {"d": self.period_start_day, "e": self.period_start_day - 1}
        )
        effective = (
            _("处置有效 counts every case confirmed fixed, also after 重办")
            if self.effective == EVERY_CONFIRMED
            else _("处置有效 counts cases confirmed fixed the first time")
        )
        text = _("Definition %(v)s: 基本满意 weighs %(w)s; %(effective)s; %(window)s.") % {
            "v": self.version,
            "w": self.basic_weight,
            "effective": effective,
            "window": window,
        }
        if self.composite_weights:
            text += " " + _("Composite index = %(a)s × 调处率 + %(b)s × 处置有效率 + %(c)s × 群众满意率.") % dict(
                zip("abc", self.composite_weights, strict=True)
            )
        return text


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
        effective = sum(c[name] for name in self.definition.effective_counters)
        object.__setattr__(self, "handling", Rate(HANDLING, Decimal(c["handled_in_time"]), c["accepted"]))
        object.__setattr__(self, "effective", Rate(EFFECTIVE, Decimal(effective), c["closed_valid"]))
        object.__setattr__(
            self,
            "satisfaction",
            Rate(SATISFACTION, Decimal(c["rated_satisfied"]) + self.definition.basic_weight * c["rated_basic"], valid),
        )

    @property
    def rates(self) -> list[Rate]:
        return [self.handling, self.effective, self.satisfaction]

    @property
    def composite(self) -> Decimal | None:
        """The composite index (0..1) when the town shows it and all three rates have cases;
        None otherwise (a missing rate is never taken as 0)."""
        weights = self.definition.composite_weights
        values = [r.value for r in self.rates]
        if not weights or any(v is None for v in values):
            return None
        return sum((w * v for w, v in zip(weights, values, strict=True)), Decimal(0)).quantize(
            Decimal("0.0001"), ROUND_HALF_UP
        )

    @property
    def composite_percent(self) -> Decimal | None:
        value = self.composite
        return None if value is None else (value * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def three_rates(counts: dict[str, int], definition: Definition) -> ThreeRates:
    """调处率 = handled in time ÷ accepted; 处置有效率 = confirmed fixed (the first time, or also
    after 重办, as the definition says) ÷ closed with a valid follow-up; 群众满意率 = (满意 + w ×
    基本满意) ÷ valid ratings; the composite index when the definition has weights (docs/metrics.md)."""
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
