"""Background work of the exports (django-tasks; `manage.py db_worker` runs it)."""

from django_tasks import task

from .jobs import run_export_job


@task()
def run_export(job_id: int) -> str:
    """Write one export's file. Idempotent: a job already running, done or failed is left alone
    (a failed one runs again once its owner starts it again)."""
    return run_export_job(job_id)
