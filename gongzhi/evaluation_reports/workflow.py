"""An evaluation report's workflow as one table (DESIGN.md convention 3). The office drafts (the
figures assembled from the period's records, the narrative written around them), submits; the
leadership group approves — which freezes the report — or sends it back; the office distributes
the approved report to the town's recipients. A frozen report never changes: a correction is a
new version (a new draft that names the one it corrects, which stays as it was)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import Workflow


class ReportState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("report state", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("report state", "Approved")
    DISTRIBUTED = "distributed", pgettext_lazy("report state", "Distributed")


class ReportAction(models.TextChoices):
    ASSEMBLE = "assemble", _("assemble the figures")
    EDIT = "edit", _("edit the text")
    SUBMIT = "submit", _("submit for approval")
    SEND_BACK = "send_back", _("send back")
    APPROVE = "approve", _("approve")
    DISTRIBUTE = "distribute", _("distribute")


S, A = ReportState, ReportAction
FROZEN = (S.APPROVED, S.DISTRIBUTED)
REPORT_WORKFLOW = Workflow(
    {
        # None: the state stays as it is.
        A.ASSEMBLE: ((S.DRAFT,), None),
        A.EDIT: ((S.DRAFT,), None),
        A.SUBMIT: ((S.DRAFT,), S.SUBMITTED),
        A.SEND_BACK: ((S.SUBMITTED,), S.DRAFT),
        A.APPROVE: ((S.SUBMITTED,), S.APPROVED),
        A.DISTRIBUTE: ((S.APPROVED,), S.DISTRIBUTED),
    },
    "evaluation_reports.report",
)
