"""Every number of an assessment, computed here only (docs/metrics.md, "Assessments"):

- `points_for(indicator, figure_value, figure_count, manual)`: an indicator's points — manual:
  the assessor's points (0 … its points); formula: linear from 0 at `low` to all points at `high`
  (clamped; `low` > `high` where less is better); deductions: points − per_event × events, at most
  `cap` taken off, never below 0. One decimal, half up. None when there is nothing to score yet.
- `total_of(points, total_weight)`: Σ points × 100 ÷ total_weight, one decimal (the score out of
  100; with the default total weight 100 it is the plain sum). None while a point is missing.
- `band_for(score, bands)`: the band with the highest `from_score` ≤ score.
- `quarter_fee(annual_fee, fee_percent)`: annual fee × ¼ × percentage (contracts carry no fee on
  the platform yet, so pages show the percentage; the function is here for when they do).
- `failed_twice(fails_now, fails_before)`: the "two periods failing in a row" flag.
- `ranks(totals)`: rank numbers, best first, equal totals sharing a rank (1, 2, 2, 4).
- `result_of(assessment)`: the assessment's total, band, fee percentage and fail flag — from the
  stored row once its cycle is published (a published cycle is never recomputed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE = Decimal("0.1")
ZERO = Decimal("0")


def _q(value: Decimal) -> Decimal:
    return Decimal(value).quantize(ONE, ROUND_HALF_UP)


def points_for(indicator, figure_value: Decimal | None, figure_count: int | None, manual: Decimal | None):
    """The points of one indicator (see the module's docstring)."""
    top = Decimal(indicator.max_points)
    if indicator.rule == "manual":
        return None if manual is None else _q(manual)
    if indicator.rule == "formula":
        if figure_value is None:
            return None if manual is None else _q(manual)  # nothing to measure: scored by hand
        low, high, value = Decimal(indicator.low), Decimal(indicator.high), Decimal(figure_value)
        if low == high:
            return top if (value >= high) else ZERO
        share = (value - low) / (high - low)
        share = min(max(share, ZERO), Decimal(1))
        return _q(top * share)
    if indicator.rule == "deductions":
        events = figure_count if figure_count is not None else (None if figure_value is None else int(figure_value))
        if events is None:
            return None if manual is None else _q(manual)
        taken = Decimal(indicator.per_event) * events
        if indicator.cap is not None:
            taken = min(taken, Decimal(indicator.cap))
        return _q(max(top - taken, ZERO))
    raise ValueError(indicator.rule)


def total_of(points: Sequence[Decimal | None], total_weight: int = 100) -> Decimal | None:
    if not points or any(p is None for p in points):
        return None
    return _q(sum(points, ZERO) * 100 / Decimal(total_weight))


def band_for(score: Decimal | None, bands: Iterable):
    if score is None:
        return None
    fitting = [b for b in bands if Decimal(b.from_score) <= score]
    return max(fitting, key=lambda b: Decimal(b.from_score)) if fitting else None


def quarter_fee(annual_fee: Decimal, fee_percent: int) -> Decimal:
    """The quarter's fee paid: annual fee × ¼ × percentage, to the fen (DOMAIN-RULES)."""
    return (Decimal(annual_fee) / 4 * Decimal(fee_percent) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def failed_twice(fails_now: bool, fails_before: bool | None) -> bool:
    return bool(fails_now and fails_before)


def ranks(totals: Sequence[Decimal | None]) -> list[int | None]:
    """Rank numbers for `totals` (in their order), best first; equal totals share a rank; an
    assessment without a total has no rank."""
    scored = sorted((t for t in totals if t is not None), reverse=True)
    first_at: dict[Decimal, int] = {}
    for i, t in enumerate(scored, start=1):
        first_at.setdefault(t, i)
    return [None if t is None else first_at[t] for t in totals]


@dataclass(frozen=True)
class Result:
    total: Decimal | None
    band: str
    fee_percent: int | None
    fails: bool


def compute(scheme, points: Sequence[Decimal | None]) -> Result:
    total = total_of(points, scheme.total_weight)
    band = band_for(total, scheme.bands.all())
    if band is None:
        return Result(total, "", None, False)
    return Result(total, band.label, band.fee_percent, band.fails)


def result_of(assessment) -> Result:
    """The assessment's result: stored once its cycle is published, computed from its scores
    (each score's points) before."""
    if assessment.cycle.frozen:
        return Result(assessment.total, assessment.band, assessment.fee_percent, assessment.fails)
    points = [s.points for s in assessment.scores.all()]
    return compute(assessment.cycle.scheme, points)
