"""Home-page items: assessors — scores to give; the assessed — a draft to look at while the
objection window is open; the office — objections to decide and cycles to publish; the leadership
group — annual cycles to approve."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongzhi.core.registry import AttentionItem

from .models import Assessment, Cycle, Objection, Score
from .workflow import CycleState


def items_for(user, scope, today):
    if not scope.has("assessments.view") or scope.is_platform_admin:
        return
    home = reverse("assessments:home")
    if scope.has("assessments.score"):
        mine = Assessment.objects.for_user(user, "assessments.score").filter(cycle__state=CycleState.SCORING)
        to_give = Score.objects.filter(assessment__in=mine, points__isnull=True).count()
        if to_give:
            yield AttentionItem(
                "info",
                ngettext("%(n)s assessment score to give", "%(n)s assessment scores to give", to_give) % {"n": to_give},
                home + "?state=scoring",
            )
    if scope.has("assessments.object"):
        drafts = Assessment.objects.for_user(user, "assessments.object").filter(
            cycle__state=CycleState.OBJECTIONS, cycle__objection_until__gte=today, objection__isnull=True
        )
        for a in drafts.select_related("cycle")[:5]:
            yield AttentionItem(
                "warning",
                _("Your draft assessment %(period)s: you may object until %(day)s")
                % {"period": a.cycle.period, "day": a.cycle.objection_until.isoformat()},
                reverse("assessments:assessment", args=[a.uid]),
            )
    if scope.has("assessments.manage"):
        towns = scope.area("assessments.manage").towns
        pending = Objection.objects.filter(
            assessment__cycle__town_id__in=towns, assessment__cycle__state=CycleState.OBJECTIONS, decision=""
        ).count()
        if pending:
            yield AttentionItem(
                "warning",
                ngettext("%(n)s objection to an assessment to decide", "%(n)s objections to assessments to decide",
                         pending) % {"n": pending},
                home + "?state=objections",
            )  # fmt: skip
        ready = Cycle.objects.filter(town_id__in=towns, state=CycleState.APPROVED).count()
        if ready:
            yield AttentionItem(
                "info",
                ngettext("%(n)s approved assessment cycle to publish", "%(n)s approved assessment cycles to publish",
                         ready) % {"n": ready},
                home + "?state=approved",
            )  # fmt: skip
    leadership_towns = {g.area for g in scope.grants if g.role == "leadership"}
    if leadership_towns:
        towns = set().union(*(a.towns for a in leadership_towns))
        annual = Cycle.objects.filter(town_id__in=towns, state=CycleState.DECIDED, scheme__period_kind="year").count()
        if annual:
            yield AttentionItem(
                "warning",
                ngettext("%(n)s annual assessment cycle to approve", "%(n)s annual assessment cycles to approve",
                         annual) % {"n": annual},
                home + "?state=decided",
            )  # fmt: skip
