"""The import job's workflow as one table (DESIGN.md convention 3), declared with the core helper:
which step moves a job from which statuses to which status. A finished job never changes again.
Only the worker moves jobs (no form, no version): `jobs.transition()` compares and sets the
status in one statement, so of two workers only one moves a job."""

from django.db import models

from gongzhi.core.workflow import Workflow

from .models import ImportJob


class JobAction(models.TextChoices):
    VALIDATE = "validate"  # the worker takes the job and reads and checks the file
    APPLY = "apply"  # the file is sound: import it
    FINISH = "finish"  # imported
    REFUSE = "refuse"  # problems found (on checking, or the town changed before the import)
    FAIL = "fail"  # an unexpected error, or an interrupted worker


S = ImportJob.Status
IMPORT_JOB_WORKFLOW = Workflow(
    {
        JobAction.VALIDATE: ((S.PENDING,), S.VALIDATING),
        JobAction.APPLY: ((S.VALIDATING,), S.APPLYING),
        JobAction.FINISH: ((S.APPLYING,), S.DONE),
        JobAction.REFUSE: ((S.VALIDATING, S.APPLYING), S.INVALID),
        JobAction.FAIL: ((S.PENDING, S.VALIDATING, S.APPLYING), S.FAILED),
    },
    "onboarding.importjob",
)
