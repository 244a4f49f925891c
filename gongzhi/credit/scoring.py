"""The standing of a credit file — one function, `standing`, defined in docs/metrics.md ("Credit
files") and computed only here; the file pages, the list, the export, the credit report and the
public lists call it.

What counts on a day: a record valid that day (valid_from ≤ day ≤ valid_until) and not withdrawn
after an objection. A pending objection or correction request does not suspend it; an objection
upheld leaves it as it was. A record corrected after rectification (修正) counts no more from the
day of the correction (before that day it counted: the standing of a past day does not change).

- Grade mode: score = basic + min(Σ good points, cap) − Σ bad points (bad and serious records),
  never below 0; the grade by the town's bands (AAA ≥ 85, AA ≥ 80, A ≥ 70, B ≥ 60, C below, by
  default); blacklisted while a serious record counts.
- Points mode (Shanghai 失信记分): total = Σ points of the bad and serious records (good records
  carry no points there); the level: blacklist at or above the town's blacklist level, or while a
  serious record counts; watch at or above the watch level; else normal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

GRADES = ("AAA", "AA", "A", "B", "C")
GOOD, BAD, SERIOUS = "good", "bad", "serious"
WITHDRAWN, CORRECTED = "withdrawn", "corrected"

LEVEL_LABELS = {
    "normal": pgettext_lazy("credit level", "Normal"),
    "watch": _("Watch list"),
    "blacklist": _("Blacklist"),
}


@dataclass(frozen=True)
class Standing:
    mode: str
    on: date
    counted: tuple = field(default_factory=tuple)  # the records that counted
    good: int = 0  # Σ good points counted (before the cap)
    good_counted: int = 0  # min(good, cap)
    bad: int = 0  # Σ bad and serious points
    score: int | None = None  # grade mode
    grade: str = ""  # grade mode
    total: int | None = None  # points mode
    level: str = "normal"  # "normal", "watch" or "blacklist"
    blacklisted: bool = False

    @property
    def red_list(self) -> bool:
        """On the red list (红榜): grade AAA in the grade mode, not blacklisted."""
        return self.grade == "AAA" and not self.blacklisted

    @property
    def summary(self) -> str:
        """What lists show: the grade (or the points) and the blacklist."""
        if self.mode == "grade":
            text = f"{self.grade} ({self.score})"
        else:
            text = f"{self.total} {_('points')}"
        return f"{text} · {_('Blacklist')}" if self.blacklisted else text

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.level])


def counts_on(record, on: date) -> bool:
    """Whether a record counts on day `on` (see the module's docstring)."""
    if record.state == WITHDRAWN:
        return False
    if not record.valid_from <= on <= record.valid_until:
        return False
    if record.state == CORRECTED:
        return record.corrected_on is not None and on < record.corrected_on
    return True


def grade_for(score: int, settings) -> str:
    if score >= settings.band_aaa:
        return "AAA"
    if score >= settings.band_aa:
        return "AA"
    if score >= settings.band_a:
        return "A"
    if score >= settings.band_b:
        return "B"
    return "C"


def standing(records: Iterable, settings, on_day: date) -> Standing:
    """The standing of one file (one subject's records) on `on_day` under the town's settings."""
    counted = tuple(r for r in records if counts_on(r, on_day))
    good = sum(r.points for r in counted if r.kind == GOOD)
    bad = sum(r.points for r in counted if r.kind in (BAD, SERIOUS))
    serious = any(r.kind == SERIOUS for r in counted)
    if settings.mode == "points":
        if serious or bad >= settings.blacklist_points:
            level = "blacklist"
        elif bad >= settings.watch_points:
            level = "watch"
        else:
            level = "normal"
        return Standing(
            "points", on_day, counted, good, 0, bad, total=bad, level=level, blacklisted=level == "blacklist"
        )
    good_counted = min(good, settings.good_cap)
    score = max(settings.basic_score + good_counted - bad, 0)
    return Standing(
        "grade",
        on_day,
        counted,
        good,
        good_counted,
        bad,
        score=score,
        grade=grade_for(score, settings),
        level="blacklist" if serious else "normal",
        blacklisted=serious,
    )
