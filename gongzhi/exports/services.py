"""Exports: a user starts the export of a list they are looking at (start_export); the background
task writes its file (jobs.run_export_job); a failed export is started again by its owner
(retry_export). The steps: workflow.py."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import jobs as background
from gongzhi.core.models import User
from gongzhi.core.scope import get_scope

from . import jobs, kinds
from .models import ExportJob
from .tasks import run_export
from .workflow import EXPORT_JOB_WORKFLOW, JobAction

MAX_UNFINISHED = 3  # exports of one user queued or being written at once


def _ensure_room(actor) -> None:
    waiting = ExportJob.objects.filter(owner=actor).unfinished().count()
    if waiting >= MAX_UNFINISHED:
        raise ValidationError(
            _("You already have %(n)s exports waiting or being written. Start this one when one of them is ready.")
            % {"n": waiting},
            code="busy",
        )


def start_export(*, actor, kind: str, params: dict, language: str | None = None) -> ExportJob:
    """Queue the export of the list `kind` with its filters `params` (the list page's query
    values), for `actor`. Refused when the actor may not export that list (PermissionDenied) or
    already has MAX_UNFINISHED exports waiting (ValidationError)."""
    export = kinds.get(kind)
    if export is None or not get_scope(actor).has(export.permission):
        raise PermissionDenied(f"no export {kind!r} for this user")
    params = export.params(params)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        # One user's exports are counted under a lock on the user's row: two clicks do not both pass.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        _ensure_room(actor)
        with translation.override(language):
            title = str(export.title(actor, params))[:200]
        job = ExportJob.objects.create(
            owner=actor,
            kind=kind,
            params=params,
            title=title,
            file_name=export.file_name(actor, params, timezone.localdate())[:100],
            language=language,
        )
        audit.record(actor, "exports.exportjob.start", job, after={"kind": kind, "params": params})
        transaction.on_commit(lambda: enqueue_export(job.pk))
    return job


def enqueue_export(job_id: int) -> None:
    background.enqueue(run_export, ExportJob, job_id)


def retry_export(*, actor, job: ExportJob) -> ExportJob:
    """Start a failed export of `actor`'s again, with the same list and filters (read afresh)."""
    jobs.fail_stalled_jobs()  # an interrupted export is failed first, so that it can be retried
    with transaction.atomic():
        locked = ExportJob.objects.select_for_update().get(pk=job.pk, owner=actor)
        if EXPORT_JOB_WORKFLOW.target(JobAction.RETRY, locked.state) is None:
            raise ValidationError(_("Only an export that failed can be started again."), code="state")
        _ensure_room(actor)
        before = {"state": locked.state, "error": locked.error}
        jobs.transition(
            locked,
            JobAction.RETRY,
            error="",
            rows_written=0,
            rows_total=None,
            started_at=None,
            finished_at=None,
            task_id="",
        )
        audit.record(actor, "exports.exportjob.retry", locked, before=before, after={"state": locked.state})
        transaction.on_commit(lambda: enqueue_export(locked.pk))
    return locked
