"""An award round's workflow as an explicit table (DESIGN.md convention 3).

open (the candidates listed with their eligibility; nominations) → submitted (the ranked proposal
before the leadership group) → approved (by the leadership group) → announced (published on the
public page, credit records written; frozen). The leadership group may send a submitted round
back to the office with a reason; an announced round never changes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Workflow


class RoundState(models.TextChoices):
    OPEN = "open", _("Nominations open")
    SUBMITTED = "submitted", _("Before the leadership group")
    APPROVED = "approved", _("Approved")
    ANNOUNCED = "announced", _("Announced")


class RoundAction(models.TextChoices):
    REFRESH = "refresh", _("Check eligibility again")
    NOMINATE = "nominate", _("Nominate")
    SUBMIT = "submit", _("Submit to the leadership group")
    SEND_BACK = "send_back", _("Send back to the office")
    APPROVE = "approve", _("Approve")
    ANNOUNCE = "announce", _("Announce")


S, A = RoundState, RoundAction

TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    A.REFRESH: ((S.OPEN,), None),
    A.NOMINATE: ((S.OPEN,), None),
    A.SUBMIT: ((S.OPEN,), S.SUBMITTED),
    A.SEND_BACK: ((S.SUBMITTED,), S.OPEN),
    A.APPROVE: ((S.SUBMITTED,), S.APPROVED),
    A.ANNOUNCE: ((S.APPROVED,), S.ANNOUNCED),
}

ROUND_WORKFLOW = Workflow(TRANSITIONS, "awards.round")
