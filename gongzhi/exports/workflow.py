"""The export job's workflow as one table (DESIGN.md convention 3), declared with the core helper:

    queued → running → done
       ↘        ↘
        failed ⇢ queued (the owner starts it again)

The worker takes the plain steps; the dashed one (⇢) is the owner's (services.retry_export).
Every step goes through `jobs.transition()`, which compares and sets the state in one statement,
so of two workers (or a worker and the stalled-job sweep) only one moves a job. Done is final:
a done job is never written again."""

from django.db import models

from gongzhi.core.workflow import Workflow

from .models import ExportJob


class JobAction(models.TextChoices):
    RUN = "run"  # the worker takes the job and writes the file
    FINISH = "finish"  # the file is stored: the owner may download it
    FAIL = "fail"  # an error, a right lost, or an interrupted worker: no file
    RETRY = "retry"  # the owner starts a failed export again


S = ExportJob.State
EXPORT_JOB_WORKFLOW = Workflow(
    {
        JobAction.RUN: ((S.QUEUED,), S.RUNNING),
        JobAction.FINISH: ((S.RUNNING,), S.DONE),
        JobAction.FAIL: ((S.QUEUED, S.RUNNING), S.FAILED),
        JobAction.RETRY: ((S.FAILED,), S.QUEUED),
    },
    "exports.exportjob",
)
