"""The compound manager's annual report to the joint meeting (年度述职), its attachments, and the
attendees' ratings of it. The report's workflow (draft → submitted → rated) is the table
REPORT_WORKFLOW below; gongzhi.meetings.services.annual_reports is its only writer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.cases.models import Case
from gongzhi.core.models import PublicIdModel
from gongzhi.core.scope import NOTHING
from gongzhi.core.workflow import Workflow
from gongzhi.orgs.models import Membership, Organization

from ..workflow import MeetingState
from .meetings import Invitee, MeetingsQuerySet


class ReportState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("annual report", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("annual report", "Submitted")
    RATED = "rated", pgettext_lazy("annual report", "Rated")


class ReportAction(models.TextChoices):
    SAVE = "save", _("Save the draft")
    ATTACH = "attach", _("Attach or remove files")
    DELEGATE = "delegate", _("Name a deputy to report")
    SUBMIT = "submit", _("Submit the report")
    RATE = "rate", _("Record a rating")


RS, RA = ReportState, ReportAction
# Submitted is final: the meeting rates what was submitted (docs/decisions.md, decision on 年度述职).
REPORT_WORKFLOW = Workflow(
    {
        # None: the state stays as it is (an action allowed in those states).
        RA.SAVE: ((RS.DRAFT,), None),
        RA.ATTACH: ((RS.DRAFT,), None),
        RA.DELEGATE: ((RS.DRAFT,), None),
        RA.SUBMIT: ((RS.DRAFT,), RS.SUBMITTED),
        RA.RATE: ((RS.SUBMITTED, RS.RATED), RS.RATED),
    },
    "meetings.annualreport",
)


class AnnualReportQuerySet(MeetingsQuerySet):
    def area_q(self, area, scope):
        q = area.q(town="town", neighborhood="compound__neighborhood", compound="compound")
        if scope.organization_ids:
            q = (Q() if q == NOTHING else q) | Q(company_id__in=scope.organization_ids)
        return q

    def due(self):
        """Drafts on the agenda of a meeting still to come: to be submitted before it."""
        return self.filter(state=ReportState.DRAFT, agenda_items__meeting__state__in=MeetingState.PLANNED).distinct()

    def awaiting(self, user):
        """The reports `user` is to write or to see written: as the contract's compound manager,
        as the named deputy, as the company's head — and, where the contract names no manager
        and nobody is named, as any member of the company (someone must be told)."""
        memberships = Membership.objects.filter(person__user=user, organization__isnull=False).active()
        heads = memberships.filter(position=Membership.Position.HEAD).values("organization_id")
        return self.filter(company_id__in=memberships.values("organization_id")).filter(
            Q(contract__manager__user=user)
            | Q(deputy__user=user)
            | Q(company_id__in=heads)
            | Q(contract__manager__isnull=True, deputy__isnull=True)
        )

    def with_rating_counts(self):
        """Each report with its ratings counted by level (`rated_satisfied`, `rated_basic`,
        `rated_unsatisfied`), for gongzhi.meetings.report_ratings."""
        levels = {"rated_satisfied": "satisfied", "rated_basic": "basic", "rated_unsatisfied": "unsatisfied"}
        return self.annotate(
            **{
                name: models.Count("ratings", filter=Q(ratings__rating=value), distinct=True)
                for name, value in levels.items()
            }
        )


class AnnualReport(PublicIdModel):
    """The compound manager's yearly report to the joint meeting (年度述职, R-MTG-5): one per
    service contract and year. The contract's compound manager writes it (a deputy when the
    manager or the company's head names one), keeps it as a draft until it is submitted, and
    the meeting's attendees rate it."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey("orgs.ServiceContract", on_delete=models.PROTECT, related_name="annual_reports")
    compound = models.ForeignKey("places.Compound", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT, db_index=True
    )
    service = models.TextField(_("service"), blank=True, max_length=10000)
    management = models.TextField(_("management"), blank=True, max_length=10000)
    rectification = models.TextField(_("rectification"), blank=True, max_length=10000)
    other = models.TextField(_("other work"), blank=True, max_length=10000)
    # The deputy who reports instead of the compound manager, and who named them, when.
    deputy = models.ForeignKey(
        "orgs.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("annual report", "deputy"),
    )
    delegated_by = models.ForeignKey(
        "orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("named by")
    )
    delegated_at = models.DateTimeField(null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(null=True, blank=True)
    # Who reported: the compound manager, or the deputy (then delegated_by says who named them).
    reporter = models.ForeignKey(
        "orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("reporter")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "compound_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year"],
                name="annualreport_once_per_contract_year",
                violation_error_message=_("This contract already has its report for that year."),
            )
        ]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    def __str__(self) -> str:
        return f"{self.compound} · {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:annual_report", args=[self.uid])

    @property
    def by_deputy(self) -> bool:
        """Reported (or to be reported) by a deputy rather than the compound manager."""
        return self.deputy_id is not None and (self.reporter_id is None or self.reporter_id == self.deputy_id)


class AnnualReportFile(PublicIdModel):
    """A file attached to an annual report (same checks and limits as every upload)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="annual_reports/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["report_id", "added_at", "id"]

    def __str__(self) -> str:
        return self.name


class AnnualReportRating(models.Model):
    """An attendee's rating of an annual report."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="ratings")
    invitee = models.ForeignKey(Invitee, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("rating"), max_length=12, choices=Case.Rating.choices)  # the usual 3-level scale
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["report_id", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "invitee"],
                name="annualreport_rated_once",
                violation_error_message=_("This attendee has already rated the report."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitee} · {self.get_rating_display()}"
