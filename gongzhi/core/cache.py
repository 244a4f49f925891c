"""The cache on Redis (CACHE_URL=redis://…): Django's own backend, where a Redis that does not
answer (down, restarting, unreachable within the socket timeout) is a miss and not an error.
Nothing the platform keeps in the cache is needed for a page to be right: the per-address limits
(gongzhi.core.throttle) count nothing while Redis is away, and sessions stored with
`cached_db` are read from the database. Each failure is logged (a warning, at most one a minute
per process) and /readyz reports the cache as failed."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("gongzhi.cache")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_last_warning = 0.0


def _warn(operation: str, exc: Exception) -> None:
    global _last_warning  # noqa: PLW0603 - one warning a minute per process, not one per request
    now = time.monotonic()
    if now - _last_warning >= 60:
        _last_warning = now
        logger.warning("cache unavailable (%s: %s): counted as a miss", operation, exc.__class__.__name__)


def _tolerant(name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(TolerantRedisCache, self), name)(*args, **kwargs)
        except UNAVAILABLE as exc:
            _warn(name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


def _default(key, default=None, *args, **kwargs):
    return default


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found.")  # what Django's incr says of a missing key


class TolerantRedisCache(RedisCache):
    get = _tolerant("get", _default)
    set = _tolerant("set", None)
    add = _tolerant("add", False)
    touch = _tolerant("touch", False)
    delete = _tolerant("delete", False)
    get_many = _tolerant("get_many", lambda *a, **k: {})
    set_many = _tolerant("set_many", lambda data, *a, **k: list(data))
    delete_many = _tolerant("delete_many", None)
    has_key = _tolerant("has_key", False)
    incr = _tolerant("incr", _missing_key)
    clear = _tolerant("clear", False)
