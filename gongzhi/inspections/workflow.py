"""The rectification order's workflow as one explicit table (DESIGN.md convention 3): issued →
answered (with text and evidence) → closed by the group's re-check, or sent back → answered again."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Workflow


class OrderState(models.TextChoices):
    ISSUED = "issued", _("Issued, awaiting rectification")
    ANSWERED = "answered", _("Answered, awaiting re-check")
    SENT_BACK = "sent_back", _("Sent back after re-check")
    CLOSED = "closed", _("Closed after re-check")


class OrderAction(models.TextChoices):
    ANSWER = "answer", _("Answer with evidence")
    CLOSE = "close", _("Close after re-check")
    SEND_BACK = "send_back", _("Send back")


S, A = OrderState, OrderAction

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    A.ANSWER: ((S.ISSUED, S.SENT_BACK), S.ANSWERED),
    A.CLOSE: ((S.ANSWERED,), S.CLOSED),
    A.SEND_BACK: ((S.ANSWERED,), S.SENT_BACK),
}

ORDER_WORKFLOW = Workflow(TRANSITIONS, "inspections.rectificationorder")

OPEN_STATES = (S.ISSUED, S.ANSWERED, S.SENT_BACK)
# Waiting for the responsible organisation (the deadline runs); an answered order waits for the group.
AWAITING_ORGANISATION = (S.ISSUED, S.SENT_BACK)
