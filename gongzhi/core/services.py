"""Writes the kernel owns: the working-day calendar's overrides (platform-wide: the schedule is
national) and the office's confirmation that a year's schedule is complete."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import audit, process_cache
from .models import CalendarDay, CalendarYear
from .scope import get_scope
from .workdays import CACHE

MAX_RANGE_DAYS = 31


def _ensure_calendar_manager(actor) -> None:
    if actor is not None and not get_scope(actor).has("calendar.manage"):
        raise PermissionDenied("calendar.manage")


def set_calendar_days(*, actor, start: date, end: date, kind: str, name: str = "") -> list[CalendarDay]:
    """Mark every day from `start` to `end` (inclusive) as a holiday or a make-up working day,
    replacing earlier overrides of those days."""
    _ensure_calendar_manager(actor)
    if end < start:
        raise ValidationError({"end": _("The last day cannot be before the first day.")})
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError({"end": _("Enter at most %(n)s days at a time.") % {"n": MAX_RANGE_DAYS}})
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": _("Choose holiday or make-up working day.")})
    days = []
    with transaction.atomic():
        d = start
        while d <= end:
            existing = CalendarDay.objects.select_for_update().filter(date=d).first()
            if existing is None:
                day = CalendarDay.objects.create(date=d, kind=kind, name=name)
                audit.record(actor, "core.calendarday.set", day, after=audit.snapshot(day, ["date", "kind", "name"]))
            elif existing.kind != kind or existing.name != name:
                before = audit.snapshot(existing, ["date", "kind", "name"])
                existing.kind, existing.name, existing.version = kind, name, existing.version + 1
                existing.save(update_fields=["kind", "name", "version", "updated_at"])
                day = existing
                audit.record(
                    actor,
                    "core.calendarday.update",
                    day,
                    before=before,
                    after=audit.snapshot(day, ["date", "kind", "name"]),
                )
            else:
                day = existing
            days.append(day)
            d += timedelta(days=1)
        _calendar_changed()
    return days


def remove_calendar_day(*, actor, day: CalendarDay) -> None:
    _ensure_calendar_manager(actor)
    with transaction.atomic():
        audit.record(actor, "core.calendarday.remove", day, before=audit.snapshot(day, ["date", "kind", "name"]))
        day.delete()
        _calendar_changed()


def confirm_calendar_year(*, actor, year: int, source: str) -> CalendarYear:
    """Record that the year's official schedule has been entered in full: deadlines in it are no
    longer provisional."""
    _ensure_calendar_manager(actor)
    source = source.strip()
    if not source:
        raise ValidationError({"source": _("Name the official notice the schedule comes from.")})
    with transaction.atomic():
        if CalendarYear.objects.filter(year=year).exists():
            raise ValidationError(_("The schedule of %(year)s is already confirmed.") % {"year": year})
        if not CalendarDay.objects.filter(date__year=year).exists():
            raise ValidationError(
                _("Enter the holidays and make-up working days of %(year)s before confirming.") % {"year": year}
            )
        confirmation = CalendarYear.objects.create(year=year, source=source, confirmed_by=actor)
        _calendar_changed()
        audit.record(actor, "core.calendaryear.confirm_year", confirmation, after={"year": year, "source": source})
    return confirmation


def _forget_calendar() -> None:

    process_cache.forget(CACHE)


def _calendar_changed() -> None:
    """Forget the memo now (this transaction reads its own change) and again after commit (a
    request in between may have remembered the old schedule)."""
    _forget_calendar()
    transaction.on_commit(_forget_calendar)
