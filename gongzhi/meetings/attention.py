"""Home-page items of the joint meetings (gongzhi.core.registry.attention): upcoming meetings,
major items waiting for one's party's position, annual reports due, overdue resolutions one's
organisation carries out, and — for the office and the party organisations — neighborhoods that
missed last month's meeting."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from gongzhi.core.registry import AttentionItem
from gongzhi.orgs.models import Organization
from gongzhi.places.models import Neighborhood

from . import compliance
from .models import AgendaItem, AnnualReport, Meeting, Resolution
from .workflow import ItemState, MeetingState, ResolutionState


def items_for(user, scope, today):
    if not scope.has("meetings.view"):
        return
    yield from _upcoming(user)
    org_ids = list(scope.organization_ids)
    if org_ids:
        yield from _positions_waiting(user, org_ids)
        yield from _annual_reports_due(user)
        yield from _overdue_resolutions(org_ids, today)
        yield from _resolutions_due_soon(org_ids, today)
    if scope.has("meetings.chair") or scope.has("town.manage"):
        yield from _missed_last_month(scope, today)


def _upcoming(user):
    soon = timezone.now() + timedelta(days=14)
    upcoming = (
        Meeting.objects.for_user(user)
        .filter(
            state__in=MeetingState.PLANNED, starts_at__gte=timezone.now() - timedelta(hours=12), starts_at__lte=soon
        )
        .count()
    )
    if upcoming:
        yield AttentionItem(
            "info",
            ngettext("%(n)s joint meeting in the next 14 days.", "%(n)s joint meetings in the next 14 days.", upcoming)
            % {"n": upcoming},
            reverse("meetings:list"),
        )


def _positions_waiting(user, org_ids):
    parties = Organization.objects.filter(pk__in=org_ids, kind__in=Organization.FOUR_PARTIES)
    waiting = (
        AgendaItem.objects.for_user(user)
        .filter(
            major_kind__isnull=False,
            state=ItemState.ON_AGENDA,
            meeting__state__in=MeetingState.PLANNED,
            meeting__invitees__organization__in=parties,
        )
        .exclude(positions__organization__in=parties)
        .distinct()
        .count()
    )
    if waiting:
        yield AttentionItem(
            "warning",
            ngettext(
                "%(n)s major item awaits your party's position before the meeting.",
                "%(n)s major items await your party's position before the meeting.",
                waiting,
            )
            % {"n": waiting},
            reverse("meetings:list"),
        )


def _annual_reports_due(user):
    """Per year, the reports due that the user is to write or see written; the link opens the
    report itself, or the year's list of them when there are several."""
    due = AnnualReport.objects.due().awaiting(user)
    by_year: dict[int, list[str]] = {}
    for year, uid in due.order_by("year", "compound__name").values_list("year", "uid"):
        by_year.setdefault(year, []).append(uid)
    for year, uids in by_year.items():
        n = len(uids)
        url = reverse("meetings:annual_report", args=[uids[0]])
        if n > 1:
            url = f"{reverse('meetings:annual_reports')}?year={year}&show=due"
        yield AttentionItem(
            "warning",
            ngettext(
                "%(n)s annual report (年度述职) is due at an upcoming joint meeting: submit it before the meeting.",
                "%(n)s annual reports (年度述职) are due at upcoming joint meetings: submit them before the meetings.",
                n,
            )
            % {"n": n},
            url,
        )


def _overdue_resolutions(org_ids, today):
    overdue = Resolution.objects.carried_out_by(org_ids).overdue(today).count()
    if overdue:
        yield AttentionItem(
            "warning",
            ngettext(
                "%(n)s resolution your organisation carries out is overdue.",
                "%(n)s resolutions your organisation carries out are overdue.",
                overdue,
            )
            % {"n": overdue},
            reverse("meetings:resolutions") + "?show=overdue&role=any",
        )


RESOLUTIONS_DUE_SOON_DAYS = 7


def _resolutions_due_soon(org_ids, today):
    """Resolutions one's organisation leads or assists with: those due within the week, or else how
    many are being carried out (the property manager's week starts from them)."""
    carried = Resolution.objects.carried_out_by(org_ids).filter(state=ResolutionState.IN_PROGRESS, due__gte=today)
    soon = carried.filter(due__lte=today + timedelta(days=RESOLUTIONS_DUE_SOON_DAYS)).count()
    url = reverse("meetings:resolutions") + "?show=open&role=any"
    if soon:
        yield AttentionItem(
            "info",
            ngettext(
                "%(n)s resolution your organisation leads or assists with is due within %(days)s days.",
                "%(n)s resolutions your organisation leads or assists with are due within %(days)s days.",
                soon,
            )
            % {"n": soon, "days": RESOLUTIONS_DUE_SOON_DAYS},
            url,
        )
        return
    underway = carried.count()
    if underway:
        yield AttentionItem(
            "info",
            ngettext(
                "%(n)s resolution your organisation leads or assists with is being carried out.",
                "%(n)s resolutions your organisation leads or assists with are being carried out.",
                underway,
            )
            % {"n": underway},
            url,
        )


def _missed_last_month(scope, today):
    area = scope.area("meetings.chair")
    neighborhoods = Neighborhood.objects.filter(organizations__kind=Organization.Kind.PARTY_ORG)
    if not area.everything:
        neighborhoods = neighborhoods.filter(Q(town_id__in=area.towns) | Q(pk__in=area.neighborhoods))
    missed = compliance.missed_last_month_count(neighborhoods, today)
    if missed:
        yield AttentionItem(
            "warning",
            ngettext(
                "%(n)s neighborhood did not hold last month's joint meeting with approved minutes.",
                "%(n)s neighborhoods did not hold last month's joint meeting with approved minutes.",
                missed,
            )
            % {"n": missed},
            reverse("meetings:compliance"),
        )
