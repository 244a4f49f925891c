"""Upload → job → background import, through the pages: a good file is imported and its counts
shown; a bad one lists its problems (and offers them as .xlsx); a refused file creates no job;
the task is idempotent; the job's status moves only along its table."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.onboarding import jobs
from gongzhi.onboarding.models import ImportJob
from gongzhi.onboarding.tasks import run_import
from gongzhi.onboarding.workflow import IMPORT_JOB_WORKFLOW, JobAction
from gongzhi.places.models import Compound, Unit

from .conftest import xlsx_bytes, xlsx_file

pytestmark = pytest.mark.django_db

UNITS = ["小区编码", "楼栋号", "房号", "专有面积（㎡）"]
GOOD = {
    "小区": [["小区编码", "名称", "所属居民区编码"], ["hq1", "汇秋一村", "xc"]],
    "楼栋": [["小区编码", "楼栋号", "层数"], ["hq1", "1号楼", 6]],
    "房屋": [UNITS, ["hq1", "1号楼", "101", 88.5], ["hq1", "1号楼", "102", 90]],
}
BAD = {
    "小区": [["小区编码", "名称", "所属居民区编码"], ["hq1", "汇秋一村", "xc"]],
    "楼栋": [["小区编码", "楼栋号", "层数"], ["hq1", "1号楼", 6]],
    "房屋": [UNITS, ["hq1", "1号楼", "101", -3], ["nope", "1号楼", "102", 90]],
}


@pytest.fixture
def office(client_for):
    return client_for("office")


def upload(client, file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("onboarding:upload"), {"file": file})


def confirm(client, job, django_capture_on_commit_callbacks):
    """Confirm the job's preview (as the page's button does) and let the task import it."""
    job.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onboarding:confirm", args=[job.uid]), {"digest": job.plan_digest})
    job.refresh_from_db()
    return response


def test_a_good_file_is_imported_in_the_background_and_its_counts_shown(
    world, office, django_capture_on_commit_callbacks
):
    content = xlsx_bytes(GOOD)
    response = upload(office, SimpleUploadedFile("小区清单.xlsx", content), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.status, job.town, job.uploaded_by) == ("previewed", world.town, world.users["office"])
    confirm(office, job, django_capture_on_commit_callbacks)
    assert job.status == "done" and job.confirmed_by == world.users["office"]
    assert job.file_name == "小区清单.xlsx"
    assert (job.sha256, job.size) == (hashlib.sha256(content).hexdigest(), len(content))
    assert job.file.name.startswith(f"imports/{world.town.pk}/") and job.file.storage.exists(job.file.name)
    assert job.report["sheets"]["units"] == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0, "errors": 0}
    assert job.rows_done == job.rows_total == 4 and job.task_id
    assert Unit.objects.filter(compound__code="hq1").count() == 2
    summary = AuditEntry.objects.get(action="onboarding.importjob.import")
    assert summary.after["sheets"]["units"] == [2, 0, 0] and summary.actor == world.users["office"]

    page = office.get(job.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "hx-trigger" not in html and "房屋" in html
    assert page.context["counts"][2] == {
        "label": "房屋",
        "help": page.context["counts"][2]["help"],
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    listing = office.get(reverse("onboarding:upload"))
    assert "小区清单.xlsx" in listing.content.decode()


def test_uploading_the_same_file_twice_reports_unchanged(world, office, django_capture_on_commit_callbacks):
    upload(office, xlsx_file(GOOD), django_capture_on_commit_callbacks)
    confirm(office, ImportJob.objects.get(), django_capture_on_commit_callbacks)
    entries = AuditEntry.objects.count()
    upload(office, xlsx_file(GOOD), django_capture_on_commit_callbacks)
    second = ImportJob.objects.order_by("-pk").first()
    assert second.status == "nothing"  # nothing to confirm
    assert all(c["created"] == c["updated"] == 0 for c in second.report["sheets"].values())
    assert AuditEntry.objects.count() == entries
    assert not office.get(second.get_absolute_url()).context["report"].changed


def test_a_bad_file_lists_its_problems_and_imports_nothing(world, office, django_capture_on_commit_callbacks):
    compounds = Compound.objects.count()
    upload(office, xlsx_file(BAD), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == "invalid" and job.error_count == 2
    assert Compound.objects.count() == compounds
    page = office.get(job.get_absolute_url())
    rows = [(e.sheet, e.row, e.column) for e in page.context["errors"]]
    assert rows == [("房屋", 2, "专有面积（㎡）"), ("房屋", 3, "小区编码")]
    assert reverse("onboarding:job_errors", args=[job.uid]) in page.content.decode()

    export = office.get(reverse("onboarding:job_errors", args=[job.uid]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in export["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[:3] for r in rows[1:]] == [("房屋", 2, "专有面积（㎡）"), ("房屋", 3, "小区编码")]


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("random.xlsx", bytes(range(256)) * 8, "not an Excel workbook"),
        ("units.xlsx", "小区编码,楼栋号,房号\nxc1,1,101\n".encode(), "text file"),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(64), "picture"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), ".xls"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_at_upload(
    world, office, name, content, words, django_capture_on_commit_callbacks
):
    response = upload(office, SimpleUploadedFile(name, content), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_an_oversized_file_is_refused_at_upload(world, office, settings, django_capture_on_commit_callbacks):
    settings.ONBOARDING_MAX_UPLOAD_BYTES = 2000
    response = upload(office, xlsx_file(GOOD), django_capture_on_commit_callbacks)
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_the_template_downloads(world, office):
    response = office.get(reverse("onboarding:template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "说明"


@pytest.mark.parametrize(
    "persona",
    [
        "leader",
        "inspector",
        "party_secretary",
        "rc_worker",
        "oc_member",
        "property_manager",
        "gov_staff",
        "cross_appointed",
        "resident",
    ],
)
def test_the_upload_page_is_not_found_without_the_permission(world, client_for, persona):
    client = client_for(persona)
    assert client.get(reverse("onboarding:upload")).status_code == 404
    assert client.post(reverse("onboarding:upload"), {"file": xlsx_file(GOOD)}).status_code == 404
    assert client.get(reverse("onboarding:template")).status_code == 404


def test_a_job_of_another_town_is_not_found(world, office, client_for, django_capture_on_commit_callbacks):
    upload(office, xlsx_file(BAD), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    outsider = client_for("outsider")
    for name in ("onboarding:job", "onboarding:job_status", "onboarding:job_errors"):
        assert outsider.get(reverse(name, args=[job.uid])).status_code == 404
    assert job.uid not in outsider.get(reverse("onboarding:upload")).content.decode()


def test_a_waiting_job_polls_and_says_when_the_worker_is_not_running(world, office):
    # Without the on-commit callbacks nothing runs the job: as if no worker were running.
    office.post(reverse("onboarding:upload"), {"file": xlsx_file(GOOD)})
    job = ImportJob.objects.get()
    assert job.status == "pending"
    status_url = reverse("onboarding:job_status", args=[job.uid])
    html = office.get(job.get_absolute_url()).content.decode()
    assert f'hx-get="{status_url}"' in html and 'hx-trigger="every 1s"' in html
    assert "<script>" not in html.replace("<script src=", "")
    assert not office.get(status_url).context["waiting_for_worker"]
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=1))
    partial = office.get(status_url)
    text = partial.content.decode()
    assert partial.context["waiting_for_worker"] and "background worker is not running" in text
    assert "db_worker" not in text  # the administrator's command is in the docs, not on the page
    jobs.run_import_job(job.pk)
    assert "hx-trigger" not in office.get(status_url).content.decode()


def test_running_the_task_again_does_nothing(world, office, django_capture_on_commit_callbacks):
    upload(office, xlsx_file(GOOD), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert run_import.enqueue(job.pk).return_value == "previewed"
    confirm(office, job, django_capture_on_commit_callbacks)
    entries, finished = AuditEntry.objects.count(), job.finished_at
    result = run_import.enqueue(job.pk)
    assert result.return_value == "done"
    job.refresh_from_db()
    assert (job.status, job.finished_at) == ("done", finished)
    assert AuditEntry.objects.count() == entries
    assert jobs.run_import_job(0) == "missing"


def test_an_unexpected_error_fails_the_job_and_writes_nothing(
    world, office, monkeypatch, django_capture_on_commit_callbacks
):
    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "import_data", explode)
    upload(office, xlsx_file(GOOD), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    confirm(office, job, django_capture_on_commit_callbacks)
    assert job.status == "failed" and "unexpected error" in job.errors[0]["message"]
    assert not Compound.objects.filter(code="hq1").exists()
    assert "unexpected error" in office.get(job.get_absolute_url()).content.decode()


def test_a_job_whose_uploader_lost_the_permission_fails(world, office):
    office.post(reverse("onboarding:upload"), {"file": xlsx_file(GOOD)})
    job = ImportJob.objects.get()
    world.people["office"].memberships.update(end=timezone.localdate() - timedelta(days=1))
    jobs.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and not Compound.objects.filter(code="hq1").exists()


def _job(world, status):
    return ImportJob.objects.create(
        town=world.town,
        uploaded_by=world.users["office"],
        file_name="f.xlsx",
        file="imports/f.xlsx",
        sha256="0" * 64,
        status=status,
        language="en",
    )


def test_the_status_moves_only_along_the_transition_table(world):
    for source in ImportJob.Status:
        for action in JobAction:
            job = _job(world, source)
            moved = jobs.transition(job, action)
            expected = IMPORT_JOB_WORKFLOW.target(action, source)
            assert moved == (expected is not None), (source, action)
            job.refresh_from_db()
            assert job.status == (expected if moved else source)
    final = ("invalid", "failed", "nothing", "discarded", "undone")
    for finished in final:
        assert IMPORT_JOB_WORKFLOW.allowed_actions(finished) == []
    # Only the user's steps lead out of a job that waits for them.
    assert set(IMPORT_JOB_WORKFLOW.allowed_actions("previewed")) == {JobAction.CONFIRM, JobAction.DISCARD}
    assert IMPORT_JOB_WORKFLOW.allowed_actions("done") == [JobAction.UNDO]


def test_a_transition_loses_to_a_concurrent_one(world):
    job = _job(world, ImportJob.Status.PENDING)
    stale = ImportJob.objects.get(pk=job.pk)
    assert jobs.transition(job, JobAction.VALIDATE)
    assert not jobs.transition(stale, JobAction.VALIDATE)


def test_a_job_an_interrupted_worker_left_running_is_ended(world, office):
    job = _job(world, ImportJob.Status.APPLYING)
    fresh = _job(world, ImportJob.Status.VALIDATING)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    job.refresh_from_db()
    assert job.is_stalled and not fresh.is_stalled
    html = office.get(reverse("onboarding:job_status", args=[job.uid])).content.decode()
    assert "was probably stopped" in html and 'hx-trigger="every 10s"' in html
    assert jobs.fail_stalled_jobs() == 1 and jobs.fail_stalled_jobs() == 0
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == "failed" and "interrupted" in job.errors[0]["message"]
    assert fresh.status == "validating"
