"""The import job's workflow as one table (DESIGN.md convention 3), declared with the core helper:
which step moves a job from which statuses to which status.

    pending → validating → previewed ⇢ confirmed → applying → done ⇢ undone
                         ↘ nothing (the file changes nothing)    ↘ stale ⇢ pending (preview again)
                         ↘ invalid                                ↘ invalid
    previewed, stale ⇢ discarded;  pending, validating, confirmed, applying → failed

The worker takes the plain steps; the dashed ones (⇢) are the user's (services.py). Every step
goes through `jobs.transition()`, which compares and sets the status in one statement, so of two
workers (or two clicks) only one moves a job. Invalid, failed, nothing, discarded and undone are
final."""

from django.db import models

from gongzhi.core.workflow import Workflow

from .models import ImportJob


class JobAction(models.TextChoices):
    VALIDATE = "validate"  # the worker takes the job and reads and checks the file
    PREVIEW = "preview"  # the file is sound: show what importing it would do, and wait
    SETTLE = "settle"  # the file is sound but changes nothing (e.g. only example rows)
    CONFIRM = "confirm"  # the user confirms the preview: import it
    DISCARD = "discard"  # the user does not import the file
    APPLY = "apply"  # the worker takes the confirmed job and imports it
    FINISH = "finish"  # imported
    OUTDATE = "outdate"  # the town's records changed since the preview: nothing imported
    REPREVIEW = "repreview"  # the user asks for a new preview of the same file
    UNDO = "undo"  # the user undoes the import
    REFUSE = "refuse"  # problems found (on checking, or the town changed before the import)
    FAIL = "fail"  # an unexpected error, or an interrupted worker


S = ImportJob.Status
IMPORT_JOB_WORKFLOW = Workflow(
    {
        JobAction.VALIDATE: ((S.PENDING,), S.VALIDATING),
        JobAction.PREVIEW: ((S.VALIDATING,), S.PREVIEWED),
        JobAction.SETTLE: ((S.VALIDATING,), S.NOTHING),
        JobAction.CONFIRM: ((S.PREVIEWED,), S.CONFIRMED),
        JobAction.DISCARD: ((S.PREVIEWED, S.STALE), S.DISCARDED),
        JobAction.APPLY: ((S.CONFIRMED,), S.APPLYING),
        JobAction.FINISH: ((S.APPLYING,), S.DONE),
        JobAction.OUTDATE: ((S.APPLYING,), S.STALE),
        JobAction.REPREVIEW: ((S.STALE,), S.PENDING),
        JobAction.UNDO: ((S.DONE,), S.UNDONE),
        JobAction.REFUSE: ((S.VALIDATING, S.APPLYING), S.INVALID),
        JobAction.FAIL: ((S.PENDING, S.VALIDATING, S.CONFIRMED, S.APPLYING), S.FAILED),
    },
    "onboarding.importjob",
)
