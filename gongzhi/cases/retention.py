"""How long a public report's client address is kept (PIPL; gongzhi.core.retention).
`Case.submitted_from` is read by one thing only: the public form's limit of reports per address
and hour (gongzhi.cases.services.intake._check_rate_limits). After `RETENTION_SUBMITTED_FROM_DAYS`
it is set to NULL, by a bulk UPDATE: nothing else of the case changes (not `updated_at`, not
`version`), and the case's history gets no entry per case — one entry in the platform chain says
how many were cleared."""

from __future__ import annotations

from django.conf import settings

from gongzhi.core import retention

from .models import Case


def _clear(ids: list[int]) -> None:
    # QuerySet.update() does not call save(): `updated_at` (auto_now) and `version` stay as they are.
    Case.objects.filter(pk__in=ids).update(submitted_from=None)


def purge_submitted_from(*, dry_run: bool = False) -> int:
    """Clear the client address of the cases submitted before the period."""
    days = settings.RETENTION_SUBMITTED_FROM_DAYS
    before = retention.period_start(days)
    rows = Case.objects.filter(submitted_at__lt=before, submitted_from__isnull=False)
    return retention.apply("submitted_from", rows, _clear, before=before, days=days, dry_run=dry_run)
