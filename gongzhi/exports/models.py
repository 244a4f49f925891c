"""A list exported to Excel in the background (ExportJob): whose it is, which list with which
filters, how far the job has got, and the file once it is written. Only its owner sees it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.jobs import BackgroundJob


def file_path(job: ExportJob, filename: str = "") -> str:
    # The stored name is ours (the download is named by `file_name`): no odd characters on disk.
    return f"exports/{job.owner_id}/{job.uid}.xlsx"


class ExportJobQuerySet(models.QuerySet):
    def for_user(self, user) -> ExportJobQuerySet:
        """Everyone's own exports, and nobody else's (the platform administrator included): a file
        holds what its owner may read, which may be more or less than what another user may."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)

    def unfinished(self) -> ExportJobQuerySet:
        return self.filter(state__in=ExportJob.UNFINISHED)


class ExportJob(BackgroundJob):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    # The allowed steps between them: gongzhi.exports.workflow (DESIGN.md convention 3).
    UNFINISHED = (State.QUEUED, State.RUNNING)
    WAITING = (State.QUEUED,)
    # A running job whose progress has not moved for this long was interrupted (the worker stopped
    # or was restarted): progress is written every few thousand rows, a few times a second.
    STALLED_AFTER = {State.RUNNING: timedelta(minutes=10)}

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("exported by")
    )
    kind = models.CharField(_("list"), max_length=40)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    file_name = models.CharField(_("file name"), max_length=100)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in total"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=file_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("writing started at"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="exportjob_owner_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="done") | ~models.Q(file=""), name="exportjob_done_has_file"
            ),
        ]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exports:job", args=[self.uid])

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_written / self.rows_total))
