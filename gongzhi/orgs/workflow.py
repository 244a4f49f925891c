"""A residency's workflow as one table (DESIGN.md convention 3), declared with the core helper:
staff confirm or reject a resident's claim to a unit, and end a confirmed tie."""

from django.db import models

from gongzhi.core.workflow import Workflow

from .models import Residency


class ResidencyAction(models.TextChoices):
    VERIFY = "verify"
    REJECT = "reject"
    END = "end"


S = Residency.Status
RESIDENCY_WORKFLOW = Workflow(
    {
        ResidencyAction.VERIFY: ((S.CLAIMED,), S.VERIFIED),
        ResidencyAction.REJECT: ((S.CLAIMED,), S.REJECTED),
        ResidencyAction.END: ((S.VERIFIED,), S.ENDED),
    },
    "orgs.residency",
)
