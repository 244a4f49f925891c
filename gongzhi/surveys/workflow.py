"""The survey's workflow as one table (DESIGN.md convention 3): which action moves a survey from
which states to which state. The services check it; a test walks every pair."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import Workflow


class SurveyState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey state", "Draft")
    OPEN = "open", pgettext_lazy("survey state", "Open")
    CLOSED = "closed", pgettext_lazy("survey state", "Closed")


class SurveyAction(models.TextChoices):
    DRAW = "draw", _("Draw the sample")
    OPEN = "open", _("Open the survey")
    ANSWER = "answer", _("Record an answer")
    SUBSTITUTE = "substitute", _("Substitute a unit")
    CLOSE = "close", _("Close the survey")


S, SA = SurveyState, SurveyAction
SURVEY_WORKFLOW = Workflow(
    {
        # None: the state stays as it is.
        SA.DRAW: ((S.DRAFT,), None),
        SA.OPEN: ((S.DRAFT,), S.OPEN),
        SA.ANSWER: ((S.OPEN,), None),
        SA.SUBSTITUTE: ((S.OPEN,), None),
        SA.CLOSE: ((S.OPEN,), S.CLOSED),
    },
    "surveys.survey",
)
