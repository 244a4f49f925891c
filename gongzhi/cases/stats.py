"""The counters behind the three rates (docs/metrics.md, "Residents' cases").

A case contributes to at most a few counters, each in one assessment month: `contributions()`
says which, from the case's own fields. Every service that changes a case applies the
difference between its contributions before and after (`track()`), so the counters are always
current and the rates pages read organisations × months, never all cases.
`rebuild()` recomputes them from the cases (after a change of the assessment window, or to
check them)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from .models import Case, CaseStats, CaseTownStats
from .town_settings import settings_for
from .workflow import State

Key = tuple[int, int, int, int, date]  # (town, neighborhood, compound, organization, period)


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def period_of(day: date, start_day: int) -> date:
    """The assessment month a day falls in, named by the month its last day is in, returned as
    that month's first day. With start_day 1 this is the calendar month; with 19, 2026-10-19 to
    2026-11-18 is "November 2026"."""
    if start_day > 1 and day.day >= start_day:
        year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
        return date(year, month, 1)
    return date(day.year, day.month, 1)


def period_range(period: date, start_day: int) -> tuple[date, date]:
    """First and last day of an assessment month (`period` as returned by period_of)."""
    if start_day == 1:
        nxt = date(period.year + (period.month == 12), period.month % 12 + 1, 1)
        return period, nxt - timedelta(days=1)
    prev_year, prev_month = (period.year - 1, 12) if period.month == 1 else (period.year, period.month - 1)
    return date(prev_year, prev_month, start_day), date(period.year, period.month, start_day - 1)


def contributions(case: Case, start_day: int) -> Counter:
    """What one case adds to the counters: {(key, counter name): 1}. Each number is assigned to
    the assessment month of the event that defines it (docs/metrics.md)."""
    base = (case.town_id, case.neighborhood_id, case.compound_id, case.handler_id)
    out: Counter = Counter()

    def add(moment, name):
        out[((*base, period_of(local_date(moment), start_day)), name)] += 1

    add(case.submitted_at, "submitted")
    if case.accepted_at:
        add(case.accepted_at, "accepted")
        if case.handled_in_time:
            add(case.accepted_at, "handled_in_time")
        if case.late:
            add(case.accepted_at, "overdue")
        if case.reopen_count:
            add(case.accepted_at, "reopened")
    elif case.late:
        add(case.submitted_at, "overdue")
    if case.closed_at and case.followup_valid:
        add(case.closed_at, "closed_valid")
        if case.fixed:
            # fixed the first time: 处置有效 under every definition; fixed only after 重办: counted
            # apart, so a town may choose either definition (docs/metrics.md)
            add(case.closed_at, "confirmed_fixed_reopened" if case.reopen_count else "confirmed_fixed")
    elif case.closed_at and case.state == State.CLOSED and case.fixed is None:
        add(case.closed_at, "closed_unreachable")  # closed because the resident could not be reached
    if case.feedback_at and case.feedback_not_counted:
        # the latest answer came from the handling organisation's own people: recorded, not counted
        add(case.feedback_at, "answer_not_counted")
    elif case.feedback_at and case.rating:
        add(
            case.feedback_at,
            {"satisfied": "rated_satisfied", "basic": "rated_basic", "unsatisfied": "rated_unsatisfied"}[case.rating],
        )
    return out


def start_day_of(town_id: int) -> int:
    return settings_for(town_id).period_start_day


@dataclass
class Tracker:
    """Contributions of a case before a change; `commit()` applies the difference after it."""

    case: Case
    start_day: int
    before: Counter

    def commit(self) -> None:
        after = contributions(self.case, self.start_day)
        delta = Counter(after)
        delta.subtract(self.before)
        apply(delta)


def track(case: Case) -> Tracker:
    start_day = start_day_of(case.town_id)
    return Tracker(case, start_day, contributions(case, start_day) if case.pk else Counter())


def apply(delta: Counter) -> None:
    """Add `delta` to the counters in one statement per row (insert or increment)."""
    rows: dict[Key, dict[str, int]] = defaultdict(dict)
    for (key, name), value in delta.items():
        if value:
            rows[key][name] = rows[key].get(name, 0) + value
    if not rows:
        return
    table = CaseStats._meta.db_table
    names = CaseStats.COUNTERS
    columns = ", ".join(names)
    updates = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in names)
    sql = (
        f"INSERT INTO {table} (town_id, neighborhood_id, compound_id, organization_id, period, {columns}) "  # noqa: S608
        f"VALUES (%s, %s, %s, %s, %s, {', '.join(['%s'] * len(names))}) "
        f"ON CONFLICT (organization_id, compound_id, period) DO UPDATE SET {updates}"
    )
    params = [(*key, *(counts.get(n, 0) for n in names)) for key, counts in sorted(rows.items())]
    towns: dict[tuple[int, date], Counter] = defaultdict(Counter)
    for (town_id, _nb, _cp, _org, period), counts in rows.items():
        towns[(town_id, period)].update(counts)
    town_table = CaseTownStats._meta.db_table
    town_updates = ", ".join(f"{n} = {town_table}.{n} + excluded.{n}" for n in names)
    town_sql = (
        f"INSERT INTO {town_table} (town_id, period, {columns}) "  # noqa: S608
        f"VALUES (%s, %s, {', '.join(['%s'] * len(names))}) "
        f"ON CONFLICT (town_id, period) DO UPDATE SET {town_updates}"
    )
    town_params = [(*key, *(counts.get(n, 0) for n in names)) for key, counts in sorted(towns.items())]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
        cursor.executemany(town_sql, town_params)


def rebuild(town_ids: Iterable[int] | None = None, batch: int = 5000) -> int:
    """Recompute the counters of these towns (all towns if None) from their cases."""
    if town_ids is None:  # without the cases' default ordering: DISTINCT over the towns alone
        town_ids = Case.objects.order_by().values_list("town_id", flat=True).distinct()
    towns = list(town_ids)
    fields = [
        "town_id",
        "neighborhood_id",
        "compound_id",
        "handler_id",
        "submitted_at",
        "accepted_at",
        "closed_at",
        "feedback_at",
        "rating",
        "fixed",
        "state",
        "feedback_not_counted",
        "handled_in_time",
        "followup_valid",
        "late",
        "reopen_count",
    ]
    count = 0
    for town_id in towns:
        start_day = start_day_of(town_id)
        with transaction.atomic():
            CaseStats.objects.filter(town_id=town_id).delete()
            CaseTownStats.objects.filter(town_id=town_id).delete()
            total: Counter = Counter()
            for case in Case.objects.filter(town_id=town_id).only(*fields).iterator(chunk_size=batch):
                total.update(contributions(case, start_day))
                count += 1
            apply(total)
    return count
