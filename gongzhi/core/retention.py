"""Keeping personal data only as long as needed (PIPL): the steps every retention purge shares.

Each app owns its purge — what of its data is personal, for how long it is kept, what stays —
and registers it with `registry.purge` (a step of `manage.py periodic`; `manage.py purge_expired
--dry-run` counts what is due). The periods are settings (`RETENTION_*_DAYS`). Here:

- `period_start(days)`: periods count in whole days, Shanghai time. A row is due once `days` full
  days have passed since the day it was made: at the first run after that midnight. So a row is
  always kept at least `days` × 24 hours, and a purge finds something at most once a day although
  the periodic command runs every five minutes (one history entry per kind and day, not 288).
- `apply(...)`: the one way a purge changes rows — by ids, `BATCH_SIZE` at a time, at most
  `MAX_BATCHES` per run, in one transaction with one audit entry in the platform chain (actor: the
  system) that states the count, the day before which rows were due and the period. A backlog
  (the first run on a city's years of data) is worked off over the next runs, each transaction
  bounded; a second run finds nothing and changes nothing.

The audit entry's object is the content type of the model purged: the record that rows of that
kind were removed (the history shows it as, e.g., "Accounts | phone code"); the rows themselves are
gone or no longer hold what was personal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from . import audit

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000  # ids per statement
MAX_BATCHES = 20  # per run and transaction: at most 100,000 rows; the rest at the next run


def per_run() -> int:
    """The most rows one run changes."""
    return BATCH_SIZE * MAX_BATCHES


def period_start(days: int) -> datetime:
    """Midnight (local time) `days` days before today: what is dated before it is past a period of
    `days` days. With 0, today's midnight."""
    first_kept: date = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(first_kept, time.min))


def delete_rows(model: type[models.Model]) -> Callable[[list[int]], None]:
    """The change that deletes a batch of rows of `model` (by id)."""

    def change(ids: list[int]) -> None:
        model._base_manager.filter(pk__in=ids).delete()

    return change


def apply(
    kind: str,
    rows: models.QuerySet,
    change: Callable[[list[int]], None],
    *,
    before: datetime,
    days: int | None = None,
    dry_run: bool = False,
) -> int:
    """Apply `change` to the rows of `rows` (the rows still due, dated before `before`), in
    batches of ids; return how many it changed (with `dry_run`, how many are due, changing
    nothing). `rows` must no longer match a row once it is changed (a cleared field is excluded),
    so that the run ends and a second run finds nothing. One audit entry `retention.<kind>` when
    anything changed, in the same transaction."""
    if dry_run:
        return rows.count()
    done = 0
    with transaction.atomic():
        for _batch in range(MAX_BATCHES):
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
            if not ids:
                break
            change(ids)
            done += len(ids)
            if len(ids) < BATCH_SIZE:
                break
        if done:
            after = {"count": done, "dated_before": timezone.localtime(before).date()}
            if days is not None:
                after["retention_days"] = days
            audit.record(None, f"retention.{kind}", ContentType.objects.get_for_model(rows.model), after=after)
    if done:
        logger.info("retention %s: %s row(s) dated before %s", kind, done, timezone.localtime(before).date())
    return done
