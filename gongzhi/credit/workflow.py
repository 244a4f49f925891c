"""The credit record's workflow as one explicit table (DESIGN.md convention 3):
active → objected → upheld (the record stands) or withdrawn (it never counts);
active or upheld → correction asked → corrected (it counts no more from that day) or refused."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Workflow


class RecordState(models.TextChoices):
    ACTIVE = "active", _("In force")
    OBJECTED = "objected", _("Objection to decide")
    UPHELD = "upheld", _("Upheld after objection")
    WITHDRAWN = "withdrawn", _("Withdrawn after objection")
    CORRECTION_ASKED = "correction_asked", _("Correction to check")
    CORRECTED = "corrected", _("Corrected after rectification")
    REFUSED = "refused", _("Correction refused")


class RecordAction(models.TextChoices):
    OBJECT = "object", _("Object")
    UPHOLD = "uphold", _("Uphold the record")
    WITHDRAW = "withdraw", _("Withdraw the record")
    ASK_CORRECTION = "ask_correction", _("Ask for correction")
    CORRECT = "correct", _("Correct the record")
    REFUSE = "refuse", _("Refuse the correction")


S, A = RecordState, RecordAction

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    A.OBJECT: ((S.ACTIVE,), S.OBJECTED),
    A.UPHOLD: ((S.OBJECTED,), S.UPHELD),
    A.WITHDRAW: ((S.OBJECTED,), S.WITHDRAWN),
    A.ASK_CORRECTION: ((S.ACTIVE, S.UPHELD), S.CORRECTION_ASKED),
    A.CORRECT: ((S.CORRECTION_ASKED,), S.CORRECTED),
    A.REFUSE: ((S.CORRECTION_ASKED,), S.REFUSED),
}

RECORD_WORKFLOW = Workflow(TRANSITIONS, "credit.creditrecord")

# The states in which a record counts while valid (a corrected record counts up to its correction
# day: gongzhi.credit.scoring); a pending objection or correction does not suspend a record.
COUNTING_STATES = (S.ACTIVE, S.OBJECTED, S.UPHELD, S.CORRECTION_ASKED, S.REFUSED)
