"""Import jobs: an office uploads a spreadsheet (create_import_job); the background task runs it
(jobs.run_import_job): pending → validating → applying → done, or invalid (problems found, nothing
written), or failed (an unexpected error, nothing written). Running a job again does nothing."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import translation

from gongzhi.places.models import Town

from .importer import ensure_can_import
from .models import ImportJob
from .problems import WorkbookRefused
from .tasks import run_import
from .workbook import check_file


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
    result = run_import.enqueue(job_id)
    ImportJob.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


__all__ = ["WorkbookRefused", "create_import_job", "enqueue_import"]
