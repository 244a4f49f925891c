"""Home-page items: for the office, objections to decide and corrections to check (overdue checks
first); for a property company, new records about it or its managers while it may still object."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from gongzhi.core.registry import AttentionItem

from .models import CreditRecord, CreditSettings
from .workflow import RecordState


def items_for(user, scope, today):
    if not scope.has("credit.view") or scope.is_platform_admin:
        return
    if scope.has("credit.manage"):
        mine = CreditRecord.objects.for_user(user, "credit.manage")
        asked = mine.filter(state=RecordState.CORRECTION_ASKED)
        late = asked.filter(correction__due_on__lt=today).count()
        if late:
            yield AttentionItem(
                "warning",
                ngettext(
                    "%(n)s correction request not checked in time",
                    "%(n)s correction requests not checked in time",
                    late,
                )
                % {"n": late},
                reverse("credit:home") + "?state=correction_asked",
            )
        objected = mine.filter(state=RecordState.OBJECTED).count()
        if objected:
            yield AttentionItem(
                "warning",
                ngettext(
                    "%(n)s objection to a credit record to decide",
                    "%(n)s objections to credit records to decide",
                    objected,
                )  # fmt: skip
                % {"n": objected},
                reverse("credit:home") + "?state=objected",
            )
        waiting = asked.count() - late
        if waiting:
            yield AttentionItem(
                "info",
                ngettext("%(n)s correction request to check", "%(n)s correction requests to check", waiting)
                % {"n": waiting},
                reverse("credit:home") + "?state=correction_asked",
            )
    if scope.has("credit.object"):
        theirs = CreditRecord.objects.for_user(user, "credit.object").filter(
            state=RecordState.ACTIVE, objection__isnull=True
        )
        count = 0
        for town_id in set(theirs.values_list("town_id", flat=True)):
            days = CreditSettings.for_town(town_id).objection_days
            since = datetime.combine(today - timedelta(days=days), time.min, timezone.get_current_timezone())
            count += theirs.filter(town_id=town_id, recorded_at__gte=since).count()
        if count:
            yield AttentionItem(
                "info",
                ngettext(
                    "%(n)s new credit record about your company (you may object)",
                    "%(n)s new credit records about your company (you may object)",
                    count,
                )
                % {"n": count},
                reverse("credit:home") + "?new=1",
            )
