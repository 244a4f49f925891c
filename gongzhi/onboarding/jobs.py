"""The worker side of an import job: its steps by the job table (compare and set), the jobs an
interrupted worker left running, and the run itself (called by tasks.run_import)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core import audit

from .importer import import_data, validate_data
from .models import ImportJob
from .problems import ImportInvalid, Problem
from .workbook import read_workbook
from .workflow import IMPORT_JOB_WORKFLOW, JobAction

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds between progress writes


def transition(job: ImportJob, action: str, **fields) -> bool:
    """Take the step `action` if the table allows it from the job's status and nobody moved the
    job meanwhile (compare and set in one statement); False otherwise (the job is left as it is)."""
    to = IMPORT_JOB_WORKFLOW.target(action, job.status)
    if to is None:
        return False
    now = timezone.now()
    updated = ImportJob.objects.filter(pk=job.pk, status=job.status).update(status=to, updated_at=now, **fields)
    if updated != 1:
        return False
    job.status = to
    job.updated_at = now
    for name, value in fields.items():
        setattr(job, name, value)
    return True


def _problems_json(error: ImportInvalid) -> list[dict]:
    return [p.as_dict() for p in [*error.errors, *error.warnings]]


def _fail(job: ImportJob, message: str) -> bool:
    """End the job as failed with one problem in words (nothing was imported)."""
    return transition(
        job, JobAction.FAIL, finished_at=timezone.now(), errors=[Problem("", None, "", message).as_dict()]
    )


def fail_stalled_jobs() -> int:
    """End the jobs an interrupted worker left running (their import was rolled back). Idempotent;
    run before each import."""
    ended = 0
    for job in ImportJob.objects.filter(status__in=list(ImportJob.STALLED_AFTER)):
        if job.is_stalled:
            with translation.override(job.language or settings.LANGUAGE_CODE):
                message = _(
                    "The import was interrupted (the background worker stopped); nothing was imported. "
                    "Upload the file again."
                )
            ended += _fail(job, message)
    return ended


def run_import_job(job_id: int) -> str:
    """The background work for one job; idempotent: a job that is no longer pending is left alone."""
    fail_stalled_jobs()
    job = ImportJob.objects.select_related("town", "uploaded_by").filter(pk=job_id).first()
    if job is None or not transition(job, JobAction.VALIDATE, started_at=timezone.now()):
        return job.status if job else "missing"
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            _run(job)
        except Exception:  # noqa: BLE001 - whatever happens, the job must end and say so
            logger.exception("Import job %s failed", job.pk)
            job.refresh_from_db(fields=["status"])
            _fail(
                job,
                _(
                    "The import stopped because of an unexpected error; nothing was imported. Please try again, and if "
                    "it happens again tell the platform administrator."
                ),
            )
    return job.status


class _Progress:
    """Writes the rows read so far to the job, at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != "reading":
            return
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        ImportJob.objects.filter(pk=self.job.pk).update(rows_done=done, rows_total=total, updated_at=timezone.now())
        self.job.rows_done, self.job.rows_total = done, total


def _run(job: ImportJob) -> None:
    progress = _Progress(job)
    try:
        with job.file.open("rb") as handle:
            data = read_workbook(handle, progress=progress)
        rows = sum(len(rows) for rows in data.values())
        ImportJob.objects.filter(pk=job.pk).update(rows_done=rows, rows_total=rows)
        job.rows_done = job.rows_total = rows
        validate_data(town=job.town, data=data)
    except ImportInvalid as invalid:
        transition(job, JobAction.REFUSE, finished_at=timezone.now(), errors=_problems_json(invalid))
        return
    if not transition(job, JobAction.APPLY):
        return
    try:
        with transaction.atomic():
            report = import_data(actor=job.uploaded_by, town=job.town, data=data)
            transition(job, JobAction.FINISH, finished_at=timezone.now(), report=report.to_json(), errors=[])
            if report.changed:
                audit.record(
                    job.uploaded_by,
                    "onboarding.importjob.import",
                    job,
                    town_id=job.town_id,
                    after={
                        "file_name": job.file_name,
                        "sha256": job.sha256,
                        "sheets": {key: [c.created, c.updated, c.unchanged] for key, c in report.sheets.items()},
                    },
                )
    except ImportInvalid as invalid:  # the town changed between the check and the import
        job.refresh_from_db(fields=["status"])
        transition(job, JobAction.REFUSE, finished_at=timezone.now(), errors=_problems_json(invalid))
    except PermissionDenied:
        job.refresh_from_db(fields=["status"])
        _fail(
            job,
            _("%(user)s may no longer import into %(town)s; nothing was imported.")
            % {"user": job.uploaded_by, "town": job.town},
        )
