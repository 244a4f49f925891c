"""The credit rules: each cause that writes a credit record by itself, with its code, its label,
the kind of record and its default points in each mode. A town's office turns rules off in its
credit settings (`CreditSettings.disabled_rules`).

The rules this app runs itself (its sweep, gongzhi.credit.sweeps) are registered below. The apps
built above this one (warnings, assessments, awards) add theirs when they start —
`rules.register(Rule("warnings.letter", …))` — and write their records through
`gongzhi.credit.services.record_by_rule(code, …)`, which is idempotent on the cause."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Rule:
    code: str
    label: Any
    kind: str  # "good", "bad" or "serious"
    grade_points: int  # points of the record in the grade mode
    demerit_points: int  # points of the record in the points mode (0 for a good record)

    def points_for(self, mode: str) -> int:
        """A good record keeps its grade-mode points in the points mode too, where good records
        count for nothing (gongzhi.credit.scoring) but are shown in the file."""
        if self.kind == "good":
            return self.grade_points
        return self.demerit_points if mode == "points" else self.grade_points


_rules: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.code == "manual":
        raise ValueError("'manual' is the category of records written by hand")
    _rules[rule.code] = rule
    return rule


def get(code: str) -> Rule | None:
    return _rules.get(code)


def all_rules() -> list[Rule]:
    return sorted(_rules.values(), key=lambda r: r.code)


def label_of(category: str) -> str:
    if category == "manual":
        return str(_("Recorded by the office"))
    rule = _rules.get(category)
    return str(rule.label) if rule else category


OVERDUE_RECTIFICATION = register(
    Rule("inspections.overdue", _("Rectification order overdue"), "bad", grade_points=5, demerit_points=6)
)
POOR_ANNUAL_REPORT = register(
    Rule("meetings.report_poor", _("Annual report rated poor"), "bad", grade_points=5, demerit_points=6)
)
COMPLAINTS = register(
    Rule("cases.complaints", _("Complaints over the monthly threshold"), "bad", grade_points=3, demerit_points=6)
)
