"""The worker side of an export: its steps by the job table (compare and set), the jobs an
interrupted worker left running, and the run itself (called by tasks.run_export).

The rows are read from the database `CHUNK` at a time (`QuerySet.iterator`: a server-side cursor
on PostgreSQL) and written one by one with openpyxl's write-only mode into a temporary file, so
the worker holds one chunk of records, never the list: a million rows take as much memory as ten
thousand. Progress is written every `PROGRESS_EVERY` rows. The file is published only whole: it is
stored and the job marked done in one transaction; an error, a right lost meanwhile or a stopped
worker leaves no file, and the owner may start the export again."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import jobs as background
from gongzhi.core.scope import get_scope
from gongzhi.core.spreadsheets import write_table

from . import kinds
from .models import ExportJob, file_path
from .workflow import EXPORT_JOB_WORKFLOW, JobAction

logger = logging.getLogger(__name__)

CHUNK = 2000  # records read per round trip to the database
PROGRESS_EVERY = 2000  # rows written between two progress writes


class Refused(Exception):
    """The export cannot be written (the list is gone, or its owner may no longer read it)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Stopped(Exception):
    """The job was moved meanwhile (failed as interrupted while this worker still ran): stop writing."""


def transition(job: ExportJob, action: str, **fields) -> bool:
    """Take the step `action` of the export's table, compared and set (`core.jobs.transition`)."""
    return background.transition(job, EXPORT_JOB_WORKFLOW, action, **fields)


def fail(job: ExportJob, message: str) -> bool:
    """End the job as failed with `message` (in the owner's language); no file."""
    job.refresh_from_db(fields=["state"])
    return transition(job, JobAction.FAIL, error=message, finished_at=timezone.now())


def fail_stalled_jobs() -> int:
    """End the jobs an interrupted worker left running (their file was never published).
    Idempotent; run before each export and by the periodic command."""
    return background.end_stalled(ExportJob, _fail_interrupted)


def _fail_interrupted(job: ExportJob) -> bool:
    message = _("The export was interrupted (the background worker stopped); no file was made. Start it again.")
    return transition(job, JobAction.FAIL, error=message, finished_at=timezone.now())


def run_export_job(job_id: int) -> str:
    """Write one export's file. Idempotent: a job that is not queued (running elsewhere, done, or
    failed and not started again) is left alone; returns the job's state."""
    fail_stalled_jobs()
    job = ExportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None:
        return "missing"
    started = transition(
        job,
        JobAction.RUN,
        started_at=timezone.now(),
        finished_at=None,
        rows_written=0,
        rows_total=None,
        error="",
        attempts=job.attempts + 1,
    )
    if not started:
        return job.state
    with job.in_language():
        try:
            _write(job)
        except Refused as refused:
            fail(job, refused.message)
        except Stopped:
            job.refresh_from_db(fields=["state"])
        except Exception:  # noqa: BLE001 - whatever happens, the job must end and say so
            logger.exception("Export job %s failed", job.pk)
            fail(
                job,
                _(
                    "The export stopped because of an unexpected error; no file was made. Start it again, and if it "
                    "happens again tell the platform administrator."
                ),
            )
    return job.state


def _source(job: ExportJob) -> kinds.Source:
    kind = kinds.get(job.kind)
    if kind is None:
        raise Refused(_("This list can no longer be exported."))
    owner = job.owner
    if not owner.is_active or not get_scope(owner).has(kind.permission):
        raise Refused(_("You may no longer read this list; no file was made."))
    return kind.source(owner, job.params)


def _progress(job: ExportJob, **fields) -> None:
    """Write how far the job has got; stop when it is no longer running (failed as interrupted)."""
    if not ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.RUNNING).update(
        updated_at=timezone.now(), **fields
    ):
        raise Stopped
    for name, value in fields.items():
        setattr(job, name, value)


def _write(job: ExportJob) -> None:
    source = _source(job)
    _progress(job, rows_total=source.rows.count())
    written = 0

    def rows():
        nonlocal written
        for record in source.rows.iterator(chunk_size=CHUNK):
            yield source.row(record)
            written += 1
            if written % PROGRESS_EVERY == 0:
                _progress(job, rows_written=written)

    handle, temporary = tempfile.mkstemp(prefix="gongzhi-export-", suffix=".xlsx")
    os.close(handle)
    try:
        write_table(temporary, source.sheet, source.headers, rows())
        _publish(job, temporary, written)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


class _Written(File):
    """The temporary file, offered to the storage as one it may move into place instead of copying."""

    def temporary_file_path(self) -> str:
        return self.name


def _publish(job: ExportJob, temporary: str, rows: int) -> None:
    """Store the whole file and mark the job done, in one transaction: the owner sees the job
    done only with its file, and a file is kept only for a job marked done."""
    storage = ExportJob._meta.get_field("file").storage
    size = os.path.getsize(temporary)
    stored = None
    try:
        with transaction.atomic():
            with open(temporary, "rb") as content:
                stored = storage.save(file_path(job), _Written(content, name=temporary))
            finished = transition(
                job,
                JobAction.FINISH,
                file=stored,
                size=size,
                rows_written=rows,
                rows_total=rows,
                finished_at=timezone.now(),
            )
            if not finished:
                raise Stopped
    except BaseException:
        if stored:
            storage.delete(stored)
        raise
