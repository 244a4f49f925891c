"""How long exported files are kept (PIPL; gongzhi.core.retention): an export holds a list as its
owner could read it — residents' names and masked numbers among it — and is meant to be
downloaded, not kept on the platform. `RETENTION_EXPORTS_DAYS` after the day it was started, the
job goes with its file; the audit log keeps that it was started, by whom, with which filters."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from gongzhi.core import retention

from .models import ExportJob


def _delete_jobs(ids: list[int]) -> None:
    """Delete the jobs and, once that is committed, their files (a rolled-back purge keeps both)."""
    names = [name for name in ExportJob.objects.filter(pk__in=ids).values_list("file", flat=True) if name]
    ExportJob.objects.filter(pk__in=ids).delete()
    storage = ExportJob._meta.get_field("file").storage

    def remove_files():
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)


def purge_exports(*, dry_run: bool = False) -> int:
    """Delete the exports started before the period `RETENTION_EXPORTS_DAYS`, whatever their state,
    with their files."""
    days = settings.RETENTION_EXPORTS_DAYS
    before = retention.period_start(days)
    rows = ExportJob.objects.filter(created_at__lt=before)
    return retention.apply("exports", rows, _delete_jobs, before=before, days=days, dry_run=dry_run)
