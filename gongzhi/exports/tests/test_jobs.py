"""The export job: queued → running → done with its file (headings in Chinese, every row), its
progress written as it goes, the list read for its owner when it runs, a failure midway leaving no
file and a retry that works, a job never written twice, interrupted jobs, the one table of steps,
and a bounded number of queries whatever the number of rows."""

import os
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.cases import export as cases_export
from gongzhi.cases import services as case_services
from gongzhi.core.models import AuditEntry
from gongzhi.exports import jobs, services
from gongzhi.exports.models import ExportJob
from gongzhi.exports.workflow import EXPORT_JOB_WORKFLOW, JobAction
from gongzhi.orgs.models import Membership

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


def rows_in(job: ExportJob) -> list[list]:
    with job.file.open("rb") as handle:
        book = load_workbook(handle, read_only=True)
        return [list(row) for row in book.active.iter_rows(values_only=True)]


def files_under(path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()) if path.exists() else []


def test_an_export_is_queued_then_written_whole(world, start, submit, media, scratch):
    for i in range(5):
        submit(description=f"{i}号楼水管漏水")
    job = start("office", box="all", q="水管", page="3", unknown="x")
    assert job.state == ExportJob.State.QUEUED and job.rows_written == 0 and not job.file
    assert job.params == {"box": "all", "q": "水管"}  # the list's own keys only
    assert job.title == "Cases: All cases (filtered)" and job.file_name == "cases-all-20261127.xlsx"
    entry = AuditEntry.objects.get(action="exports.exportjob.start")
    assert entry.actor == world.users["office"] and entry.object_id == str(job.pk)

    assert jobs.run_export_job(job.pk) == ExportJob.State.DONE
    job.refresh_from_db()
    assert (job.rows_written, job.rows_total, job.attempts) == (5, 5, 1)
    assert job.percent == 100 and job.finished_at == timezone.now() and job.size > 0
    rows = rows_in(job)
    assert rows[0][:4] == ["编号", "提交时间", "渠道", "小区"] and len(rows[0]) == len(cases_export.HEADERS)
    assert len(rows) == 6 and {r[9] for r in rows[1:]} == {f"{i}号楼水管漏水" for i in range(5)}
    assert files_under(media) == [f"exports/{world.users['office'].pk}/{job.uid}.xlsx"]
    assert files_under(scratch) == []  # the temporary files are gone


def test_the_file_is_written_in_the_language_of_whoever_started_it(world, start, submit):
    submit()
    job = start("office", language="zh-hans", box="all")
    jobs.run_export_job(job.pk)
    job.refresh_from_db()
    assert "全部诉求" in job.title  # the box's name in Chinese
    header, row = rows_in(job)[:2]
    assert row[header.index("状态")] == "已提交" and row[header.index("渠道")] == "居民扫码反映"


def test_progress_is_written_as_the_rows_go(world, start, submit, monkeypatch):
    for i in range(5):
        submit(description=f"第{i}个问题")
    monkeypatch.setattr(jobs, "CHUNK", 2)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 2)
    job = start("office", box="all")
    seen = []
    real = jobs._progress

    def watched(job, **fields):
        real(job, **fields)
        stored = ExportJob.objects.get(pk=job.pk)
        seen.append((stored.state, stored.rows_written, stored.rows_total, stored.percent))

    monkeypatch.setattr(jobs, "_progress", watched)
    jobs.run_export_job(job.pk)
    assert seen == [("running", 0, 5, 0), ("running", 2, 5, 40), ("running", 4, 5, 80)]
    job.refresh_from_db()
    assert (job.state, job.rows_written, job.percent) == ("done", 5, 100)


def test_a_failure_midway_publishes_nothing_and_the_export_can_be_started_again(
    world, start, submit, monkeypatch, media, scratch, django_capture_on_commit_callbacks
):
    for i in range(6):
        submit(description=f"第{i}个问题")
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 2)
    real_row = cases_export.row_of
    written = []

    def breaks_after_three(case, *args):
        if len(written) == 3:
            raise RuntimeError("the disk is full")
        written.append(case.pk)
        return real_row(case, *args)

    monkeypatch.setattr(cases_export, "row_of", breaks_after_three)
    job = start("office", box="all")
    assert jobs.run_export_job(job.pk) == ExportJob.State.FAILED
    job.refresh_from_db()
    assert job.error.startswith("The export stopped because of an unexpected error; no file was made.")
    assert job.rows_written == 2 and not job.file and job.finished_at is not None
    assert files_under(media) == [] and files_under(scratch) == []

    monkeypatch.setattr(cases_export, "row_of", real_row)
    with django_capture_on_commit_callbacks(execute=True):  # the test backend runs the job at commit
        services.retry_export(actor=world.users["office"], job=job)
    job.refresh_from_db()
    assert (job.state, job.rows_written, job.attempts, job.error) == ("done", 6, 2, "")
    assert len(rows_in(job)) == 7
    assert AuditEntry.objects.filter(action="exports.exportjob.retry", object_id=str(job.pk)).count() == 1
    with pytest.raises(ValidationError):  # done is final
        services.retry_export(actor=world.users["office"], job=job)


def test_a_failure_while_storing_the_file_keeps_no_file(world, start, submit, monkeypatch, media):
    submit()
    job = start("office", box="all")
    real = jobs.transition

    def refuses_to_finish(job, action, **fields):
        if action == JobAction.FINISH:
            raise RuntimeError("the database went away")
        return real(job, action, **fields)

    monkeypatch.setattr(jobs, "transition", refuses_to_finish)
    assert jobs.run_export_job(job.pk) == ExportJob.State.FAILED
    assert files_under(media) == []


def test_a_job_is_written_once(world, start, submit, media):
    submit()
    job = start("office", box="all")
    assert jobs.run_export_job(job.pk) == "done"
    job.refresh_from_db()
    stored, mtime = job.file.name, os.path.getmtime(job.file.path)
    submit(description="后来的诉求")
    assert jobs.run_export_job(job.pk) == "done"  # the task delivered twice: nothing happens
    job.refresh_from_db()
    assert (job.file.name, job.attempts, job.rows_written) == (stored, 1, 1)
    assert os.path.getmtime(job.file.path) == mtime and len(files_under(media)) == 1
    assert jobs.run_export_job(987654) == "missing"

    running = start("office", box="all")
    ExportJob.objects.filter(pk=running.pk).update(state="running")  # another worker has it
    assert jobs.run_export_job(running.pk) == "running"
    assert ExportJob.objects.get(pk=running.pk).attempts == 0


def test_the_list_is_read_for_the_owner_when_the_job_runs(world, start, submit, categories):
    submit()  # 新城一村: not in the inspection group's area
    job = start("inspector", box="all")
    office = start("office", box="all")
    # Reported after the clicks, before the jobs run: in the files, as the list reads it then.
    submit(compound=world.c3, category=categories["GREENERY"], description="世博家园绿化带无人修剪")
    jobs.run_export_job(job.pk)
    jobs.run_export_job(office.pk)
    job.refresh_from_db()
    office.refresh_from_db()
    assert [row[9] for row in rows_in(job)[1:]] == ["世博家园绿化带无人修剪"]
    assert {row[9] for row in rows_in(office)[1:]} == {"3号楼水管漏水，楼道积水", "世博家园绿化带无人修剪"}


def test_an_owner_who_lost_the_right_gets_no_file(world, start, submit, media):
    submit()
    job = start("property_manager", box="all")
    Membership.objects.filter(person=world.people["property_manager"]).update(end=timezone.localdate() - timedelta(1))
    assert jobs.run_export_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.error == "You may no longer read this list; no file was made." and files_under(media) == []


def test_who_may_start_an_export(world, start):
    with pytest.raises(PermissionDenied):
        start("resident")
    with pytest.raises(PermissionDenied):
        services.start_export(actor=world.users["office"], kind="nosuchlist", params={})


def test_a_user_has_at_most_a_few_exports_waiting(world, start):
    for _ in range(services.MAX_UNFINISHED):
        start("office")
    with pytest.raises(ValidationError) as refused:
        start("office")
    assert "You already have 3 exports waiting or being written" in refused.value.messages[0]
    start("leader")  # another user's are not counted
    ExportJob.objects.filter(owner=world.users["office"]).update(state="done", file="exports/x.xlsx")
    start("office")


def test_an_interrupted_job_is_failed_and_can_be_started_again(world, start, clock):
    job = start("office", box="all")
    ExportJob.objects.filter(pk=job.pk).update(state="running", updated_at=timezone.now())
    clock.shift(minutes=9)
    assert jobs.fail_stalled_jobs() == 0
    clock.shift(minutes=2)
    assert ExportJob.objects.get(pk=job.pk).is_stalled
    assert jobs.fail_stalled_jobs() == 1 and jobs.fail_stalled_jobs() == 0
    job.refresh_from_db()
    assert job.state == "failed" and job.error.startswith("The export was interrupted")
    services.retry_export(actor=world.users["office"], job=job)
    assert ExportJob.objects.get(pk=job.pk).state == "queued"


def test_a_job_stops_when_it_was_failed_as_interrupted_meanwhile(world, start, submit, monkeypatch, media):
    for i in range(4):
        submit(description=f"第{i}个问题")
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 2)
    real_row = cases_export.row_of

    def sweep_runs_meanwhile(case, *args):
        ExportJob.objects.filter(state="running").update(state="failed", error="interrupted")
        return real_row(case, *args)

    monkeypatch.setattr(cases_export, "row_of", sweep_runs_meanwhile)
    job = start("office", box="all")
    assert jobs.run_export_job(job.pk) == "failed"
    assert ExportJob.objects.get(pk=job.pk).error == "interrupted" and files_under(media) == []


def _job(world, state):
    return ExportJob.objects.create(
        owner=world.users["office"],
        kind="cases",
        title="t",
        file_name="f.xlsx",
        state=state,
        file="exports/f.xlsx" if state == "done" else "",
    )


def test_the_state_moves_only_along_the_transition_table(world):
    for source in ExportJob.State:
        for action in JobAction:
            job = _job(world, source)
            moved = jobs.transition(job, action, file="exports/f.xlsx")
            expected = EXPORT_JOB_WORKFLOW.target(action, source)
            assert moved == (expected is not None), (source, action)
            job.refresh_from_db()
            assert job.state == (expected if moved else source)
    assert EXPORT_JOB_WORKFLOW.allowed_actions("done") == []
    assert EXPORT_JOB_WORKFLOW.allowed_actions("failed") == [JobAction.RETRY]


def test_a_transition_loses_to_a_concurrent_one(world):
    job = _job(world, "queued")
    ExportJob.objects.filter(pk=job.pk).update(state="running")  # another worker took it
    assert not jobs.transition(job, JobAction.RUN)


@pytest.mark.parametrize("persona", ["office", "rc_worker"])
def test_the_queries_do_not_grow_with_the_rows(world, start, submit, monkeypatch, persona):
    def queries(n):
        for i in range(n):
            case = submit(channel="phone", description=f"第{i}个问题", hide_identity=i % 2 == 0)
            if i % 3 == 0:
                case_services.set_co_handlers(
                    actor=None, case=case, organizations=[world.orgs["oc1"]], expected_version=case.version
                )
        job = start(persona, box="all")
        with CaptureQueriesContext(connection) as captured:
            jobs.run_export_job(job.pk)
        job.refresh_from_db()
        assert job.rows_written >= n
        return len(captured)

    assert queries(3) == queries(30)


def test_a_box_the_user_does_not_have_exports_all_their_cases(world, start, submit):
    submit()
    job = start("office", box="mine")  # the office is no organisation: it has no "mine" box
    assert (job.title, job.file_name) == ("Cases: All cases", "cases-all-20261127.xlsx")
    jobs.run_export_job(job.pk)
    job.refresh_from_db()
    assert len(rows_in(job)) == 2
