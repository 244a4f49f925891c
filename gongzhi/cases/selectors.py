"""Reads over cases: each role's inbox, the hotspots of an area, and the cases behind a number of
the three rates (drill-down) — the same definitions as the counters (gongzhi.cases.stats)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.pages import COUNT_LIMIT
from gongzhi.core.scope import get_scope
from gongzhi.places.lookups import towns_of
from gongzhi.places.models import Town

from .models import Case, CasePhoto, CaseSettings, Category
from .workflow import OPEN_STATES, State

BOXES = {
    "new": _("New for my organisation"),
    "mine": _("Handled by my organisation"),
    "overdue": _("Overdue"),
    "feedback": _("Awaiting the resident's feedback"),
    "callback": _("Awaiting a callback"),
    "meeting": _("Awaiting the joint meeting"),
    "all": _("All cases"),
}


def _mine(user) -> Q:
    orgs = get_scope(user).organization_ids
    if not orgs:
        return Q(pk__in=[])
    co = Case.co_handlers.through.objects.filter(organization_id__in=orgs).values("case_id")
    return Q(handler_id__in=orgs) | Q(pk__in=co)


def inbox(user, box: str) -> QuerySet:
    """The cases of one inbox box for `user` (all within their scope)."""
    cases = Case.objects.for_user(user)
    if box == "new":
        return cases.filter(_mine(user), state=State.SUBMITTED)
    if box == "mine":
        return cases.filter(_mine(user), state__in=OPEN_STATES)
    if box == "overdue":
        return cases.overdue()
    if box == "feedback":
        return cases.filter(state=State.RESOLVED)
    if box == "callback":
        return Case.objects.for_user(user, "cases.callback").filter(state=State.RESOLVED, callback_notified=True)
    if box == "meeting":
        return cases.filter(state=State.ESCALATED)
    if box == "all":
        return cases
    raise ValueError(box)


def box_counts(user) -> dict[str, int]:
    """The number of cases in each box (but "all"), counted up to COUNT_LIMIT + 1 (a box of more
    than COUNT_LIMIT cases says so, like the paged list: a city's boxes are not counted whole on
    each page view)."""
    return {box: inbox(user, box).order_by()[: COUNT_LIMIT + 1].count() for box in BOXES if box != "all"}


@dataclass(frozen=True)
class Hotspot:
    compound_id: int
    category_id: int
    count: int
    first: date
    last: date


def hotspots(user, today: date | None = None, *, towns=None) -> list[Hotspot]:
    """Recurring problems (热点/难点, seed 四㈢.3): the same compound and category at least N times
    in the last M days (the town's settings), within the user's scope. One query per distinct
    rule, however many towns share it, each an index range over the window's cases of those towns
    (`case_town_submitted_idx`); the towns come from the scope, not from the cases. `towns`: of
    these towns only (the dashboard of one town chosen by a user of several)."""
    today = today or timezone.localdate()
    scoped = Case.objects.for_user(user, "cases.rates")
    town_ids = _rates_towns(user)
    if towns is not None:
        town_ids &= set(towns)
    if not town_ids:
        return []
    defaults = CaseSettings()
    rules: dict[tuple[int, int], set[int]] = {}
    configured = {
        town: (days, minimum)
        for town, days, minimum in CaseSettings.objects.filter(town_id__in=town_ids).values_list(
            "town_id", "hotspot_days", "hotspot_min_cases"
        )
    }
    for town_id in town_ids:
        rule = configured.get(town_id, (defaults.hotspot_days, defaults.hotspot_min_cases))
        rules.setdefault(rule, set()).add(town_id)
    found: list[Hotspot] = []
    for (days, minimum), towns in sorted(rules.items()):
        first = today - timedelta(days=days - 1)
        since = timezone.make_aware(datetime.combine(first, time.min))
        rows = (
            scoped.filter(town_id__in=towns, submitted_at__gte=since)
            .exclude(state__in=[State.REJECTED, State.MERGED])
            .values("compound_id", "category_id")
            .annotate(n=Count("pk"))
            .filter(n__gte=minimum)
            .order_by("-n", "compound_id", "category_id")
        )
        found += [Hotspot(r["compound_id"], r["category_id"], r["n"], first, today) for r in rows]
    return found


def _rates_towns(user) -> set[int]:
    """The towns the user's `cases.rates` area touches: its whole towns and the towns of its
    neighborhoods and compounds (every town for the platform administrator). Every case the user
    counts lies in one of them (`Case.objects.for_user(user, "cases.rates")` adds no case beyond
    the area), so the hotspots read the same cases as when the towns were taken from the cases —
    without reading every case of the area to find them."""
    area = get_scope(user).area("cases.rates")
    if area.everything:
        return set(Town.objects.values_list("pk", flat=True))
    towns = set(area.towns)
    if area.neighborhoods or area.compounds:
        towns |= towns_of(area.neighborhoods, area.compounds)
    return towns


def hotspot_cases(user, spot: Hotspot) -> QuerySet:
    return (
        Case.objects.for_user(user, "cases.rates")
        .filter(
            compound_id=spot.compound_id,
            category_id=spot.category_id,
            submitted_at__date__gte=spot.first,
            submitted_at__date__lte=spot.last,
        )
        .exclude(state__in=[State.REJECTED, State.MERGED])
    )


# Drill-down: the cases behind each counter of gongzhi.cases.stats, for a date range (the
# assessment months of a rate). Each mirrors `contributions()`.
def _on(field: str, first: date, last: date) -> Q:
    return Q(**{f"{field}__date__gte": first, f"{field}__date__lte": last})


def behind(counter: str, first: date, last: date) -> Q:
    accepted = _on("accepted_at", first, last)
    closed = _on("closed_at", first, last) & Q(followup_valid=True)
    answered = _on("feedback_at", first, last)
    rated = answered & Q(feedback_not_counted="")
    return {
        "submitted": _on("submitted_at", first, last),
        "accepted": accepted,
        "handled_in_time": accepted & Q(handled_in_time=True),
        "overdue": (accepted | (Q(accepted_at__isnull=True) & _on("submitted_at", first, last))) & Q(late=True),
        "reopened": accepted & Q(reopen_count__gt=0),
        "closed_valid": closed,
        "confirmed_fixed": closed & Q(fixed=True, reopen_count=0),
        "confirmed_fixed_reopened": closed & Q(fixed=True, reopen_count__gt=0),
        "confirmed_any": closed & Q(fixed=True),
        "closed_unreachable": _on("closed_at", first, last)
        & Q(followup_valid=False, state=State.CLOSED, fixed__isnull=True),
        "answer_not_counted": answered & ~Q(feedback_not_counted=""),
        "rated_satisfied": rated & Q(rating=Case.Rating.SATISFIED),
        "rated_basic": rated & Q(rating=Case.Rating.BASIC),
        "rated_unsatisfied": rated & Q(rating=Case.Rating.UNSATISFIED),
        "rated": rated & ~Q(rating=""),
    }[counter]


def categories_for(user) -> QuerySet:
    return Category.objects.for_user(user).filter(retired=False).select_related("parent")


def photos_by_stage(case: Case) -> dict:
    """The case's photos for a page: `photos` taken when it was reported, `photos_after` the work."""
    photos = list(case.photos.all())
    return {
        "photos": [p for p in photos if p.stage == CasePhoto.Stage.REPORTED],
        "photos_after": [p for p in photos if p.stage == CasePhoto.Stage.AFTER],
    }
