"""How long a hotline call's details are kept (PIPL; gongzhi.core.retention). An intake's
`payload` is the report as the bridge sent it (the caller's name and mobile number, the
description); once processed, the case holds what the platform needs. The row itself stays: it
is the idempotency record of its (token, `Idempotency-Key`), and a repeat is compared by
`request_hash`, never by payload (gongzhi.api.services.accept_call), so a bridge repeating an old
call is still answered with its intake and case, and one reusing the key for another call still
refused. Its status, case, receipt and the hotline's reference stay too."""

from __future__ import annotations

from django.conf import settings

from gongzhi.core import retention

from .models import Intake

PROCESSED = (Intake.Status.CREATED, Intake.Status.FAILED)


def _clear(ids: list[int]) -> None:
    """Empty the payload; of the reasons an intake failed keep the fields only (the messages may
    one day quote what was sent): {"reporter_phone": ["…"]} becomes {"reporter_phone": []}."""
    Intake.objects.filter(pk__in=ids).update(payload={})
    by_fields: dict[tuple[str, ...], list[int]] = {}
    for pk, errors in Intake.objects.filter(pk__in=ids).exclude(errors={}).values_list("pk", "errors"):
        if isinstance(errors, dict) and any(errors.values()):
            by_fields.setdefault(tuple(errors), []).append(pk)
    for fields, pks in by_fields.items():
        Intake.objects.filter(pk__in=pks).update(errors=dict.fromkeys(fields, []))


def purge_intake_payloads(*, dry_run: bool = False) -> int:
    """Clear the details of the intakes processed (case created, or failed) before the period
    `RETENTION_INTAKE_PAYLOADS_DAYS`. A pending intake is never touched: the worker still needs
    its payload."""
    days = settings.RETENTION_INTAKE_PAYLOADS_DAYS
    before = retention.period_start(days)
    rows = Intake.objects.filter(status__in=PROCESSED, processed_at__lt=before).exclude(payload={})
    return retention.apply("intake_payloads", rows, _clear, before=before, days=days, dry_run=dry_run)
