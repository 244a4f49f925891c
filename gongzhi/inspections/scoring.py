"""The inspection score, defined once (docs/metrics.md, "Inspections"): the weighted percentage of
the points achievable over the items answered.

- a pass/fail item earns its whole weight when passed, nothing when failed;
- a scored item earns weight × points ÷ highest score;
- an item marked "not applicable", or left unanswered, counts neither way;
- score = 100 × Σ earned ÷ Σ weight of the counted items, rounded half up to one decimal;
  no counted item → no score (None), never 0 or 100.

Pages, exports, the report and the demo all call `inspection_score`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PASS, FAIL, SCORED, NOT_APPLICABLE = "pass", "fail", "scored", "na"


@dataclass(frozen=True)
class Answer:
    """One item's result as the score sees it."""

    kind: str  # "pass_fail" or "score"
    weight: int
    outcome: str  # pass, fail, scored, na
    points: int | None = None
    max_points: int = 1


@dataclass(frozen=True)
class Score:
    earned: Decimal
    achievable: Decimal
    counted: int
    excluded: int

    @property
    def percent(self) -> Decimal | None:
        if not self.achievable:
            return None
        return (100 * self.earned / self.achievable).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def earned(answer: Answer) -> Decimal | None:
    """What one item earns, or None when it is not counted."""
    if answer.outcome == NOT_APPLICABLE:
        return None
    if answer.kind == "pass_fail":
        if answer.outcome == PASS:
            return Decimal(answer.weight)
        if answer.outcome == FAIL:
            return Decimal(0)
        return None
    if answer.outcome != SCORED or answer.points is None or answer.max_points < 1:
        return None
    points = min(max(answer.points, 0), answer.max_points)
    return Decimal(answer.weight) * Decimal(points) / Decimal(answer.max_points)


def score(answers: Iterable[Answer]) -> Score:
    total, achievable, counted, excluded = Decimal(0), Decimal(0), 0, 0
    for answer in answers:
        value = earned(answer)
        if value is None:
            excluded += 1
            continue
        total += value
        achievable += answer.weight
        counted += 1
    return Score(total, achievable, counted, excluded)


def inspection_score(answers: Iterable[Answer]) -> Decimal | None:
    """The inspection's score in percent (one decimal), or None when no item counts."""
    return score(answers).percent


def average_score(scores: Iterable[Decimal | None]) -> Decimal | None:
    """The report's average: the plain mean of the inspections' scores (those without a score left
    out), one decimal; None when there is none."""
    values = [s for s in scores if s is not None]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
