"""A database's fingerprint: the figures a restored backup must show exactly as the database it was
taken from (`manage.py fingerprint`, compared by `deploy/restore_check.sh`).

Each app contributes its figures through `registry.fingerprint` (the cases their three rates, the
meetings their compliance table), computed by the one function that defines each number
(docs/metrics.md); the kernel adds the row count of every table of the platform and the head of
every audit chain. The result is a flat mapping `part/key → value`, written as JSON with sorted
keys, one figure a line: two fingerprints are compared with `diff`, and a difference names the
figure (a town, a month, a table).

The figures depend on the database and on the day (the last 12 months, this year): `today` is
given, so that a backup's fingerprint, taken with it, can be compared with its restored copy's
on any later day."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from django.apps import apps
from django.db import connection, transaction

from . import registry
from .audit import heads

FORMAT = 1
SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+-[0-9]+$")


def row_counts(today: date) -> dict[str, int]:
    """The number of rows of every table of the platform's apps ("app.model")."""
    out = {}
    for model in apps.get_models():
        meta = model._meta
        if not meta.app_config.name.startswith("gongzhi.") or meta.proxy or not meta.managed:
            continue
        out[meta.label_lower] = model._base_manager.count()
    return out


def audit_heads(today: date) -> dict[str, str]:
    """Each audit chain's length and last hash (what `verify_audit --heads` prints)."""
    return {head.chain: f"{head.seq} {head.hash}" for head in heads()}


def compute(today: date) -> dict[str, Any]:
    """Every registered part's figures, keyed `part/key`, and the day they were computed for."""
    out: dict[str, Any] = {"format": FORMAT, "today": today.isoformat()}
    for part in registry.fingerprints():
        for key, value in part.figures(today).items():
            out[f"{part.name}/{key}"] = value
    return out


def read(today: date, *, snapshot: str = "") -> dict[str, Any]:
    """`compute`, in one read-only transaction: on PostgreSQL a repeatable read, so that every
    figure is of the same instant; with `snapshot` (an id from `pg_export_snapshot()`) the instant
    of that snapshot — the one `pg_dump --snapshot` dumps."""
    if snapshot and not SNAPSHOT_ID.match(snapshot):
        raise ValueError(f"not a snapshot id: {snapshot!r}")
    postgres = connection.vendor == "postgresql"
    if snapshot and not postgres:
        raise ValueError("a snapshot needs PostgreSQL")
    outermost = not connection.in_atomic_block  # inside a transaction already (a test): its view
    if snapshot and not outermost:
        raise ValueError("a snapshot needs a transaction of its own")
    connection.ensure_connection()  # the session's own set-up queries run before the transaction
    with transaction.atomic():
        if postgres and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                if snapshot:
                    cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        return compute(today)


def dumps(figures: dict[str, Any]) -> str:
    """Deterministic JSON: sorted keys, one figure a line."""
    return json.dumps(figures, sort_keys=True, indent=0, ensure_ascii=False) + "\n"


def platform_reader():
    """Whom the apps' figures are read as: an unsaved user with the platform administrator's scope
    (every town), so that each figure is the one the administrator's pages show; nobody signs in."""
    from django.contrib.auth import get_user_model

    return get_user_model()(username="fingerprint", is_superuser=True, is_active=True)
