"""Old exports go with their files (retention.exports, a step of the periodic command): the day
after RETENTION_EXPORTS_DAYS have passed since the export was started, whatever its state."""

import pytest
from django.core.management import call_command

from gongzhi.core.models import AuditEntry
from gongzhi.exports import jobs
from gongzhi.exports.models import ExportJob
from gongzhi.exports.retention import purge_exports

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


def test_exports_are_deleted_with_their_files_after_the_period(
    world, start, submit, clock, settings, media, django_capture_on_commit_callbacks
):
    settings.RETENTION_EXPORTS_DAYS = 7
    submit()
    old = start("office", box="all")
    jobs.run_export_job(old.pk)
    failed = start("leader", box="all")
    ExportJob.objects.filter(pk=failed.pk).update(state="failed", error="x")
    old.refresh_from_db()
    path = media / old.file.name
    assert path.exists()

    clock.move_to("2026-12-04 23:59")  # the seventh day after the one they were started: kept
    newer = start("office", box="all")
    assert purge_exports(dry_run=True) == 0 and purge_exports() == 0
    clock.move_to("2026-12-05 00:01")  # 7 whole days have passed since the day they were started
    assert purge_exports(dry_run=True) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_exports() == 2
    assert list(ExportJob.objects.all()) == [newer]
    assert not path.exists()
    entry = AuditEntry.objects.get(action="retention.exports")
    assert entry.after["count"] == 2 and entry.after["retention_days"] == 7
    assert purge_exports() == 0  # nothing left to do


def test_a_rolled_back_purge_keeps_the_files(world, start, submit, clock, media, rolled_back):
    submit()
    job = start("office", box="all")
    jobs.run_export_job(job.pk)
    job.refresh_from_db()
    clock.shift(days=30)
    with rolled_back():
        assert purge_exports() == 1
    assert ExportJob.objects.filter(pk=job.pk).exists() and (media / job.file.name).exists()


def test_the_periodic_command_runs_the_purge_and_ends_interrupted_exports(world, start, clock, capsys):
    job = start("office", box="all")
    ExportJob.objects.filter(pk=job.pk).update(state="running")
    clock.shift(minutes=11)
    call_command("periodic")
    assert ExportJob.objects.get(pk=job.pk).state == "failed"
    clock.shift(days=30)
    call_command("periodic")
    assert not ExportJob.objects.exists()
