"""The words of the three-rates report: the rates, the counters, the kinds of place ranked, and
the keys a ranking sorts by."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ..models import CaseStats
from ..rates import EFFECTIVE, HANDLING, SATISFACTION

RATE_LABELS = {
    HANDLING: gettext_lazy("Handling rate (调处率)"),
    EFFECTIVE: gettext_lazy("Effective-disposal rate (处置有效率)"),
    SATISFACTION: gettext_lazy("Satisfaction rate (群众满意率)"),
}
COUNTER_LABELS = {
    "submitted": gettext_lazy("submitted"),
    "accepted": gettext_lazy("accepted"),
    "handled_in_time": gettext_lazy("handled within the deadline"),
    "overdue": gettext_lazy("missed a deadline"),
    "reopened": gettext_lazy("reopened"),
    "closed_valid": gettext_lazy("closed with a valid follow-up"),
    "confirmed_fixed": gettext_lazy("confirmed fixed"),
    "rated_satisfied": gettext_lazy("rated Satisfied"),
    "rated_basic": gettext_lazy("rated Basically satisfied"),
    "rated_unsatisfied": gettext_lazy("rated Unsatisfied"),
    "rated": gettext_lazy("valid ratings"),
}
DRILL_COUNTERS = (*CaseStats.COUNTERS, "rated")
KIND_LABELS = {
    "town": gettext_lazy("Towns"),
    "neighborhood": gettext_lazy("Neighborhoods"),
    "compound": gettext_lazy("Compounds"),
    "organization": gettext_lazy("Organisations"),
}
SORT_KEYS = ("name", HANDLING, EFFECTIVE, SATISFACTION, "overdue", "reopened")
