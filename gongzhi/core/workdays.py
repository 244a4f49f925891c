"""Working days: official holidays and make-up working days (the `chinesecalendar` package),
overridden by the national entries of the platform administrator (core.CalendarDay without a
town) — the State Council publishes next year's schedule around November, before a package
release has it — and, in one town, by that town's own exceptions, entered by its office
(core.CalendarDay with the town). A town's calendar is the package, then the national entries,
then its own: the later wins.

"N working days after d" is the N-th working day after d, d itself not counted (Civil Code
arts. 201-203). In a year with no official data and no confirmed schedule, weekends alone are
assumed and the result is marked provisional: never a crash, never a silent guess. Whether a year
is known is national: the package has it, or the platform administrator confirmed it (a town
does not confirm years).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from django.db.models import Q

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


class BeyondSpan(ValueError):
    """The count ran past the last loaded day."""


@dataclass(frozen=True)
class Deadline:
    """A computed date, and whether it rests on an assumed (weekends-only) schedule."""

    date: date
    provisional: bool


class WorkingCalendar:
    """The schedule over a span of dates in one town (`town_id`; None: the national schedule
    alone), with the overrides loaded in one query and the confirmed years in another. Build one
    per computation (or per sweep) rather than per day."""

    def __init__(self, start: date, end: date, town_id: int | None = None):
        self.start, self.end, self.town_id = start, end, town_id
        where = Q(town__isnull=True) if town_id is None else Q(town__isnull=True) | Q(town_id=town_id)
        national: dict[date, bool] = {}
        local: dict[date, bool] = {}
        for day, kind, town in CalendarDay.objects.filter(where, date__range=(start, end)).values_list(
            "date", "kind", "town_id"
        ):
            (national if town is None else local)[day] = kind == CalendarDay.Kind.WORKDAY
        self._overrides = {**national, **local}  # the town's own exception wins over the national entry
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
                raise BeyondSpan("date beyond the loaded span")
            if not self.year_known(d.year):
                provisional = True
            if self.is_working_day(d):
                counted += 1
        return Deadline(d, provisional)


CACHE = "workdays"
CACHE_SECONDS = 60  # an edit reaches other processes within a minute (this one at once)


def calendar_for_years(first: int, last: int, town_id: int | None = None) -> WorkingCalendar:
    """The calendar of whole years in a town (None: national), kept per process for a minute:
    deadlines are computed on every new case and the schedule changes a few times a year."""
    return process_cache.remembered(
        CACHE,
        (first, last, town_id),
        CACHE_SECONDS,
        lambda: WorkingCalendar(date(first, 1, 1), date(last, 12, 31), town_id),
    )


def deadline_after(start: date, n: int, town_id: int | None = None) -> Deadline:
    """The n-th working day after `start` in the town (None: the national schedule alone), with
    the provisional mark."""
    # Generous: even the longest national holiday runs (Spring Festival, 9 days) leave at least
    # ~2 working days a week, so 3n + 30 calendar days suffice. A town's own exceptions may run
    # longer (a month or more of days off entered by mistake): then count on over more years.
    end = start + timedelta(days=3 * n + 30)
    while True:
        try:
            return calendar_for_years(start.year, end.year, town_id).add_working_days(start, n)
        except BeyondSpan:
            if end.year - start.year >= 10:
                raise
            end = date(end.year + 1, 12, 31)


def add_working_days(start: date, n: int, town_id: int | None = None) -> date:
    """The n-th working day after `start` (start itself not counted) in the town."""
    return deadline_after(start, n, town_id).date


def is_working_day(d: date, town_id: int | None = None) -> bool:
    return calendar_for_years(d.year, d.year, town_id).is_working_day(d)


def year_has_data(year: int) -> bool:
    return year in PACKAGE_YEARS or CalendarYear.objects.filter(year=year).exists()


def years_missing_data(today: date) -> list[int]:
    """Of the current and the next year, those with neither official data nor a confirmed schedule."""
    return [y for y in (today.year, today.year + 1) if not year_has_data(y)]
