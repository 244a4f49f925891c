"""Log lines that say which request they belong to: the request id (X-Request-ID, taken from the
proxy or made here by gongzhi.core.middleware.RequestIdMiddleware) is kept for the request's
thread, `RequestIdFilter` puts it on every record (`-` outside a request), and `JsonFormatter`
writes one JSON object per line when LOG_FORMAT=json (standard library only)."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.core.signals import request_finished
from django.dispatch import receiver

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# What is accepted from the proxy: letters, digits and -_.:/+= up to 128 characters (nginx's
# $request_id is 32 hex digits). Anything else is replaced, so a client cannot write into the logs.
VALID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted(value: str | None) -> str:
    """The request id to use for a request that came with `value` (maybe none)."""
    return value if value and VALID.fullmatch(value) else new_request_id()


def current_request_id() -> str:
    return _request_id.get()


def bind(request_id: str) -> None:
    """The id of the request this thread now serves, until the response is closed (Django's own
    lines about it, "Not Found: …" and "Internal Server Error: …", are written after the middleware
    has returned, so the id is cleared only when the request is finished)."""
    _request_id.set(request_id)


@receiver(request_finished, dispatch_uid="gongzhi.core.logs.clear")
def clear(**kwargs) -> None:
    _request_id.set("-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


# Attributes every LogRecord has; anything else on a record was passed with `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", _request_id.get()),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
