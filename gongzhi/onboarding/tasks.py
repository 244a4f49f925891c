"""Background work of the import (django-tasks; `manage.py db_worker` runs it)."""

from django_tasks import task

from .jobs import run_import_job


@task()
def run_import(job_id: int) -> str:
    """Read, check and import one uploaded spreadsheet. Idempotent: a job already started or
    finished is left alone."""
    return run_import_job(job_id)
