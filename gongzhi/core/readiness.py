"""What /readyz checks before a load balancer sends a process work: the database answers, the
cache keeps what it is given, and the job queue answers (RQ: Redis answers and the queue's length
can be read; the database queue: its table answers). Each check returns None when the part is
fine, or a short reason. `queue_depth()` (jobs waiting) is also a gauge of /metrics."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import connection
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends


def _backend():
    return task_backends[DEFAULT_TASK_BACKEND_ALIAS]


def backend_kind() -> str:
    """ "rq", "database" or "other" (the tests' immediate backend)."""
    backend = _backend()
    path = f"{type(backend).__module__}.{type(backend).__name__}"
    if path.startswith("django_tasks_rq."):
        return "rq"
    if path.startswith("django_tasks_db."):
        return "database"
    return "other"


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is a failed check
        return exc.__class__.__name__
    return None


def check_cache() -> str | None:
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", 10)
        answer = cache.get(key)
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001
        return exc.__class__.__name__
    return None if answer == "ok" else "the cache did not keep a value"


def queue_depth() -> dict[str, int]:
    """Jobs waiting per queue (not running, not scheduled for later); raises when the queue does not answer."""
    kind = backend_kind()
    if kind == "rq":
        import django_rq

        django_rq.get_connection("default").ping()
        return {name: len(django_rq.get_queue(name)) for name in sorted(_backend().queues)}
    if kind == "database":
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.ready().values("queue_name").annotate(n=Count("id"))
        depths = dict.fromkeys(sorted(_backend().queues), 0)
        depths.update({row["queue_name"]: row["n"] for row in waiting})
        return depths
    return {}


def check_queue() -> tuple[str | None, dict[str, int]]:
    try:
        return None, queue_depth()
    except Exception as exc:  # noqa: BLE001
        return exc.__class__.__name__, {}


def report() -> tuple[bool, dict]:
    """(ready, the body of /readyz)."""
    database = check_database()
    cached = check_cache()
    queued, depth = check_queue()
    body = {
        "database": database or "ok",
        "cache": cached or "ok",
        "queue": queued or "ok",
        "queue_backend": backend_kind(),
        "queue_depth": depth,
    }
    ready = not (database or cached or queued)
    return ready, {"status": "ok" if ready else "error", **body}
