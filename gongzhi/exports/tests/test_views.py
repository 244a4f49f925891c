"""The export pages with the test client: the case list's button starts a job and leads to its
page, which polls its status until the file is ready and then offers it; "My exports"; a failed
export started again; and nobody but the owner sees a job or its file."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from openpyxl import load_workbook

from gongzhi.exports import jobs
from gongzhi.exports.models import ExportJob

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_button_starts_a_job_whose_page_follows_it_until_the_file_is_ready(world, client_for, submit, clock):
    for i in range(3):
        submit(channel="phone", description=f"{i}号楼水管漏水")
    submit(channel="phone", description="夜间广场舞噪音扰民")
    office = client_for("office")
    started = office.post("/exports/start/cases/?box=all&q=水管&page=2")
    job = ExportJob.objects.get()
    assert started.status_code == 302 and started["Location"] == f"/exports/{job.uid}/"
    assert job.params == {"box": "all", "q": "水管"} and job.owner == world.users["office"]

    page = html(office.get(started["Location"]))
    assert 'data-state="queued"' in page and f'hx-get="/exports/{job.uid}/status/"' in page
    assert 'role="progressbar"' in page and 'aria-valuenow="0"' in page
    assert "Queued: writing starts in a moment." in page and "Cases: All cases (filtered)" in page
    clock.shift(seconds=6)
    assert "Waiting for the background worker" in html(office.get(f"/exports/{job.uid}/status/"))

    ExportJob.objects.filter(pk=job.pk).update(state="running", rows_total=3, rows_written=2)
    status = office.get(f"/exports/{job.uid}/status/")
    assert "no-store" in status["Cache-Control"]
    part = html(status)
    assert part.startswith('<section id="export-status" data-state="running"') and "hx-get" in part
    assert 'aria-valuenow="67"' in part and "67 %: 2 of 3 rows written." in part

    ExportJob.objects.filter(pk=job.pk).update(state="queued", rows_total=None, rows_written=0)
    jobs.run_export_job(job.pk)
    part = html(office.get(f"/exports/{job.uid}/status/"))
    assert 'data-state="done"' in part and "hx-get" not in part  # polling stops
    assert "The file is ready: 3 rows." in part and f'href="/exports/{job.uid}/download/"' in part

    download = office.get(f"/exports/{job.uid}/download/")
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="cases-all-20261127.xlsx"' in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 4 and sheet["A1"].value == "编号"


def test_my_exports_lists_my_own_jobs_only(world, client_for, submit):
    submit()
    client_for("office").post("/exports/start/cases/?box=all")
    client_for("leader").post("/exports/start/cases/?box=overdue")
    mine = ExportJob.objects.get(owner=world.users["office"])
    jobs.run_export_job(mine.pk)
    page = html(client_for("office").get("/exports/"))
    assert page.count("data-export=") == 1 and mine.get_absolute_url() in page
    assert f"/exports/{mine.uid}/download/" in page and "cases-all-20261127.xlsx" in page
    assert "No exports." in html(client_for("rc_worker").get("/exports/"))
    assert 'data-testid="menu-my-exports"' in page
    assert 'data-testid="menu-my-exports"' not in html(client_for("resident").get("/accounts/home/"))


def test_nobody_but_the_owner_sees_a_job_or_its_file(world, client_for, submit):
    submit()
    client_for("office").post("/exports/start/cases/?box=all")
    job = ExportJob.objects.get()
    jobs.run_export_job(job.pk)
    for persona in ("outsider", "leader", "admin", "resident"):
        other = client_for(persona)
        for url in (f"/exports/{job.uid}/", f"/exports/{job.uid}/status/", f"/exports/{job.uid}/download/"):
            assert other.get(url).status_code == 404, (persona, url)
        assert other.post(f"/exports/{job.uid}/retry/").status_code == 404
    anonymous = Client().get(f"/exports/{job.uid}/download/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for("office").get(f"/exports/{job.uid}/download/").status_code == 200


def test_starting_needs_a_post_and_the_right_to_read_the_list(world, client_for):
    assert client_for("office").get("/exports/start/cases/").status_code == 405
    assert client_for("resident").post("/exports/start/cases/").status_code == 404
    assert client_for("office").post("/exports/start/nosuchlist/").status_code == 404
    assert not ExportJob.objects.exists()


def test_a_busy_user_is_told_to_wait(world, client_for):
    office = client_for("office")
    for _ in range(3):
        office.post("/exports/start/cases/")
    refused = office.post("/exports/start/cases/", follow=True)
    assert refused.redirect_chain[-1][0] == "/exports/"
    assert "You already have 3 exports waiting or being written." in html(refused)
    assert ExportJob.objects.count() == 3


def test_a_failed_export_says_why_and_starts_again(world, client_for, submit, django_capture_on_commit_callbacks):
    submit()
    office = client_for("office")
    office.post("/exports/start/cases/?box=all")
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(state="failed", error="The disk was full.")
    page = html(office.get(job.get_absolute_url()))
    assert "The disk was full." in page and f'action="/exports/{job.uid}/retry/"' in page
    assert office.get(f"/exports/{job.uid}/download/").status_code == 404  # no file
    with django_capture_on_commit_callbacks(execute=True):
        again = office.post(f"/exports/{job.uid}/retry/")
    assert again.status_code == 302 and again["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.state == "done" and job.error == "" and job.attempts == 1
    refused = office.post(f"/exports/{job.uid}/retry/", follow=True)
    assert "Only an export that failed can be started again." in html(refused)


def test_a_stalled_export_offers_to_start_again(world, client_for, clock):
    office = client_for("office")
    office.post("/exports/start/cases/")
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(state="running", rows_total=10)
    clock.shift(minutes=11)
    ExportJob.objects.filter(pk=job.pk).update(updated_at=job.updated_at)  # nothing moved since
    part = html(office.get(f"/exports/{job.uid}/status/"))
    assert "has not moved for a long time" in part and 'hx-trigger="every 10s"' in part
    office.post(f"/exports/{job.uid}/retry/")
    assert ExportJob.objects.get(pk=job.pk).state == "queued"
    assert {"running": timedelta(minutes=10)} == ExportJob.STALLED_AFTER
