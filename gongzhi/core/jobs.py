"""Background jobs: a piece of work a user starts and a worker does later (a list's export, a
spreadsheet's import), kept as a row that the job's page follows. What every such job holds and
how a worker moves it, once for all of them:

- `BackgroundJob`: the abstract row. The concrete model adds its own state field with its own
  choices (named by `STATE_FIELD`), what the job works on, and says which states are unfinished
  (`UNFINISHED`: the page polls), which wait for the worker (`WAITING`: after `WORKER_GRACE` the
  page says the worker may be down) and how long each working state may go without progress
  before the job counts as interrupted (`STALLED_AFTER`).
- `transition()`: a step of the job's workflow table, compared and set in one statement, so that
  of two workers (or a worker and the stalled-job sweep) only one moves a job.
- `end_stalled()`: end, each in its own language, the jobs an interrupted worker left working.
- `enqueue()`: queue the job's task and keep the task's id on the job.
- `try_enqueue()` / `enqueue_on_commit()`: queue a task where the queue may not answer (Redis
  down): the failure is logged, the request that started the work still succeeds, and the work
  waits in the database, where a periodic sweep queues it again (`requeue_unqueued()` for the jobs
  here; the notifications' SMS have their own). docs/deployment.md, "Faults"."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import ClassVar, TypeVar

from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .cache import UNAVAILABLE as REDIS_UNAVAILABLE
from .models import PublicIdModel
from .workflow import Workflow

J = TypeVar("J", bound="BackgroundJob")
logger = logging.getLogger("gongzhi.jobs")

# What a queue that does not answer raises: Redis down or unreachable (RQ), the database (its queue).
QUEUE_UNAVAILABLE = (*REDIS_UNAVAILABLE, DatabaseError)
# A job waiting for a worker that was never queued is queued again by the sweep after this long.
REQUEUE_AFTER = timedelta(minutes=1)


class BackgroundJob(PublicIdModel):
    """A job's row: the language it speaks, its task, when it last moved and when it ended."""

    STATE_FIELD: ClassVar[str] = "state"
    UNFINISHED: ClassVar[tuple[str, ...]] = ()
    WAITING: ClassVar[tuple[str, ...]] = ()
    WORKER_GRACE: ClassVar[timedelta] = timedelta(seconds=5)
    STALLED_AFTER: ClassVar[Mapping[str, timedelta]] = {}

    language = models.CharField(
        _("language"),
        max_length=10,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the user who started the job: its messages, and any file it writes, are in it."),
    )
    task_id = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def current_state(self) -> str:
        return getattr(self, self.STATE_FIELD)

    @property
    def is_finished(self) -> bool:
        return self.current_state not in self.UNFINISHED

    @property
    def is_stalled(self) -> bool:
        limit = self.STALLED_AFTER.get(self.current_state)
        return limit is not None and timezone.now() - self.updated_at > limit

    @property
    def waiting_for_worker(self) -> bool:
        """Still waiting for the worker to take it, longer than a running worker would take."""
        return self.current_state in self.WAITING and timezone.now() - self.updated_at > self.WORKER_GRACE

    def in_language(self) -> translation.override:
        """`with job.in_language():` what the job says (its messages, its file) in its user's language."""
        return translation.override(self.language or settings.LANGUAGE_CODE)


def transition(job: BackgroundJob, workflow: Workflow, action: str, **fields) -> bool:
    """Take the step `action` if `workflow` allows it from the job's state and nobody moved the
    job meanwhile (compare and set in one statement), writing `fields` with it; False otherwise
    (the job is left as it is)."""
    name = job.STATE_FIELD
    state = job.current_state
    to = workflow.target(action, state)
    if to is None:
        return False
    now = timezone.now()
    rows = type(job)._default_manager.filter(pk=job.pk, **{name: state})
    if rows.update(**{name: to}, updated_at=now, **fields) != 1:
        return False
    setattr(job, name, to)
    job.updated_at = now
    for field, value in fields.items():
        setattr(job, field, value)
    return True


def end_stalled(model: type[J], end: Callable[[J], bool]) -> int:
    """Call `end(job)` (a failing `transition`), in the job's language, for each job of `model`
    that has not moved in its working state for longer than `STALLED_AFTER` allows: its worker was
    stopped or restarted. Returns how many `end` ended. Idempotent."""
    now = timezone.now()
    stalled = models.Q(pk__in=[])
    for state, limit in model.STALLED_AFTER.items():
        stalled |= models.Q(**{model.STATE_FIELD: state, "updated_at__lt": now - limit})
    ended = 0
    for job in model._default_manager.filter(stalled):
        with job.in_language():
            ended += bool(end(job))
    return ended


def try_enqueue(task, *args):
    """`task.enqueue(*args)`, or None when the queue does not answer (logged as a warning): the
    caller's work is recorded in the database and a periodic sweep queues it again."""
    try:
        return task.enqueue(*args)
    except QUEUE_UNAVAILABLE as exc:
        logger.warning(
            "job %s not queued: the queue does not answer (%s); the periodic sweep queues it again",
            getattr(task, "name", task),
            exc.__class__.__name__,
        )
        return None


def enqueue_on_commit(task, *args) -> None:
    """Queue `task` once the transaction commits, without failing the committed request when the
    queue does not answer (`try_enqueue`). `args` are read now: for a row saved later in the
    transaction, call `transaction.on_commit(lambda: try_enqueue(task, row.pk))`."""
    transaction.on_commit(lambda: try_enqueue(task, *args))


def enqueue(task, model: type[BackgroundJob], job_id: int) -> None:
    """Queue `task` (a django-tasks task taking the job's id) and keep its id on the job, unless
    the job has one already (a job started again has its id cleared first). When the queue does
    not answer the job keeps no task id and `requeue_unqueued` queues it later."""
    result = try_enqueue(task, job_id)
    if result is not None:
        model._default_manager.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


def requeue_unqueued(task, model: type[BackgroundJob]) -> int:
    """Queue again the jobs of `model` waiting for a worker that were never queued (no task id,
    for longer than `REQUEUE_AFTER`: the queue did not answer when they were started). Returns how
    many were queued now. Idempotent; run by the periodic command."""
    waiting = model._default_manager.filter(
        **{f"{model.STATE_FIELD}__in": model.WAITING},
        task_id="",
        updated_at__lt=timezone.now() - REQUEUE_AFTER,
    )
    queued = 0
    for job_id in waiting.values_list("pk", flat=True):
        enqueue(task, model, job_id)
        queued += model._default_manager.filter(pk=job_id).exclude(task_id="").exists()
    return queued
