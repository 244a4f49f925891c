"""The warning letter's workflow as one explicit table (DESIGN.md convention 3):

draft → sent (a person approved it: numbered, delivered) → acknowledged → answered → closed
(verified as rectified) or sent back (not rectified: a new deadline, answered again);
draft → discarded (with a reason); sent, acknowledged or sent back past the deadline → escalated
(a draft of the next level is created and linked, to be approved by a person in turn)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import Workflow


class LetterState(models.TextChoices):
    DRAFT = "draft", _("Draft, to approve")
    SENT = "sent", pgettext_lazy("warning letter", "Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered, to verify")
    CLOSED = "closed", _("Rectified and closed")
    SENT_BACK = "sent_back", _("Sent back: not rectified")
    ESCALATED = "escalated", _("Escalated to the next level")
    DISCARDED = "discarded", _("Discarded")


class LetterAction(models.TextChoices):
    APPROVE = "approve", _("Approve and send")
    DISCARD = "discard", _("Discard")
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    ANSWER = "answer", _("Answer")
    VERIFY = "verify", _("Verify as rectified")
    SEND_BACK = "send_back", _("Send back")
    ESCALATE = "escalate", _("Escalate")


S, A = LetterState, LetterAction

# Waiting for the addressee: the deadline runs, and escalation is possible once it has passed.
WAITING = (S.SENT, S.ACKNOWLEDGED, S.SENT_BACK)

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    A.APPROVE: ((S.DRAFT,), S.SENT),
    A.DISCARD: ((S.DRAFT,), S.DISCARDED),
    A.ACKNOWLEDGE: ((S.SENT,), S.ACKNOWLEDGED),
    A.ANSWER: ((S.ACKNOWLEDGED, S.SENT_BACK), S.ANSWERED),
    A.VERIFY: ((S.ANSWERED,), S.CLOSED),
    A.SEND_BACK: ((S.ANSWERED,), S.SENT_BACK),
    A.ESCALATE: (WAITING, S.ESCALATED),
}

LETTER_WORKFLOW = Workflow(TRANSITIONS, "warnings.letter")

# The states in which the letter is out (seen by its addressee).
OUT_STATES = (S.SENT, S.ACKNOWLEDGED, S.ANSWERED, S.CLOSED, S.SENT_BACK, S.ESCALATED)
HIDDEN_STATES = (S.DRAFT, S.DISCARDED)  # seen by the office only
