"""Pluggable SMS backends, chosen by the SMS_BACKEND setting.

- ConsoleBackend (development): writes the message to the log, which `make run` shows.
- MemoryBackend (tests): keeps messages in `outbox`.
- HttpBackend (production): posts JSON {"phone", "message"} to SMS_HTTP_URL with a bearer token —
  the shape of most SMS gateways' HTTP bridges; put an adapter for your provider behind that URL.
  A notification's SMS also carries an `Idempotency-Key` header, the same on every attempt: a
  bridge that sends a key once turns a retried job into one message (docs/deployment.md, "Faults").
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("gongzhi.sms")


class SmsError(Exception):
    pass


@dataclass(frozen=True)
class Sms:
    phone: str
    message: str
    key: str = ""  # the same on every attempt to send this message (the gateway's Idempotency-Key)


class BaseBackend:
    def send(self, sms: Sms) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, sms: Sms) -> None:
        logger.warning("SMS to %s: %s", sms.phone, sms.message)


class MemoryBackend(BaseBackend):
    outbox: list[Sms] = []

    def send(self, sms: Sms) -> None:
        MemoryBackend.outbox.append(sms)


class HttpBackend(BaseBackend):
    def send(self, sms: Sms) -> None:
        if not settings.SMS_HTTP_URL.startswith(("https://", "http://")):
            raise SmsError("SMS_HTTP_URL must be an http(s) URL")
        body = json.dumps({"phone": sms.phone, "message": sms.message}, ensure_ascii=False).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}",
        }
        if sms.key:
            headers["Idempotency-Key"] = sms.key
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            settings.SMS_HTTP_URL,
            data=body,
            method="POST",
            headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:  # noqa: S310
                if response.status >= 300:
                    raise SmsError(f"SMS gateway answered {response.status}")
        except OSError as exc:
            raise SmsError(str(exc)) from exc


def get_backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, message: str, key: str = "") -> None:
    get_backend().send(Sms(phone, message, key))
