"""The triggers that draft warning letters, and the sweep that runs them.

A trigger is (code, label, find): `find(town, settings, today)` returns the causes it sees now, each
with a key that names it for good (the same order, the same inspection, the same month). The sweep
(`run`, a step of `manage.py periodic`) first escalates the letters past their deadline (a draft of
the next level, gongzhi.warning_letters.services.escalate), then drafts one letter per new cause of every
trigger the town has on (`draft_by_rule`: a cause behind a letter drafts nothing; the same problem
of the same organisation again within the repeat window drafts the next level). It never sends: a
person approves each letter.

The triggers here read the apps below (cases, inspections, meetings). An app built later (the
assessments) adds its own with `register(Trigger(...))` when it starts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cases.models import Case
from gongzhi.cases.workflow import OPEN_STATES as CASE_OPEN
from gongzhi.cases.workflow import State as CaseState
from gongzhi.inspections.models import Inspection, RectificationOrder
from gongzhi.inspections.workflow import OPEN_STATES as ORDER_OPEN
from gongzhi.meetings.compliance import missed_last_month
from gongzhi.meetings.models import ContraryAction
from gongzhi.orgs.models import Organization, ServiceContract
from gongzhi.places.models import Neighborhood, Town

from .models import WarningSettings
from .services import Cause, draft_by_rule, escalate_overdue

FOUR = list(Organization.FOUR_PARTIES)


@dataclass(frozen=True)
class Trigger:
    code: str
    label: Any
    find: Callable[[Town, WarningSettings, date], list[Cause]]


_triggers: dict[str, Trigger] = {}


def register(trigger: Trigger) -> Trigger:
    _triggers[trigger.code] = trigger
    return trigger


def get(code: str) -> Trigger | None:
    return _triggers.get(code)


def all_triggers() -> list[Trigger]:
    return list(_triggers.values())


def codes() -> list[str]:
    return list(_triggers)


def label_of(code: str) -> str:
    if code == "manual":
        return str(_("Drafted by the office"))
    trigger = _triggers.get(code)
    return str(trigger.label) if trigger else code


def _since(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))


# --- The triggers --------------------------------------------------------------------------------


def overdue_cases(town, settings, today) -> list[Cause]:
    """An organisation with at least N open cases past their resolve-by date: one cause per
    organisation and month, to it."""
    rows = (
        Case.objects.filter(town=town, resolve_overdue=True, state__in=CASE_OPEN, handler__kind__in=FOUR)
        .values("handler_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.overdue_cases_min)
    )
    counts = {r["handler_id"]: r["n"] for r in rows}
    causes = []
    for org in Organization.objects.filter(pk__in=counts).order_by("pk"):
        cases = Case.objects.filter(handler=org, resolve_overdue=True, state__in=CASE_OPEN).order_by(
            "resolve_due", "pk"
        )
        numbers = "、".join(c.number for c in cases[:5])
        oldest = cases.first()
        causes.append(
            Cause(
                trigger="cases.overdue",
                key=f"cases.overdue:{org.uid}:{today:%Y-%m}",
                addressee=org,
                text=_(
                    "%(n)s residents' cases handled by your organisation are past their resolve-by date (%(numbers)s)."
                )
                % {"n": counts[org.pk], "numbers": numbers},
                url=oldest.get_absolute_url() if oldest else "",
            )
        )
    return causes


def overdue_orders(town, settings, today) -> list[Cause]:
    """A rectification order past its due date: one cause per order, to the organisation responsible."""
    orders = RectificationOrder.objects.filter(
        town=town, overdue=True, state__in=ORDER_OPEN, responsible__kind__in=FOUR
    ).select_related("responsible", "compound")
    return [
        Cause(
            trigger="inspections.overdue",
            key=f"inspections.overdue:{o.uid}",
            addressee=o.responsible,
            text=_("The rectification order for %(compound)s was due on %(due)s and is not done: %(subject)s")
            % {"compound": o.compound.name, "due": o.due_on.isoformat(), "subject": o.subject[:300]},
            url=reverse("inspections:order", args=[o.uid]),
            compound=o.compound,
        )
        for o in orders.order_by("due_on", "pk")
    ]


def low_scores(town, settings, today) -> list[Cause]:
    """An inspection scoring below the town's threshold: one cause per inspection, to the property
    company serving the compound on the day (a contract in force then)."""
    since = _since(today - timedelta(days=settings.lookback_days))
    inspections = Inspection.objects.filter(
        town=town, score__isnull=False, score__lt=settings.score_below, submitted_at__gte=since
    ).select_related("compound", "visit")
    causes = []
    for inspection in inspections.order_by("submitted_at", "pk"):
        day = timezone.localdate(inspection.submitted_at)
        contract = (
            ServiceContract.objects.filter(compound=inspection.compound)
            .active(day)
            .select_related("company")
            .order_by("-start")
            .first()
        )
        if contract is None:
            continue
        causes.append(
            Cause(
                trigger="inspections.score",
                key=f"inspections.score:{inspection.uid}",
                addressee=contract.company,
                text=_("The inspection of %(compound)s on %(day)s scored %(score)s, below the town's %(limit)s.")
                % {
                    "compound": inspection.compound.name,
                    "day": day.isoformat(),
                    "score": inspection.score,
                    "limit": settings.score_below,
                },
                url=reverse("inspections:visit", args=[inspection.visit.uid]),
                compound=inspection.compound,
            )
        )
    return causes


def missed_meetings(town, settings, today) -> list[Cause]:
    """A neighborhood whose last month's joint meeting was not held with minutes approved: one
    cause per neighborhood and month, to its party organisation (which convenes the meeting)."""
    first = today.replace(day=1)
    last_month = first - timedelta(days=1)
    ids = list(Neighborhood.objects.filter(town=town).values_list("pk", flat=True))
    missed = missed_last_month(ids, today)
    causes = []
    for neighborhood in Neighborhood.objects.filter(pk__in=missed).order_by("pk"):
        party = (
            Organization.objects.filter(kind=Organization.Kind.PARTY_ORG, neighborhood=neighborhood)
            .order_by("pk")
            .first()
        )
        if party is None:
            continue
        causes.append(
            Cause(
                trigger="meetings.missed",
                key=f"meetings.missed:{neighborhood.uid}:{last_month:%Y-%m}",
                addressee=party,
                text=_("The joint meeting of %(neighborhood)s for %(month)s was not held with approved minutes.")
                % {"neighborhood": neighborhood.name, "month": f"{last_month:%Y-%m}"},
                url=reverse("meetings:compliance"),
            )
        )
    return causes


def contrary_actions(town, settings, today) -> list[Cause]:
    """An action contrary to a resolution reported against one of the four parties: one cause per report."""
    rows = ContraryAction.objects.filter(
        resolution__town=town,
        organization__kind__in=FOUR,
        occurred_on__gte=today - timedelta(days=settings.lookback_days),
    ).select_related("organization", "resolution")
    return [
        Cause(
            trigger="meetings.contrary",
            key=f"meetings.contrary:{a.uid}",
            addressee=a.organization,
            text=_("On %(day)s your organisation acted against resolution %(number)s: %(what)s")
            % {"day": a.occurred_on.isoformat(), "number": a.resolution.number, "what": a.description[:300]},
            url=a.resolution.get_absolute_url(),
        )
        for a in rows.order_by("occurred_on", "pk")
    ]


def repeated_complaints(town, settings, today) -> list[Cause]:
    """Repeated strong complaints about one matter: at least N cases of one compound and category,
    handled by one organisation, rated unsatisfied or reopened, submitted in the last M days — one
    cause per matter and month, to the handling organisation."""
    rows = (
        Case.objects.filter(
            town=town,
            handler__kind__in=FOUR,
            submitted_at__gte=_since(today - timedelta(days=settings.complaints_days - 1)),
        )
        .filter(Q(rating=Case.Rating.UNSATISFIED) | Q(reopen_count__gt=0))
        .exclude(state__in=[CaseState.REJECTED, CaseState.MERGED])
        .values("compound_id", "category_id", "handler_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.complaints_min)
        .order_by("compound_id", "category_id", "handler_id")
    )
    groups = [(r["compound_id"], r["category_id"], r["handler_id"], r["n"]) for r in rows]
    if not groups:
        return []
    orgs = Organization.objects.in_bulk([g[2] for g in groups])
    causes = []
    for compound_id, category_id, handler_id, n in groups:
        latest = (
            Case.objects.filter(compound_id=compound_id, category_id=category_id, handler_id=handler_id)
            .select_related("compound", "category")
            .order_by("-submitted_at")
            .first()
        )
        causes.append(
            Cause(
                trigger="cases.complaints",
                key=f"cases.complaints:{latest.compound.uid}:{latest.category.uid}:{orgs[handler_id].uid}:{today:%Y-%m}",
                addressee=orgs[handler_id],
                text=_(
                    "%(n)s cases about %(category)s in %(compound)s in the last %(days)s days were rated "
                    "unsatisfied or reopened."
                )
                % {
                    "n": n,
                    "category": latest.category.name,
                    "compound": latest.compound.name,
                    "days": settings.complaints_days,
                },
                url=latest.get_absolute_url(),
                compound=latest.compound,
            )
        )
    return causes


register(Trigger("cases.overdue", gettext_lazy("Overdue cases"), overdue_cases))
register(Trigger("inspections.overdue", gettext_lazy("Overdue rectification order"), overdue_orders))
register(Trigger("inspections.score", gettext_lazy("Inspection score below the threshold"), low_scores))
register(Trigger("meetings.missed", gettext_lazy("Joint meeting not held"), missed_meetings))
register(Trigger("meetings.contrary", gettext_lazy("Action contrary to a resolution"), contrary_actions))
register(Trigger("cases.complaints", gettext_lazy("Repeated complaints about one matter"), repeated_complaints))


# --- The sweep -----------------------------------------------------------------------------------


def draft_new(today: date, towns=None) -> int:
    """One draft per new cause of every trigger each town has on (idempotent)."""
    drafted = 0
    for town in towns if towns is not None else Town.objects.order_by("pk"):
        settings = WarningSettings.for_town(town.pk)
        for trigger in all_triggers():
            if not settings.trigger_enabled(trigger.code):
                continue
            by_key: dict[str, Cause] = {}
            for cause in trigger.find(town, settings, today):
                by_key.setdefault(cause.key, cause)
            for cause in by_key.values():
                drafted += draft_by_rule(cause, town_id=town.pk, today=today, settings=settings) is not None
    return drafted


def run(today: date | None = None) -> dict:
    """The sweep step: letters escalated past their deadline, then new drafts (0 when nothing new)."""
    today = today or timezone.localdate()
    return {"escalated": escalate_overdue(today), "drafted": draft_new(today)}
