"""The quarterly evaluation's workflow as one table (DESIGN.md convention 3): which action is
allowed in which state. While a quarter is open the parties report and the inspection groups
record forums and opinions; closing it ends all of that."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import Workflow


class EvaluationState(models.TextChoices):
    OPEN = "open", pgettext_lazy("quarter state", "Open")
    CLOSED = "closed", pgettext_lazy("quarter state", "Closed")


class EvaluationAction(models.TextChoices):
    REPORT = "report", _("Submit a party's report")
    FORUM = "forum", _("Record a forum")
    OPINION = "opinion", _("Record or edit an opinion")
    CLOSE = "close", _("Close the quarter")


S, A = EvaluationState, EvaluationAction
EVALUATION_WORKFLOW = Workflow(
    {
        # None: the state stays as it is.
        A.REPORT: ((S.OPEN,), None),
        A.FORUM: ((S.OPEN,), None),
        A.OPINION: ((S.OPEN,), None),
        A.CLOSE: ((S.OPEN,), S.CLOSED),
    },
    "evaluations.quarterlyevaluation",
)
