"""The minutes of a meeting (会议纪要), version by version."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PublicIdModel

from .meetings import Meeting


class Minutes(PublicIdModel):
    """One version of a meeting's minutes. The chair edits the draft and approves it; approval
    locks it (its SHA-256 goes into the audit log). A later change is a new version, which must be
    approved in turn; earlier versions stay readable."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("minutes"), max_length=100000)
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["meeting_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_unique"),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(approved_at__isnull=True), name="minutes_one_draft"
            ),
        ]
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.meeting} · v{self.number}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()
