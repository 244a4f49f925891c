"""The quarterly inspection-evaluation (季度检查评议, R-MECH-4): one record per town and quarter,
one row per neighborhood under it (made when the quarter is opened, so that a neighborhood's page
has an address and a scope of its own), and its parts: each party's quarterly report, the forums
(座谈会) with their participants by the seed's five categories and the opinions heard there,
each tagged to the organisation it concerns. The third part, the quarter's satisfaction survey,
is contributed to the neighborhood's page by the surveys app (page section
"evaluations.neighborhood"). Workflow fields change only through gongzhi.evaluations.services."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.querysets import NeighborhoodScopedQuerySet
from gongzhi.core.scope import NOTHING, Area, ScopedQuerySet

from .workflow import EvaluationState


class EvaluationQuerySet(ScopedQuerySet):
    """A town's quarter: seen by whoever holds `evaluations.view` anywhere in the town (the office
    and leadership group, the inspection groups, the four parties of its neighborhoods)."""

    view_permission = "evaluations.view"

    def area_q(self, area: Area, scope) -> Q:
        from gongzhi.places.models import Compound, Neighborhood

        q = Q(town_id__in=area.towns) if area.towns else NOTHING
        if area.neighborhoods:
            q |= Q(town_id__in=Neighborhood.objects.filter(pk__in=area.neighborhoods).values("town_id"))
        if area.compounds:
            q |= Q(town_id__in=Compound.objects.filter(pk__in=area.compounds).values("town_id"))
        return q

    def open(self):
        return self.filter(state=EvaluationState.OPEN)


class QuarterlyEvaluation(PublicIdModel, VersionedModel):
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    reports_due = models.DateField(_("reports due on"))
    state = models.CharField(
        _("state"), max_length=8, choices=EvaluationState.choices, default=EvaluationState.OPEN, db_index=True
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "year", "quarter"],
                name="evaluation_one_per_town_quarter",
                violation_error_message=_("This quarter's inspection-evaluation has already been opened."),
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="evaluation_quarter_1_4"),
        ]
        verbose_name = _("quarterly inspection-evaluation")
        verbose_name_plural = _("quarterly inspection-evaluations")

    def __str__(self) -> str:
        return _("%(year)s Q%(quarter)s inspection-evaluation") % {"year": self.year, "quarter": self.quarter}

    def get_absolute_url(self) -> str:
        return reverse("evaluations:detail", args=[self.uid])

    @property
    def is_open(self) -> bool:
        return self.state == EvaluationState.OPEN


class NeighborhoodEvaluationQuerySet(NeighborhoodScopedQuerySet):
    view_permission = "evaluations.view"


class NeighborhoodEvaluation(PublicIdModel):
    """The quarter in one neighborhood: its parties' reports, its forums, its survey."""

    evaluation = models.ForeignKey(QuarterlyEvaluation, on_delete=models.PROTECT, related_name="neighborhoods")
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey(
        "places.Neighborhood", on_delete=models.PROTECT, related_name="+", verbose_name=_("neighborhood")
    )

    objects = NeighborhoodEvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["evaluation_id", "neighborhood__code"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "neighborhood"], name="evaluation_one_row_per_neighborhood")
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.neighborhood}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:neighborhood", args=[self.uid])


class PartyReport(PublicIdModel):
    """One party's quarterly report (听取“四方”负责人汇报): written, uploaded, or both. Submitted once
    and final; a party serving several neighborhoods (a property company) reports once a quarter."""

    evaluation = models.ForeignKey(QuarterlyEvaluation, on_delete=models.PROTECT, related_name="reports")
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    text = models.TextField(_("report"), blank=True, max_length=20000)
    file = models.FileField(upload_to="evaluations/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["evaluation_id", "submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "organization"],
                name="evaluation_one_report_per_party",
                violation_error_message=_("This organisation has already submitted its report for the quarter."),
            )
        ]
        verbose_name = _("party's quarterly report")
        verbose_name_plural = _("parties' quarterly reports")

    def __str__(self) -> str:
        return f"{self.organization} · {self.evaluation}"

    @property
    def late(self) -> bool:
        from django.utils import timezone

        return timezone.localtime(self.submitted_at).date() > self.evaluation.reports_due


class ReportReminder(models.Model):
    """A reminder sent to a party about its report, one per organisation and day: what makes the
    reminder sweep idempotent."""

    evaluation = models.ForeignKey(QuarterlyEvaluation, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    overdue = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "organization", "sent_on"], name="evaluation_one_reminder_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.sent_on}"


class ForumQuerySet(NeighborhoodScopedQuerySet):
    view_permission = "evaluations.view"


class Forum(PublicIdModel, VersionedModel):
    """A forum (座谈会) held for the quarter in one neighborhood."""

    part = models.ForeignKey(NeighborhoodEvaluation, on_delete=models.PROTECT, related_name="forums")
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey("places.Neighborhood", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ForumQuerySet.as_manager()

    class Meta:
        ordering = ["part_id", "held_on", "pk"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")

    def __str__(self) -> str:
        return _("Forum of %(day)s") % {"day": self.held_on.isoformat()}

    def get_absolute_url(self) -> str:
        return reverse("evaluations:forum", args=[self.uid])


class ParticipantCategory(models.TextChoices):
    """The seed's five (七.4): 居委干部、业主代表、物业服务公司代表、房屋开发商代表、居民代表大会的代表."""

    RC_CADRE = "rc_cadre", _("Residents' committee cadre")
    OWNER_REP = "owner_rep", _("Owner representative")
    PROPERTY_REP = "property_rep", _("Property company representative")
    DEVELOPER_REP = "developer_rep", _("Developer representative")
    CONGRESS_DELEGATE = "congress_delegate", _("Residents' congress delegate")


class ForumParticipant(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=50)
    category = models.CharField(_("category"), max_length=20, choices=ParticipantCategory.choices)
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["forum_id", "category", "pk"]

    def __str__(self) -> str:
        return self.name


class ForumOpinion(PublicIdModel, VersionedModel):
    """An opinion heard at a forum, tagged to the organisation it concerns. One that asks for action
    is "to follow up": it becomes a rectification order of the inspections app for the compound it is
    about (`rectification`), answered and re-checked there — this app keeps no second workflow."""

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="opinions")
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("opinion"), max_length=2000)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("concerns")
    )
    asks_for_action = models.BooleanField(_("asks for action"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Followed up like a finding (`services.follow_up_opinion`): the order for the compound it is about.
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("compound")
    )
    rectification = models.OneToOneField(
        "inspections.RectificationOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion",
        verbose_name=_("rectification order"),
    )

    class Meta:
        ordering = ["forum_id", "pk"]
        verbose_name = _("forum opinion")
        verbose_name_plural = _("forum opinions")

    def __str__(self) -> str:
        return self.text[:30]
