"""Home-page items: the office — reports sent back, approved reports to distribute, files that
failed; the leadership group — reports awaiting approval; a recipient organisation's members —
reports received and not yet confirmed as read."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core.registry import AttentionItem

from .models import Delivery, Report
from .services import may_approve
from .workflow import ReportState


def items_for(user, scope, today):
    if scope.is_platform_admin:
        return
    if scope.has("reports.write"):
        towns = scope.area("reports.write").towns
        mine = Report.objects.filter(town_id__in=towns)
        for r in mine.filter(state=ReportState.DRAFT).exclude(returned_reason=""):
            yield AttentionItem("warning", _("%(report)s sent back by the leadership group") % {"report": r},
                                reverse("evaluation_reports:report", args=[r.uid]))  # fmt: skip
        for r in mine.filter(state=ReportState.APPROVED):
            yield AttentionItem("info", _("%(report)s approved: distribute it") % {"report": r},
                                reverse("evaluation_reports:report", args=[r.uid]))  # fmt: skip
    if scope.has("reports.approve"):
        for r in Report.objects.for_user(user).filter(state=ReportState.SUBMITTED):
            if may_approve(user, r):
                yield AttentionItem("warning", _("%(report)s awaits your approval") % {"report": r},
                                    reverse("evaluation_reports:report", args=[r.uid]))  # fmt: skip
    if scope.has("reports.receive"):
        own = {g.organization_id for g in scope.grants if g.organization_id and "reports.receive" in g.permissions}
        unread = Delivery.objects.filter(
            organization_id__in=own, read_at__isnull=True, report__state=ReportState.DISTRIBUTED
        ).select_related("report", "organization")
        for d in unread:
            yield AttentionItem(
                "info",
                _("%(report)s received by %(org)s: read it and confirm")
                % {"report": d.report, "org": d.organization.name},
                d.get_absolute_url(),
            )
