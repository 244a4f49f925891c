"""The compound manager's annual report to the joint meeting (年度述职) and the attendees'
ratings of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.models import Case
from gongzhi.core.models import PublicIdModel
from gongzhi.core.scope import NOTHING
from gongzhi.orgs.models import Organization

from .meetings import Invitee, MeetingsQuerySet


class AnnualReportQuerySet(MeetingsQuerySet):
    def area_q(self, area, scope):
        q = area.q(town="town", neighborhood="compound__neighborhood", compound="compound")
        if scope.organization_ids:
            q = (Q() if q == NOTHING else q) | Q(company_id__in=scope.organization_ids)
        return q


class AnnualReport(PublicIdModel):
    """The compound manager's yearly report to the joint meeting (年度述职, R-MTG-5): one per
    service contract and year; attendees rate it."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey("orgs.ServiceContract", on_delete=models.PROTECT, related_name="annual_reports")
    compound = models.ForeignKey("places.Compound", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    service = models.TextField(_("service"), blank=True, max_length=10000)
    management = models.TextField(_("management"), blank=True, max_length=10000)
    rectification = models.TextField(_("rectification"), blank=True, max_length=10000)
    other = models.TextField(_("other work"), blank=True, max_length=10000)
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


class AnnualReportRating(models.Model):
    """An attendee's rating of an annual report."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="ratings")
    invitee = models.ForeignKey(Invitee, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("rating"), max_length=12, choices=Case.Rating.choices)  # the usual 3-level scale
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "invitee"],
                name="annualreport_rated_once",
                violation_error_message=_("This attendee has already rated the report."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitee} · {self.get_rating_display()}"
