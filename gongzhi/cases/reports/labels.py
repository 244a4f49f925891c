"""The words of the three-rates report: the rates, the counters, the kinds of place ranked, and
the keys a ranking sorts by; which counters make each rate under a definition."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ..models import CaseStats
from ..rates import COMPOSITE, EFFECTIVE, EVERY_CONFIRMED, HANDLING, SATISFACTION, Definition

RATE_LABELS = {
    HANDLING: gettext_lazy("Handling rate (调处率)"),
    EFFECTIVE: gettext_lazy("Effective-disposal rate (处置有效率)"),
    SATISFACTION: gettext_lazy("Satisfaction rate (群众满意率)"),
    COMPOSITE: gettext_lazy("Composite index (综合指数)"),
}
COUNTER_LABELS = {
    "submitted": gettext_lazy("submitted"),
    "accepted": gettext_lazy("accepted"),
    "handled_in_time": gettext_lazy("handled within the deadline"),
    "overdue": gettext_lazy("missed a deadline"),
    "reopened": gettext_lazy("reopened"),
    "closed_valid": gettext_lazy("closed with a valid follow-up"),
    "confirmed_fixed": gettext_lazy("confirmed fixed the first time"),
    "confirmed_fixed_reopened": gettext_lazy("confirmed fixed after 重办"),
    "confirmed_any": gettext_lazy("confirmed fixed (also after 重办)"),
    "closed_unreachable": gettext_lazy("closed: the resident could not be reached"),
    "answer_not_counted": gettext_lazy("answers not counted"),
    "rated_satisfied": gettext_lazy("rated Satisfied"),
    "rated_basic": gettext_lazy("rated Basically satisfied"),
    "rated_unsatisfied": gettext_lazy("rated Unsatisfied"),
    "rated": gettext_lazy("valid ratings"),
}
# The short words of the small figures beside a rate (the full label is the link's title).
SHORT_LABELS = {
    "confirmed_fixed_reopened": gettext_lazy("after 重办"),
    "closed_unreachable": gettext_lazy("not reached"),
    "answer_not_counted": gettext_lazy("not counted"),
}
# Drill-down keys that are sums of counters.
SUMS = {
    "rated": ("rated_satisfied", "rated_basic", "rated_unsatisfied"),
    "confirmed_any": ("confirmed_fixed", "confirmed_fixed_reopened"),
}
DRILL_COUNTERS = (*CaseStats.COUNTERS, *SUMS)
# The small figures shown beside a rate: what the rate leaves out, and (beside 处置有效率) the
# cases confirmed fixed only after 重办, counted or not as the definition says.
EXTRAS = {
    EFFECTIVE: ("confirmed_fixed_reopened", "closed_unreachable", "answer_not_counted"),
    SATISFACTION: ("answer_not_counted",),
}
KIND_LABELS = {
    "town": gettext_lazy("Towns"),
    "neighborhood": gettext_lazy("Neighborhoods"),
    "compound": gettext_lazy("Compounds"),
    "organization": gettext_lazy("Organisations"),
}
RATE_SORTS = (HANDLING, EFFECTIVE, SATISFACTION, COMPOSITE)
SORT_KEYS = ("name", *RATE_SORTS, "overdue", "reopened")


def count_of(counts: dict[str, int], counter: str) -> int:
    """A counter's value, or the sum a drill-down key stands for."""
    return sum(counts[name] for name in SUMS.get(counter, (counter,)))


def rate_parts(definition: Definition) -> dict[str, tuple[tuple[str, ...], str]]:
    """Which counters make each rate under `definition`: the numerator's parts (each linking to
    its cases) and the denominator (docs/metrics.md)."""
    effective = "confirmed_any" if definition.effective == EVERY_CONFIRMED else "confirmed_fixed"
    return {
        HANDLING: (("handled_in_time",), "accepted"),
        EFFECTIVE: ((effective,), "closed_valid"),
        SATISFACTION: (("rated_satisfied", "rated_basic"), "rated"),
    }
