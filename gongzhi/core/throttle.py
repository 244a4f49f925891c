"""Counting attempts per key in fixed windows, in the cache (CACHE_URL; with several application
processes use a shared cache such as Redis, or each process counts on its own)."""

from __future__ import annotations

import time

from django.core.cache import cache


def window_key(kind: str, who: str, window: int) -> str:
    return f"throttle:{kind}:{who}:{int(time.time()) // window}"


def hit(kind: str, who: str, window: int) -> int:
    """Count one attempt of `who` at `kind` in the current window; the count so far."""
    key = window_key(kind, who, window)
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def count(kind: str, who: str, window: int) -> int:
    return cache.get(window_key(kind, who, window)) or 0
