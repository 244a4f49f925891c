"""One periodic run at a time, however many schedulers start one (cron on two machines, a timer
and a hand): `held()` yields True to the run that got the lock and False to any other, which then
skips. PostgreSQL: a session-level advisory lock (pg_try_advisory_lock), released at the end and by
the server if the process dies. SQLite (one machine): an exclusive flock on a file beside the
database, released by the kernel if the process dies."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

# pg_try_advisory_lock's key: a fixed 64-bit number of our own ("gongzhi.periodic").
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"gongzhi.periodic").digest()[:8], "big", signed=True)


def lock_file() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name or name.startswith("file:memorydb"):
        # A database in memory is this process's alone, and so is its lock.
        digest = hashlib.sha256(f"{name}:{os.getpid()}".encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"gongzhi-periodic-{digest}.lock"
    return Path(f"{name}.periodic.lock")


@contextmanager
def held() -> Iterator[bool]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
            got = bool(cursor.fetchone()[0])
        try:
            yield got
        finally:
            if got:
                _unlock_postgresql()
        return
    path = lock_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _unlock_postgresql() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
    except Exception:  # noqa: BLE001 - a lost connection has released the lock with its session
        connection.close()
