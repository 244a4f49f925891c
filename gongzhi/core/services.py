"""Writes the kernel owns: the working-day calendar's overrides and the confirmation that a
year's schedule is complete.

Who may write what (docs/security.md, "The working-day calendar"):
- the national schedule (a day without a town, in force in every town) and the confirmation of a
  year: the platform administrator alone;
- a town's own exceptions (a day with its town, winning over the national schedule there): the
  users whose `calendar.manage` reaches that town — its office (and the platform administrator).
Each change is audited in the chain of the day's town (the platform chain for national days)."""

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


def calendar_refusal(actor, town=None) -> str | None:
    """Why `actor` may not change the national schedule (`town` None) or that town's own
    exceptions, in words; None when they may. The national schedule is the platform
    administrator's; a town's exceptions are for whoever holds `calendar.manage` over the town.
    The system itself (actor None: seeding, jobs) may."""
    if actor is None:
        return None
    scope = get_scope(actor)
    if town is None:
        if scope.is_platform_admin:
            return None
        return _("The national schedule is kept by the platform administrator: only they can change it.")
    if scope.has("calendar.manage") and scope.area("calendar.manage").covers_town(town.pk):
        return None
    return _("Only the office of %(town)s can change the working days of %(town)s.") % {"town": town}


def year_confirmation_refusal(actor) -> str | None:
    """Why `actor` may not confirm a year's schedule (the platform administrator's); None when they may."""
    if actor is None or get_scope(actor).is_platform_admin:
        return None
    return _("A year's schedule is confirmed by the platform administrator.")


def _ensure_may_edit(actor, town) -> None:
    refusal = calendar_refusal(actor, town)
    if refusal is not None:
        raise PermissionDenied(refusal)


def set_calendar_days(*, actor, start: date, end: date, kind: str, name: str = "", town=None) -> list[CalendarDay]:
    """Mark every day from `start` to `end` (inclusive) as a holiday or a make-up working day,
    replacing earlier entries of those days: in the national schedule (`town` None), or as the
    town's own exceptions."""
    _ensure_may_edit(actor, town)
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
            existing = CalendarDay.objects.select_for_update().filter(date=d, town=town).first()
            if existing is None:
                day = CalendarDay.objects.create(date=d, kind=kind, name=name, town=town)
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
    """Take a day out of the national schedule or out of its town's exceptions."""
    _ensure_may_edit(actor, day.town)
    with transaction.atomic():
        audit.record(actor, "core.calendarday.remove", day, before=audit.snapshot(day, ["date", "kind", "name"]))
        day.delete()
        _calendar_changed()


def confirm_calendar_year(*, actor, year: int, source: str) -> CalendarYear:
    """Record that the year's official schedule has been entered in full in the national schedule:
    deadlines in it are no longer provisional, in every town. The platform administrator's."""
    refusal = year_confirmation_refusal(actor)
    if refusal is not None:
        raise PermissionDenied(refusal)
    source = source.strip()
    if not source:
        raise ValidationError({"source": _("Name the official notice the schedule comes from.")})
    with transaction.atomic():
        if CalendarYear.objects.filter(year=year).exists():
            raise ValidationError(_("The schedule of %(year)s is already confirmed.") % {"year": year})
        if not CalendarDay.objects.filter(town__isnull=True, date__year=year).exists():
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
