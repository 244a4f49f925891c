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
from .workflow import ItemState, MeetingState


def items_for(user, scope, today):
    if not scope.has("meetings.view"):
        return
    yield from _upcoming(user)
    org_ids = list(scope.organization_ids)
    if org_ids:
        yield from _positions_waiting(user, org_ids)
        yield from _annual_reports_due(org_ids)
        yield from _overdue_resolutions(org_ids, today)
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


def _annual_reports_due(org_ids):
    due_reports = AnnualReport.objects.filter(
        company_id__in=org_ids,
        submitted_at__isnull=True,
        agenda_items__meeting__state__in=MeetingState.PLANNED,
    ).distinct()
    first = list(due_reports[:2])
    if not first:
        return
    due = due_reports.count()
    yield AttentionItem(
        "warning",
        ngettext(
            "%(n)s annual report (年度述职) is due at an upcoming joint meeting: submit it before the meeting.",
            "%(n)s annual reports (年度述职) are due at upcoming joint meetings: submit them before the meetings.",
            due,
        )
        % {"n": due},
        first[0].get_absolute_url() if due == 1 else reverse("meetings:list"),
    )


def _overdue_resolutions(org_ids, today):
    overdue = (
        Resolution.objects.filter(Q(lead_id__in=org_ids) | Q(co_organizations__in=org_ids))
        .overdue(today)
        .distinct()
        .count()
    )
    if overdue:
        yield AttentionItem(
            "warning",
            ngettext(
                "%(n)s resolution your organisation carries out is overdue.",
                "%(n)s resolutions your organisation carries out are overdue.",
                overdue,
            )
            % {"n": overdue},
            reverse("meetings:resolutions") + "?show=overdue",
        )


def _missed_last_month(scope, today):
    area = scope.area("meetings.chair")
    neighborhoods = Neighborhood.objects.filter(organizations__kind=Organization.Kind.PARTY_ORG)
    if not area.everything:
        neighborhoods = neighborhoods.filter(Q(town_id__in=area.towns) | Q(pk__in=area.neighborhoods))
    missed = compliance.missed_last_month(neighborhoods.values_list("pk", flat=True).distinct(), today)
    if missed:
        yield AttentionItem(
            "warning",
            ngettext(
                "%(n)s neighborhood did not hold last month's joint meeting with approved minutes.",
                "%(n)s neighborhoods did not hold last month's joint meeting with approved minutes.",
                len(missed),
            )
            % {"n": len(missed)},
            reverse("meetings:compliance"),
        )
