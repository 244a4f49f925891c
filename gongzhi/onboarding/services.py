"""Import jobs: an office uploads a spreadsheet (create_import_job); the background task reads and
checks it and makes its preview (jobs.run_import_job); the user confirms the preview
(confirm_import_job) and the task imports it — or discards it (discard_import_job). An import whose
preview no longer holds is previewed again on request (preview_import_job_again); a confirmed
import is undone while nothing depends on it (undo_import_job). The steps: workflow.py."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import jobs as background
from gongzhi.places.models import Town

from . import jobs
from .importer import ensure_can_import
from .models import ImportJob
from .problems import WorkbookRefused
from .tasks import run_import
from .undo import apply_undo, plan_undo
from .workbook import check_file
from .workflow import IMPORT_JOB_WORKFLOW, JobAction


def create_import_job(*, actor, town: Town, upload, language: str | None = None) -> ImportJob:
    """Store an uploaded .xlsx and queue its import. Refuses (WorkbookRefused) a file that is too
    large or not an .xlsx workbook; the same file may be uploaded again (it then changes nothing)."""
    ensure_can_import(actor, town)
    check_file(upload)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    name = (getattr(upload, "name", "") or "upload.xlsx").replace("\\", "/").rsplit("/", 1)[-1]
    job = ImportJob(
        town=town,
        uploaded_by=actor,
        file_name=name[:255],
        size=upload.size,
        sha256=digest.hexdigest(),
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    job.file.save(name, upload, save=False)
    with transaction.atomic():
        job.save()
        transaction.on_commit(lambda: enqueue_import(job.pk))
    return job


def enqueue_import(job_id: int) -> None:
    background.enqueue(run_import, ImportJob, job_id)


def _locked(actor, job: ImportJob, action: str, refusal: str) -> ImportJob:
    """The job's row, locked, after checking that the actor may import into its town and that the
    job's status allows `action` (else ValidationError with `refusal`)."""
    ensure_can_import(actor, job.town)
    locked = ImportJob.objects.select_for_update().select_related("town").get(pk=job.pk)
    if IMPORT_JOB_WORKFLOW.target(action, locked.status) is None:
        raise ValidationError(refusal, code="state")
    return locked


def _step(job: ImportJob, action: str, **fields) -> None:
    if not jobs.transition(job, action, **fields):  # the row is locked: only a bug gets here
        raise ValidationError(_("This import was changed meanwhile. Reload the page."), code="state")


def confirm_import_job(*, actor, job: ImportJob, digest: str) -> ImportJob:
    """Import the previewed file: the background task writes it, if it still writes exactly what
    the preview showed (`digest`: the preview the user saw)."""
    with transaction.atomic():
        locked = _locked(actor, job, JobAction.CONFIRM, _("This import is not awaiting confirmation."))
        if digest != locked.plan_digest:
            raise ValidationError(
                _("The preview has changed since this page was opened. Reload the page and check it again."),
                code="stale",
            )
        # task_id cleared: the import is a new task (and one the queue never took is queued again by the sweep)
        _step(locked, JobAction.CONFIRM, confirmed_by=actor, confirmed_at=timezone.now(), task_id="")
        audit.record(
            actor,
            "onboarding.importjob.confirm",
            locked,
            after={"file_name": locked.file_name, "sha256": locked.sha256, "digest": locked.plan_digest},
        )
        transaction.on_commit(lambda: enqueue_import(locked.pk))
    return locked


def discard_import_job(*, actor, job: ImportJob) -> ImportJob:
    """Do not import the previewed file; nothing was written."""
    with transaction.atomic():
        locked = _locked(actor, job, JobAction.DISCARD, _("Only an import awaiting confirmation can be discarded."))
        _step(locked, JobAction.DISCARD, finished_at=timezone.now())
        audit.record(actor, "onboarding.importjob.discard", locked, after={"file_name": locked.file_name})
    return locked


def preview_import_job_again(*, actor, job: ImportJob) -> ImportJob:
    """Check the file of an import whose preview no longer held again, against the town's records
    as they are now: a new preview to confirm."""
    with transaction.atomic():
        locked = _locked(
            actor, job, JobAction.REPREVIEW, _("Only an import whose preview no longer held can be previewed again.")
        )
        _step(
            locked,
            JobAction.REPREVIEW,
            errors=[],
            report={},
            plan_digest="",
            finished_at=None,
            confirmed_by=None,
            confirmed_at=None,
            rows_done=0,
            task_id="",
        )
        audit.record(actor, "onboarding.importjob.repreview", locked, after={"file_name": locked.file_name})
        transaction.on_commit(lambda: enqueue_import(locked.pk))
    return locked


def undo_import_job(*, actor, job: ImportJob) -> dict[str, int]:
    """Delete the records the import created and put back the fields it updated, in one
    transaction — refused (ValidationError naming what depends on it) while anything does."""
    with transaction.atomic():
        Town.objects.select_for_update().filter(pk=job.town_id).first()  # one import or undo per town at a time
        locked = _locked(actor, job, JobAction.UNDO, _("Only an imported file can be undone."))
        plan = plan_undo(locked, lock=True)
        if plan.blockers:
            raise ValidationError(plan.blockers, code="depends")
        done = apply_undo(plan, actor)
        _step(locked, JobAction.UNDO, undone_by=actor, undone_at=timezone.now())
        audit.record(actor, "onboarding.importjob.undo", locked, after={"file_name": locked.file_name, **done})
    return done


__all__ = [
    "WorkbookRefused",
    "confirm_import_job",
    "create_import_job",
    "discard_import_job",
    "enqueue_import",
    "preview_import_job_again",
    "undo_import_job",
]
