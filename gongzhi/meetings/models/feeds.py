"""The private calendar feed of the meetings a person is invited to."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models


def hash_feed_token(token: str) -> str:
    """SHA-256 (hex) of a calendar address's token: what is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class CalendarFeed(models.Model):
    """A person's private iCalendar feed of the meetings they are invited to: the address holds
    an unguessable token (43 characters, 256 bits), of which only the SHA-256 is stored, so the
    address is shown once, when it is made; renewing it stops the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user)
