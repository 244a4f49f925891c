"""The evaluation reports' jobs: each takes the report's id (and, for the assembly, the request it
answers), does nothing when the report has moved on, and publishes all or nothing
(gongzhi.evaluation_reports.services.assemble / make_files)."""

from __future__ import annotations

from django_tasks import task


@task()
def assemble_report(report_id: int, token: str) -> str:
    from .services import assemble

    return assemble(report_id, token)


@task()
def make_report_files(report_id: int) -> str:
    from .services import make_files

    return make_files(report_id)
