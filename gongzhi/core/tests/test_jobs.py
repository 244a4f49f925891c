"""The background job's common part (gongzhi.core.jobs), on the two jobs that use it — the export
(its field `state`) and the spreadsheet import (its field `status`): a step compared and set, the
sweep of the jobs an interrupted worker left (each state with its own limit, each job in its own
language), the note that the worker may be down, and the task's id kept once."""

from dataclasses import dataclass

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core import jobs
from gongzhi.exports.models import ExportJob
from gongzhi.exports.tests.test_jobs import _job as export_job
from gongzhi.exports.workflow import EXPORT_JOB_WORKFLOW
from gongzhi.onboarding.models import ImportJob
from gongzhi.onboarding.tests.test_jobs import _job as import_job
from gongzhi.onboarding.workflow import IMPORT_JOB_WORKFLOW

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


def test_a_step_is_compared_and_set_on_the_models_own_state_field(world, clock):
    job = import_job(world, "pending")
    stale = ImportJob.objects.get(pk=job.pk)
    clock.shift(minutes=1)
    assert jobs.transition(job, IMPORT_JOB_WORKFLOW, "validate", started_at=timezone.now())
    assert (job.status, job.updated_at, job.started_at) == ("validating", timezone.now(), timezone.now())
    assert not jobs.transition(stale, IMPORT_JOB_WORKFLOW, "validate")  # another worker took it
    assert not jobs.transition(job, IMPORT_JOB_WORKFLOW, "undo")  # the table forbids it
    stored = ImportJob.objects.get(pk=job.pk)
    assert (stored.status, stored.updated_at) == ("validating", timezone.now())

    export = export_job(world, "queued")
    assert jobs.transition(export, EXPORT_JOB_WORKFLOW, "run", attempts=1)
    assert ExportJob.objects.values_list("state", "attempts").get(pk=export.pk) == ("running", 1)
    assert export.current_state == "running" and not export.is_finished


def test_the_sweep_ends_each_working_state_after_its_own_limit_in_the_jobs_language(world, clock):
    validating = import_job(world, "validating")
    ImportJob.objects.filter(pk=validating.pk).update(language="zh-hans")
    applying = import_job(world, "applying")
    waiting = import_job(world, "pending")
    said = []

    def end(job):
        said.append((job.pk, gettext("Failed")))
        return jobs.transition(job, IMPORT_JOB_WORKFLOW, "fail", finished_at=timezone.now())

    clock.shift(minutes=10)
    assert jobs.end_stalled(ImportJob, end) == 0  # not longer than the limit yet
    clock.shift(seconds=1)
    validating.refresh_from_db()
    assert validating.is_stalled and not applying.is_stalled
    assert jobs.end_stalled(ImportJob, end) == 1
    assert said == [(validating.pk, "失败")]
    clock.shift(minutes=20)
    assert jobs.end_stalled(ImportJob, end) == 1 and jobs.end_stalled(ImportJob, end) == 0
    assert dict(ImportJob.objects.values_list("pk", "status")) == {
        validating.pk: "failed",
        applying.pk: "failed",
        waiting.pk: "pending",  # waiting is not working: the worker may simply be busy
    }


def test_the_page_says_the_worker_may_be_down_only_while_the_job_waits_for_it(world, clock):
    queued, running = export_job(world, "queued"), export_job(world, "running")
    assert not queued.waiting_for_worker
    clock.shift(seconds=6)
    assert queued.waiting_for_worker and not running.waiting_for_worker
    assert jobs.transition(queued, EXPORT_JOB_WORKFLOW, "run")
    assert not queued.waiting_for_worker
    previewed_again = import_job(world, "stale")
    clock.shift(minutes=5)
    assert jobs.transition(previewed_again, IMPORT_JOB_WORKFLOW, "repreview")
    assert not previewed_again.waiting_for_worker  # counted from its last move, not from its upload


@dataclass
class Queued:
    id: str


class Task:
    """A task as django-tasks gives it: `enqueue(job_id)` returns a result with its id."""

    def __init__(self):
        self.queued = []

    def enqueue(self, job_id):
        self.queued.append(job_id)
        return Queued(f"task-{len(self.queued)}")


def test_the_job_keeps_the_id_of_the_task_it_was_first_queued_with(world):
    job, task = export_job(world, "queued"), Task()
    jobs.enqueue(task, ExportJob, job.pk)
    jobs.enqueue(task, ExportJob, job.pk)
    assert task.queued == [job.pk, job.pk]
    assert ExportJob.objects.get(pk=job.pk).task_id == "task-1"
    ExportJob.objects.filter(pk=job.pk).update(task_id="")  # started again
    jobs.enqueue(task, ExportJob, job.pk)
    assert ExportJob.objects.get(pk=job.pk).task_id == "task-3"
