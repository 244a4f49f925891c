"""The worker side of an import job: its steps by the job table (compare and set), the jobs an
interrupted worker left running, and the run itself (called by tasks.run_import)."""

from __future__ import annotations

import logging
import time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import jobs as background

from .importer import ensure_can_import, import_data, validate_data
from .importer.write import Written
from .models import ImportedRecord, ImportJob
from .problems import ImportInvalid, PlanChanged, Problem
from .workbook import read_workbook
from .workflow import IMPORT_JOB_WORKFLOW, JobAction

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds between progress writes


def transition(job: ImportJob, action: str, **fields) -> bool:
    """Take the step `action` of the import's table, compared and set (`core.jobs.transition`)."""
    return background.transition(job, IMPORT_JOB_WORKFLOW, action, **fields)


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
    return background.end_stalled(ImportJob, _fail_interrupted)


def _fail_interrupted(job: ImportJob) -> bool:
    message = _(
        "The import was interrupted (the background worker stopped); nothing was imported. Upload the file again."
    )
    return _fail(job, message)


def run_import_job(job_id: int) -> str:
    """The background work for one job: a pending job is read and checked and its preview made; a
    confirmed one is imported. Idempotent: a job in any other state is left alone."""
    fail_stalled_jobs()
    job = ImportJob.objects.select_related("town", "uploaded_by", "confirmed_by").filter(pk=job_id).first()
    if job is None:
        return "missing"
    if transition(job, JobAction.VALIDATE, started_at=timezone.now()):
        step = _preview
    elif transition(job, JobAction.APPLY):
        step = _apply
    else:
        return job.status
    with job.in_language():
        try:
            step(job)
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


def _read(job: ImportJob):
    progress = _Progress(job)
    with job.file.open("rb") as handle:
        data = read_workbook(handle, progress=progress)
    rows = sum(len(rows) for rows in data.values())
    ImportJob.objects.filter(pk=job.pk).update(rows_done=rows, rows_total=rows)
    job.rows_done = job.rows_total = rows
    return data


def _preview(job: ImportJob) -> None:
    """Read and check the file; keep the plan's report (the preview) and its digest, and wait for
    the user's confirmation — or end the job when the file changes nothing."""
    try:
        ensure_can_import(job.uploaded_by, job.town)
        data = _read(job)
        report = validate_data(town=job.town, data=data)
    except ImportInvalid as invalid:
        report = invalid.report.to_json() if invalid.report else {}
        transition(job, JobAction.REFUSE, finished_at=timezone.now(), errors=_problems_json(invalid), report=report)
        return
    except PermissionDenied:
        job.refresh_from_db(fields=["status"])
        _fail(
            job,
            _("%(user)s may no longer import into %(town)s; nothing was imported.")
            % {"user": job.uploaded_by, "town": job.town},
        )
        return
    if report.changed:
        transition(job, JobAction.PREVIEW, report=report.to_json(), plan_digest=report.digest, errors=[])
    else:
        transition(job, JobAction.SETTLE, finished_at=timezone.now(), report=report.to_json(), errors=[])


def _apply(job: ImportJob) -> None:
    """Import the confirmed file, if it still writes exactly what the preview showed; record what
    was written (for undo)."""
    actor = job.confirmed_by or job.uploaded_by
    try:
        data = _read(job)
        with transaction.atomic():
            report = import_data(
                actor=actor,
                town=job.town,
                data=data,
                expected_digest=job.plan_digest,
                on_written=lambda written: record_written(job, written),
            )
            transition(job, JobAction.FINISH, finished_at=timezone.now(), report=report.to_json(), errors=[])
            audit.record(
                actor,
                "onboarding.importjob.import",
                job,
                town_id=job.town_id,
                after={
                    "file_name": job.file_name,
                    "sha256": job.sha256,
                    "sheets": {key: [c.created, c.updated, c.unchanged] for key, c in report.sheets.items()},
                },
            )
    except ImportInvalid as invalid:  # the town changed between the preview and the import
        job.refresh_from_db(fields=["status"])
        transition(job, JobAction.REFUSE, finished_at=timezone.now(), errors=_problems_json(invalid))
    except PlanChanged:
        job.refresh_from_db(fields=["status"])
        message = _(
            "Nothing was imported: records of the town changed after the preview, so importing the file now would "
            "do something else than the preview showed. Preview the file again and check the new preview."
        )
        transition(
            job,
            JobAction.OUTDATE,
            finished_at=timezone.now(),
            errors=[Problem("", None, "", message).as_dict()],
        )
    except PermissionDenied:
        job.refresh_from_db(fields=["status"])
        _fail(
            job,
            _("%(user)s may no longer import into %(town)s; nothing was imported.") % {"user": actor, "town": job.town},
        )


def record_written(job: ImportJob, written: list[Written]) -> None:
    """Keep what the import wrote, record by record, so that undo can delete or put it back."""
    ImportedRecord.objects.bulk_create(
        [
            ImportedRecord(
                job=job,
                model=w.obj._meta.label_lower,
                object_id=w.obj.pk,
                change=ImportedRecord.Change.CREATED if w.created else ImportedRecord.Change.UPDATED,
                before=w.before,
                after=w.after,
                version=w.version,
            )
            for w in written
        ],
        batch_size=1000,
    )
