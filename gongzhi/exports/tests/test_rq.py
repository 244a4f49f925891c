"""An export on the job queue of production (Redis, django-tasks-rq; a private redis-server): the
job takes the export's id, a worker writes the file, and a second delivery of the same job changes
nothing."""

import pytest

from gongzhi.exports.models import ExportJob
from gongzhi.exports.tasks import run_export

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


def test_an_export_is_written_by_an_rq_worker(world, start, submit, rq_worker, django_capture_on_commit_callbacks):
    for i in range(3):
        submit(description=f"{i}号楼水管漏水")
    with django_capture_on_commit_callbacks(execute=True):
        job = start("office", box="all")
    job.refresh_from_db()
    assert job.state == ExportJob.State.QUEUED and job.task_id  # the RQ job's id
    assert rq_worker() == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.rows_written == 3 and job.file

    run_export.enqueue(job.pk)  # delivered again (a retry after a lost acknowledgement)
    assert rq_worker() == 1
    again = ExportJob.objects.get(pk=job.pk)
    assert (again.state, again.attempts, again.file.name) == (ExportJob.State.DONE, job.attempts, job.file.name)
