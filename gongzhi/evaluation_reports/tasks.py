"""The evaluation reports' jobs: each takes the report's id (and, for the assembly, the request it
answers), does nothing when the report has moved on, and publishes all or nothing
(gongzhi.evaluation_reports.services.assemble / make_files). A job that fails is tried again by
itself, a minute later where the backend can wait, up to ATTEMPTS times; then the report says so
and the office asks again."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task

ATTEMPTS = 3


def again(job, *args, attempt: int) -> bool:
    """Enqueue `job` once more (attempt + 1) unless it has had its ATTEMPTS; whether it was."""
    if attempt >= ATTEMPTS:
        return False
    if default_task_backend.supports_defer:
        job = job.using(run_after=timezone.now() + timedelta(minutes=1))
    job.enqueue(*args, attempt=attempt + 1)
    return True


@task()
def assemble_report(report_id: int, token: str, attempt: int = 1) -> str:
    from .services import assemble

    return assemble(report_id, token, attempt=attempt)


@task()
def make_report_files(report_id: int, attempt: int = 1) -> str:
    from .services import make_files

    return make_files(report_id, attempt=attempt)
