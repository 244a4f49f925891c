"""An uploaded spreadsheet and what became of it (ImportJob), and what a confirmed import wrote
(ImportedRecord, so that it can be undone). The background task reads and checks the file and
makes the preview; once the user confirms it, the task imports the file; the job page follows its
progress."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.jobs import BackgroundJob
from gongzhi.core.scope import NOTHING, ScopedQuerySet


def upload_path(job: ImportJob, filename: str) -> str:
    # The stored name is ours (the user's file name is kept in `file_name`): no odd characters on disk.
    return f"imports/{job.town_id}/{job.uid}.xlsx"


class ImportJobQuerySet(ScopedQuerySet):
    view_permission = "onboarding.import"

    def area_q(self, area, scope):
        return Q(town_id__in=area.towns) if area.towns else NOTHING


class ImportJob(BackgroundJob):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        VALIDATING = "validating", _("Checking")
        PREVIEWED = "previewed", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed, waiting to import")
        APPLYING = "applying", _("Importing")
        DONE = "done", _("Imported")
        NOTHING = "nothing", _("Nothing to import")
        STALE = "stale", _("Not imported: records changed since the preview")
        DISCARDED = "discarded", _("Discarded")
        UNDONE = "undone", _("Undone")
        INVALID = "invalid", _("Not imported: problems found")
        FAILED = "failed", _("Failed")

    STATE_FIELD = "status"  # the field gongzhi.core.jobs reads and steps
    # The allowed steps between them: gongzhi.onboarding.workflow (DESIGN.md convention 3).
    # The worker is at work (or about to be): the page follows it.
    UNFINISHED = (Status.PENDING, Status.VALIDATING, Status.CONFIRMED, Status.APPLYING)
    WAITING = (Status.PENDING, Status.CONFIRMED)
    # A running job that has not moved for this long was interrupted (the worker stopped or was
    # restarted): its transaction was rolled back, nothing was imported. Reading writes progress
    # every half second; the import itself is one transaction of a few seconds to a few minutes.
    STALLED_AFTER = {Status.VALIDATING: timedelta(minutes=10), Status.APPLYING: timedelta(minutes=30)}

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in total"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    plan_digest = models.CharField(
        _("digest of the previewed import"),
        max_length=64,
        blank=True,
        help_text=_("What the confirmed import must still write: otherwise it is refused."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["town", "-created_at"], name="importjob_town_created_idx")]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("onboarding:job", args=[self.uid])

    @property
    def percent(self) -> int:
        if self.status not in self.UNFINISHED:
            return 100
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def error_count(self) -> int:
        return sum(1 for p in self.errors if p.get("level", "error") == "error")


class ImportedRecord(models.Model):
    """One record a confirmed import created or updated: what undoing the import deletes or puts
    back. `after` holds the fields the import sets as it left them and `version` the record's
    version then: a record changed since (by a person or a later import) is not undone."""

    class Change(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="records")
    model = models.CharField(max_length=64)  # app_label.model_name
    object_id = models.PositiveBigIntegerField()
    change = models.CharField(max_length=8, choices=Change.choices)
    before = models.JSONField(null=True, blank=True)  # updated: the changed fields' previous values
    after = models.JSONField(default=dict)
    version = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "model", "object_id"], name="importedrecord_job_object_unique")
        ]
        indexes = [models.Index(fields=["model", "object_id"], name="importedrecord_object_idx")]
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id} ({self.change})"
