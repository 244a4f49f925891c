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
- `enqueue()`: queue the job's task and keep the task's id on the job."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import PublicIdModel
from .workflow import Workflow

J = TypeVar("J", bound="BackgroundJob")


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


def enqueue(task, model: type[BackgroundJob], job_id: int) -> None:
    """Queue `task` (a django-tasks task taking the job's id) and keep its id on the job, unless
    the job has one already (a job started again has its id cleared first)."""
    result = task.enqueue(job_id)
    model._default_manager.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])
