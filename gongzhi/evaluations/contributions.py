"""What the quarterly evaluation adds to the platform (gongzhi.core.registry): its navigation
entry, the reminder sweep, home-page items for the office and for the parties, and how the history
reads its entries. The neighborhood's page offers the section "evaluations.neighborhood" to the
surveys app (the quarter's satisfaction survey)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from gongzhi.core import registry
from gongzhi.core.registry import AttentionItem

from . import services
from .models import NeighborhoodEvaluation, PartyReport, QuarterlyEvaluation

registry.nav_item(
    44,
    "evaluations:list",
    label=gettext_lazy("Quarterly evaluations"),
    active=("evaluations",),
    permission="evaluations.view",
    group="supervision",
)
registry.sweep(60, "evaluations.reminders", services.sweep_reminders)
registry.audit_labels(
    verbs_by_type={
        "evaluations.quarterlyevaluation": {"open": lambda: _("Quarter opened"), "close": lambda: _("Quarter closed")},
        "evaluations.partyreport": {"submit": lambda: _("Report submitted")},
        "evaluations.forum": {"create": lambda: _("Forum recorded")},
        "evaluations.forumopinion": {
            "create": lambda: _("Opinion recorded"),
            "update": lambda: _("Opinion edited"),
            "follow_up": lambda: _("Opinion followed up"),
        },
    },
    extra_fields={"reports_due": lambda: _("Reports due on"), "rectification": lambda: _("Rectification order")},
)


def office_items(user, scope, today):
    """For the office: per open quarter, the parties' reports overdue (or still missing once the
    reminders have started)."""
    if not scope.has("evaluations.manage"):
        return
    area = scope.area("evaluations.manage")
    evaluations = QuarterlyEvaluation.objects.open()
    if not area.everything:
        evaluations = evaluations.filter(town_id__in=area.towns)
    for evaluation in evaluations.order_by("year", "quarter"):
        if not services.remind_date(evaluation, today):
            continue
        missing = services.missing_parties(evaluation)
        count = len({o.pk for orgs in missing.values() for o in orgs})  # a company serving two counts once
        neighborhoods = sum(1 for orgs in missing.values() if orgs)
        if not count:
            continue
        overdue = today > evaluation.reports_due
        if overdue:
            text = ngettext(
                "%(quarter)s: %(n)s party's report is overdue (in %(nbs)s neighborhoods).",
                "%(quarter)s: %(n)s parties' reports are overdue (in %(nbs)s neighborhoods).",
                count,
            )
        else:
            text = ngettext(
                "%(quarter)s: %(n)s party's report is still missing, due on %(due)s.",
                "%(quarter)s: %(n)s parties' reports are still missing, due on %(due)s.",
                count,
            )
        yield AttentionItem(
            "warning" if overdue else "info",
            text % {"quarter": evaluation, "n": count, "nbs": neighborhoods, "due": evaluation.reports_due.isoformat()},
            evaluation.get_absolute_url(),
        )


def party_items(user, scope, today):
    """For a member of one of the four parties: its quarterly report, while it is due."""
    if not scope.has("evaluations.report") or not scope.organization_ids:
        return  # only a party's member reports (services.reporting_organizations): no statement per neighborhood
    parts = (
        NeighborhoodEvaluation.objects.for_user(user, "evaluations.report")
        .filter(evaluation__state="open")
        .select_related("evaluation", "neighborhood")
    )
    seen: set[tuple[int, int]] = set()
    for part in parts:
        reported = PartyReport.objects.filter(evaluation=part.evaluation).values("organization_id")
        for org in services.reporting_organizations(user, part).exclude(pk__in=reported):
            if (part.evaluation_id, org.pk) in seen:
                continue
            seen.add((part.evaluation_id, org.pk))
            overdue = today > part.evaluation.reports_due
            text = (
                _("%(org)s's quarterly report for the %(quarter)s was due on %(due)s.")
                if overdue
                else _("%(org)s's quarterly report for the %(quarter)s is due on %(due)s.")
            )
            yield AttentionItem(
                "warning" if overdue else "info",
                text % {"org": org.name, "quarter": part.evaluation, "due": part.evaluation.reports_due.isoformat()},
                reverse("evaluations:report_new", args=[part.uid]),
            )


registry.attention(105, office_items)
registry.attention(106, party_items)
