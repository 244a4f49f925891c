"""A spreadsheet import on the job queue of production (Redis, django-tasks-rq; a private
redis-server): the preview and the import are each a job taking the import's id, run by a worker."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.onboarding.models import ImportJob
from gongzhi.onboarding.tasks import run_import
from gongzhi.places.models import Unit

from .conftest import xlsx_bytes
from .test_jobs import GOOD

pytestmark = pytest.mark.django_db


def test_an_import_is_previewed_and_imported_by_an_rq_worker(
    world, client_for, rq_worker, django_capture_on_commit_callbacks
):
    office = client_for("office")
    with django_capture_on_commit_callbacks(execute=True):
        office.post(reverse("onboarding:upload"), {"file": SimpleUploadedFile("units.xlsx", xlsx_bytes(GOOD))})
    job = ImportJob.objects.get()
    assert job.status != "previewed"  # waiting for a worker
    assert rq_worker() == 1
    job.refresh_from_db()
    assert job.status == "previewed"
    with django_capture_on_commit_callbacks(execute=True):
        office.post(reverse("onboarding:confirm", args=[job.uid]), {"digest": job.plan_digest})
    assert rq_worker() == 1
    job.refresh_from_db()
    assert job.status == "done" and Unit.objects.filter(compound__code="hq1").count() == 2

    run_import.enqueue(job.pk)  # delivered again: an import already done is left alone
    assert rq_worker() == 1
    assert Unit.objects.filter(compound__code="hq1").count() == 2
