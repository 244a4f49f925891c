"""Evaluation reports (季度 / 年度评估报告, R-MECH-4) and the office's year-end report to the
leadership group (R-ORG-2): one row per town, kind, period and version.

- The figures are a snapshot assembled from the period's records (gongzhi.evaluation_reports.figures,
  each figure by the one function that defines it, with the link to its records), for the town and
  for each of its neighborhoods, stored as JSON with the moment it was taken.
- The narrative is a list of sections; every save of a section is kept (`SectionDraft`).
- Approval by the leadership group freezes the report: the snapshot and the text never change
  again, the PDF and the Word file are made from them once and kept. A correction is a new version
  (`previous` names the one it corrects, which stays as it was).
- Distribution: one `Delivery` per recipient organisation, read receipts on it.

Workflow fields change only through gongzhi.evaluation_reports.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.scope import NOTHING, get_scope

from .workflow import FROZEN, ReportState


class ReportKind(models.TextChoices):
    QUARTER = "quarter", _("Quarterly evaluation report")
    YEAR = "year", _("Annual evaluation report")
    YEAR_END = "year_end", _("Year-end report to the leadership group")


class ReportSettings(VersionedModel):
    """The town's distribution list. Until the office edits it, the list is the seed's default
    (七.4, `recipients.default_for`): `customised` says whether it has been edited."""

    town = models.OneToOneField("places.Town", on_delete=models.PROTECT, related_name="+")
    recipients = models.ManyToManyField("orgs.Organization", related_name="+", blank=True)
    customised = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.town_id}"


class ReportQuerySet(models.QuerySet):
    def for_user(self, user, permission: str | None = None):
        """The reports of the towns where the user holds `permission` (reports.view by default:
        the office, the leadership group, the inspection groups). A recipient reads what was
        delivered to its organisation through `Delivery.objects.for_user`."""
        scope = get_scope(user)
        permission = permission or "reports.view"
        if not scope.has(permission):
            return self.none()
        if scope.is_platform_admin:
            return self.all()
        area = scope.area(permission)
        towns = set(area.towns)
        if area.neighborhoods or area.compounds:
            from gongzhi.places.models import Compound, Neighborhood

            towns |= set(Neighborhood.objects.filter(pk__in=area.neighborhoods).values_list("town_id", flat=True))
            towns |= set(Compound.objects.filter(pk__in=area.compounds).values_list("town_id", flat=True))
        return self.filter(town_id__in=towns) if towns else self.none()


class Report(PublicIdModel, VersionedModel):
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    period = models.CharField(_("period"), max_length=6)  # "2026Q3" or "2026"
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections",
        verbose_name=_("corrects version"),
    )  # fmt: skip
    correction_reason = models.TextField(_("why a new version"), blank=True, max_length=2000)
    title = models.CharField(_("title"), max_length=100)
    state = models.CharField(
        _("state"), max_length=12, choices=ReportState.choices, default=ReportState.DRAFT, db_index=True
    )
    figures = models.JSONField(default=dict, blank=True)
    figures_at = models.DateTimeField(_("figures as of"), null=True, blank=True)
    # The assembly job: requested (queued or running), failed with a message, or done (figures_at).
    assembly_requested_at = models.DateTimeField(null=True, blank=True)
    assembly_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assembly_done = models.PositiveIntegerField(default=0)  # places assembled so far (the progress bar)
    assembly_total = models.PositiveIntegerField(default=0)
    assembly_error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_reason = models.TextField(_("why it was sent back"), blank=True, max_length=2000)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    distributed_at = models.DateTimeField(_("distributed at"), null=True, blank=True)
    distributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Made once from the frozen report by the files job; both or neither (files_at).
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    docx = models.FileField(upload_to="reports/%Y/", blank=True)
    files_at = models.DateTimeField(null=True, blank=True)
    files_error = models.TextField(blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "kind", "period", "number"],
                name="report_version_unique",
                violation_error_message=_("This version of the report exists already."),
            ),
            models.UniqueConstraint(
                fields=["town", "kind", "period"],
                condition=Q(state__in=["draft", "submitted"]),
                name="report_one_open_version",
                violation_error_message=_("A version of this report is being drafted already."),
            ),
        ]
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")

    def __str__(self) -> str:
        if self.number > 1:
            return _("%(title)s (version %(n)s)") % {"title": self.title, "n": self.number}
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evaluation_reports:report", args=[self.uid])

    @property
    def frozen(self) -> bool:
        return self.state in FROZEN

    @property
    def assembling(self) -> bool:
        return self.assembly_requested_at is not None and not self.assembly_error


class Section(PublicIdModel, VersionedModel):
    """One part of the narrative: the town's (a topic, with the figures it is written around) or a
    neighborhood's. `text` is the latest draft; every save is kept as a SectionDraft."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=40)  # a topic of figures.TOPICS, or "neighborhood"
    neighborhood = models.ForeignKey(
        "places.Neighborhood", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    heading = models.CharField(_("heading"), max_length=100)
    text = models.TextField(_("text"), blank=True, max_length=20000)

    class Meta:
        ordering = ["report_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key", "neighborhood"], name="report_section_unique"),
            models.UniqueConstraint(
                fields=["report", "key"], condition=Q(neighborhood__isnull=True), name="report_town_section_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.heading


class SectionDraft(models.Model):
    """A saved draft of a section: the text as saved, by whom, when."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="drafts")
    text = models.TextField(blank=True)
    saved_at = models.DateTimeField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-saved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.section_id} {self.saved_at:%Y-%m-%d %H:%M}"


class DeliveryQuerySet(models.QuerySet):
    def for_user(self, user):
        """What the user's organisations received (reports.receive), and for the office, the
        leadership group and the inspection groups every delivery of the reports they read."""
        scope = get_scope(user)
        if scope.is_platform_admin:
            return self.all()
        q = NOTHING
        if scope.has("reports.receive"):
            own = {g.organization_id for g in scope.grants if g.organization_id and "reports.receive" in g.permissions}
            if own:
                q = Q(organization_id__in=own)
        if scope.has("reports.view"):
            q |= Q(report__in=Report.objects.for_user(user))
        return self.filter(q) if q != NOTHING else self.none()


class Delivery(PublicIdModel):
    """The report as sent to one recipient organisation: in its members' inbox (and by SMS to its
    head), with the read receipt (签收) of the first member who confirms having read it.
    `neighborhood_ids` are the neighborhoods whose section the organisation receives in full
    (its own; all of them for a town-wide recipient, stored as an empty list with `whole_town`)."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="deliveries")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    whole_town = models.BooleanField(default=True)
    neighborhood_ids = models.JSONField(default=list, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"))
    notified = models.PositiveSmallIntegerField(_("members notified"), default=0)
    sms = models.PositiveSmallIntegerField(_("SMS sent"), default=0)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("read by"),
    )  # fmt: skip

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["report_id", "organization__kind", "organization__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "organization"], name="report_delivered_once_per_organization")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.organization_id}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation_reports:received", args=[self.uid])
