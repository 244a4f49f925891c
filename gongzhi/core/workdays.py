"""Working days: official holidays and make-up working days (the `chinesecalendar` package),
overridden by what the office enters (core.CalendarDay) — the State Council publishes next
year's schedule around November, before a package release has it.

"N working days after d" is the N-th working day after d, d itself not counted (Civil Code
arts. 201-203). In a year with no official data and no confirmed schedule, weekends alone are
assumed and the result is marked provisional: never a crash, never a silent guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

from . import process_cache
from .models import CalendarDay, CalendarYear


def _package_has(year: int) -> bool:
    """The package raises NotImplementedError outside the years it has data for."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


PACKAGE_YEARS: frozenset[int] = frozenset(y for y in range(2004, 2101) if _package_has(y))


@dataclass(frozen=True)
class Deadline:
    """A computed date, and whether it rests on an assumed (weekends-only) schedule."""

    date: date
    provisional: bool


class WorkingCalendar:
    """The schedule over a span of dates, with the office's overrides loaded in one query.
    Build one per computation (or per sweep) rather than per day."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        self._overrides = {
            d.date: d.kind == CalendarDay.Kind.WORKDAY for d in CalendarDay.objects.filter(date__range=(start, end))
        }
        years = range(start.year, end.year + 1)
        confirmed = set(CalendarYear.objects.filter(year__in=list(years)).values_list("year", flat=True))
        self._known_years = {y for y in years if y in PACKAGE_YEARS or y in confirmed}

    def year_known(self, year: int) -> bool:
        return year in self._known_years

    def is_working_day(self, d: date) -> bool:
        if d in self._overrides:
            return self._overrides[d]
        if d.year in PACKAGE_YEARS:
            return chinese_calendar.is_workday(d)
        return d.weekday() < 5

    def add_working_days(self, start: date, n: int) -> Deadline:
        if n < 0:
            raise ValueError("n must not be negative")
        d, counted, provisional = start, 0, not self.year_known(start.year)
        while counted < n:
            d += timedelta(days=1)
            if d > self.end:
                raise ValueError("date beyond the loaded span")
            if not self.year_known(d.year):
                provisional = True
            if self.is_working_day(d):
                counted += 1
        return Deadline(d, provisional)


CACHE = "workdays"
CACHE_SECONDS = 60  # an office's edit reaches other processes within a minute (this one at once)


def calendar_for_years(first: int, last: int) -> WorkingCalendar:
    """The calendar of whole years, kept per process for a minute: deadlines are computed on
    every new case and the schedule changes a few times a year."""
    return process_cache.remembered(
        CACHE, (first, last), CACHE_SECONDS, lambda: WorkingCalendar(date(first, 1, 1), date(last, 12, 31))
    )


def deadline_after(start: date, n: int) -> Deadline:
    """The n-th working day after `start`, with the provisional mark."""
    # Generous: even the longest holiday runs (Spring Festival, 9 days) leave at least ~2
    # working days a week, so 3n + 30 calendar days always suffice.
    end = start + timedelta(days=3 * n + 30)
    return calendar_for_years(start.year, end.year).add_working_days(start, n)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself not counted)."""
    return deadline_after(start, n).date


def is_working_day(d: date) -> bool:
    return calendar_for_years(d.year, d.year).is_working_day(d)


def year_has_data(year: int) -> bool:
    return year in PACKAGE_YEARS or CalendarYear.objects.filter(year=year).exists()


def years_missing_data(today: date) -> list[int]:
    """Of the current and the next year, those with neither official data nor a confirmed schedule."""
    return [y for y in (today.year, today.year + 1) if not year_has_data(y)]
