"""A small per-process memo with a time limit, for data read on every request that changes
rarely (the working-day calendar, a town's case settings). A change made in this process clears
it at once (`forget`); other processes see it within `ttl` seconds. Say so wherever it is used."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

# A town's compounds and categories by code (the API checks calls against them): forgotten by the
# services that change them.
TOWN_CODES = "town-codes"

_lock = threading.Lock()
_store: dict[tuple[str, Hashable], tuple[float, Any]] = {}


def remembered(namespace: str, key: Hashable, ttl: float, compute: Callable[[], Any]) -> Any:
    now = time.monotonic()
    with _lock:
        hit = _store.get((namespace, key))
        if hit is not None and hit[0] > now:
            return hit[1]
    value = compute()
    with _lock:
        _store[(namespace, key)] = (now + ttl, value)
        if len(_store) > 10_000:  # a bound; entries are small and short-lived
            for stale in [k for k, (expiry, _v) in _store.items() if expiry <= now]:
                del _store[stale]
    return value


def forget(namespace: str) -> None:
    with _lock:
        for key in [k for k in _store if k[0] == namespace]:
            del _store[key]


def forget_soon(namespace: str) -> None:
    """Forget now (the current transaction reads its own change) and again after commit (a
    request in between may have remembered the old values)."""
    from django.db import transaction

    forget(namespace)
    transaction.on_commit(lambda: forget(namespace))
