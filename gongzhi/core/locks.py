"""Serialising a check and the insert that follows it ("at most N codes an hour", "at most N open
claims"): two concurrent requests must not both count N-1 and both insert. On PostgreSQL a
transaction-scoped advisory lock per key does it; SQLite (development, one process) serialises
writing transactions by itself."""

from __future__ import annotations

import hashlib

from django.db import connection


def serialize(*keys: str) -> None:
    """Hold a lock on each key until the current transaction ends (call inside `atomic`)."""
    if connection.vendor != "postgresql":
        return
    ids = sorted(
        {int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True) for key in keys}
    )
    with connection.cursor() as cursor:
        for lock_id in ids:  # always in the same order: no deadlock between two such transactions
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
