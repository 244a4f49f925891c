"""Inspections (R-ORG-3): the office's checklists (versioned: a published version is frozen, an edit
makes the next version, an inspection keeps the version it used), the groups' visit plans, the
inspections carried out (results per item, one score: gongzhi.inspections.scoring), findings with
photos, and rectification orders to the responsible organisation with their re-check
(gongzhi.inspections.workflow).

Scope: every row stores its town and compound; an inspection group sees its coverage, the office its
town, the four parties their neighborhood or compounds; an organisation also sees the orders
addressed to it (a government unit has no places)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.scope import NOTHING, ScopedQuerySet, get_scope

from .workflow import OPEN_STATES, OrderState

# The organisation kinds an item may be routed to (the four parties and government units).
RESPONSIBLE_KINDS = [
    ("party_org", _("Party organisation")),
    ("residents_committee", _("Residents' committee")),
    ("owners_committee", _("Owners' committee")),
    ("property_company", _("Property company")),
    ("government_unit", _("Government unit")),
]


def _compound_q(area, compound_path: str = "compound") -> Q:
    return area.q(town="town", neighborhood=f"{compound_path}__neighborhood", compound=compound_path)


class InspectionSettings(VersionedModel):
    """The town's inspection settings (configuration, DOMAIN-RULES "Warning ladder")."""

    town = models.OneToOneField("places.Town", on_delete=models.PROTECT, related_name="inspection_settings")
    rectification_days = models.PositiveSmallIntegerField(_("rectification deadline (working days)"), default=10)
    visit_interval_weeks = models.PositiveSmallIntegerField(_("visit every compound at least every (weeks)"), default=4)

    class Meta:
        verbose_name = _("inspection settings")
        verbose_name_plural = _("inspection settings")

    def __str__(self) -> str:
        return f"{self.town_id}"

    @classmethod
    def for_town(cls, town_id: int) -> InspectionSettings:
        """The town's settings, or the defaults (unsaved) when the office has not set any."""
        return cls.objects.filter(town_id=town_id).first() or cls(town_id=town_id)


class ChecklistQuerySet(ScopedQuerySet):
    view_permission = "inspections.view"

    def area_q(self, area, scope):
        return Q(town_id__in=scope.town_ids) if scope.town_ids else NOTHING

    def published(self):
        return self.filter(state=Checklist.State.PUBLISHED)


class Checklist(PublicIdModel, VersionedModel):
    """One version of a checklist. The versions of one checklist share `series`; `number` counts
    them. A published version is frozen (its sections and items never change); editing a published
    checklist makes a draft of the next number. A newer published version supersedes the older."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=12, db_index=True)
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    all_compounds = models.BooleanField(_("applies to every compound of the town"), default=True)
    compounds = models.ManyToManyField("places.Compound", blank=True, related_name="+", verbose_name=_("compounds"))
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        ordering = ["town_id", "name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="checklist_series_number_unique"),
            models.UniqueConstraint(
                fields=["series"], condition=Q(state="draft"), name="checklist_one_draft_per_series"
            ),
            models.UniqueConstraint(
                fields=["series"], condition=Q(state="published"), name="checklist_one_published_per_series"
            ),
        ]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def frozen(self) -> bool:
        return self.state != self.State.DRAFT

    def applies_to(self, compound) -> bool:
        if compound.town_id != self.town_id:
            return False
        return self.all_compounds or self.compounds.filter(pk=compound.pk).exists()


class ChecklistSection(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("section"), max_length=100)

    class Meta:
        ordering = ["checklist_id", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(PublicIdModel):
    """An item: pass/fail, or a score from 0 to `max_points`; its weight counts in the inspection's
    score (gongzhi.inspections.scoring). `responsible_kind` (or the duty it checks) routes a failed
    item's rectification order to an organisation of that kind serving the compound."""

    class Kind(models.TextChoices):
        PASS_FAIL = "pass_fail", _("Pass or fail")
        SCORE = "score", _("Score")

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(ChecklistSection, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("item"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PASS_FAIL)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    max_points = models.PositiveSmallIntegerField(_("highest score"), default=5)
    photo_required = models.BooleanField(_("photo required"), default=False)
    responsible_kind = models.CharField(
        _("responsible organisation"), max_length=24, choices=RESPONSIBLE_KINDS, blank=True
    )
    duty = models.ForeignKey(
        "orgs.Duty", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("duty")
    )

    class Meta:
        ordering = ["checklist_id", "section__order", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="checklist_item_weight_positive"),
            models.CheckConstraint(
                condition=Q(kind="pass_fail") | Q(max_points__gte=1), name="checklist_item_score_has_points"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def points_range(self) -> range:
        return range(self.max_points + 1)

    @property
    def routed_kind(self) -> str:
        """The organisation kind a rectification of this item goes to: the duty's party, else the
        item's kind ("" when neither says)."""
        if self.duty_id:
            return self.duty.party
        return self.responsible_kind


class VisitQuerySet(ScopedQuerySet):
    view_permission = "inspections.view"

    def area_q(self, area, scope):
        return _compound_q(area)


class Visit(PublicIdModel, VersionedModel):
    """A planned visit of an inspection group to a compound of its coverage."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Inspected")
        CANCELLED = "cancelled", _("Cancelled")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        "orgs.Body", on_delete=models.PROTECT, related_name="inspection_visits", verbose_name=_("inspection group")
    )
    compound = models.ForeignKey(
        "places.Compound", on_delete=models.PROTECT, related_name="inspection_visits", verbose_name=_("compound")
    )
    date = models.DateField(_("date"))
    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, related_name="visits", verbose_name=_("checklist")
    )
    members = models.ManyToManyField("orgs.Person", blank=True, related_name="+", verbose_name=_("members"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "pk"]
        indexes = [
            models.Index(fields=["town", "date"], name="inspection_visit_town_date"),
            # the plan's list of every town, newest first (issue 15: no sort of the city's visits)
            models.Index(fields=["-date", "id"], name="inspection_visit_newest"),
        ]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.compound} {self.date}"


class InspectionQuerySet(ScopedQuerySet):
    view_permission = "inspections.view"

    def area_q(self, area, scope):
        return _compound_q(area)


class Inspection(PublicIdModel):
    """A visit carried out: one per visit, taken once (`submission_key`, made by the phone)."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="inspection")
    group = models.ForeignKey("orgs.Body", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey("places.Compound", on_delete=models.PROTECT, related_name="+")
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="inspections")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True, max_length=2000)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    submitted_at = models.DateTimeField(db_index=True)
    submission_key = models.CharField(max_length=64, unique=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return f"{self.compound} {self.submitted_at:%Y-%m-%d}"


class CaseConfirmation(models.Model):
    """A resident's case the group saw fixed on site during an inspection: the inspection's side of
    `gongzhi.cases.services.confirm_fixed_on_site` (a 处置有效率 input, docs/metrics.md)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="case_confirmations")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("case"))
    note = models.CharField(_("what was seen on site"), max_length=300)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["inspection_id", "confirmed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}"


class ItemResult(models.Model):
    class Outcome(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        SCORED = "scored", _("Scored")
        NOT_APPLICABLE = "na", _("Not applicable")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=6, choices=Outcome.choices)
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["inspection_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="item_result_once_per_inspection"),
            models.CheckConstraint(
                condition=Q(outcome="scored", points__isnull=False) | (~Q(outcome="scored") & Q(points__isnull=True)),
                name="item_result_points_only_when_scored",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.outcome}"


class FindingQuerySet(ScopedQuerySet):
    view_permission = "inspections.view"

    def area_q(self, area, scope):
        return _compound_q(area, "inspection__compound")


class Finding(PublicIdModel):
    """A problem found on an inspection, where in the compound, with photos."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("finding"), max_length=1000)
    location = models.CharField(_("where in the compound"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["inspection_id", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class RectificationOrderQuerySet(ScopedQuerySet):
    view_permission = "inspections.view"

    def area_q(self, area, scope):
        return _compound_q(area)

    def beyond_area_q(self, scope, permission):
        # An organisation sees (and answers) the orders addressed to it, wherever they are.
        if permission in ("inspections.view", "inspections.answer") and scope.organization_ids:
            return Q(responsible_id__in=scope.organization_ids)
        return None

    def for_user(self, user, permission=None):
        qs = super().for_user(user, permission)
        if permission == "inspections.answer":
            scope = get_scope(user)
            if not scope.is_platform_admin:
                qs = qs.filter(responsible_id__in=scope.organization_ids)
        return qs

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self):
        return self.open().filter(overdue=True)


class RectificationOrder(PublicIdModel, VersionedModel):
    """整改: a finding sent to the organisation responsible, due in working days (the town's
    setting); answered with evidence, closed by the group's re-check or sent back."""

    class Origin(models.TextChoices):
        INSPECTION = "inspection", _("Inspection finding")
        FORUM = "forum", _("Opinion heard at a forum")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(_("comes from"), max_length=10, choices=Origin.choices, default=Origin.INSPECTION)
    # An inspection's order has its finding; a forum's order (gongzhi.evaluations) has none and links
    # back to the opinion by `source_url`.
    finding = models.OneToOneField(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="rectification"
    )
    subject = models.TextField(_("to rectify"), max_length=2000)
    source_url = models.CharField(max_length=200, blank=True)
    group = models.ForeignKey("orgs.Body", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey("places.Compound", on_delete=models.PROTECT, related_name="+")
    responsible = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="rectification_orders",
        verbose_name=_("responsible organisation"),
    )
    state = models.CharField(_("state"), max_length=10, choices=OrderState.choices, default=OrderState.ISSUED)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due"))
    due_provisional = models.BooleanField(default=False)
    answer = models.TextField(_("answer"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(null=True, blank=True)
    recheck_note = models.TextField(_("re-check note"), blank=True, max_length=2000)
    sent_back = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    overdue = models.BooleanField(_("overdue"), default=False, db_index=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("case")
    )

    objects = RectificationOrderQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["town", "state"], name="rectification_town_state"),
            # the list of every town, by due date (issue 15: no sort of the city's orders)
            models.Index(fields=["due_on", "id"], name="rectification_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="inspection", finding__isnull=False) | Q(origin="forum", finding__isnull=True),
                name="rectification_finding_iff_inspection",
            )
        ]
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")

    def __str__(self) -> str:
        return f"{self.compound} {self.subject[:50]}"


def photo_path(photo: Photo, filename: str) -> str:
    return f"inspections/{photo.town_id}/{photo.uid}.{photo.extension}"


class Photo(PublicIdModel):
    """A photo of an item's result, of a finding, or evidence of an order's answer; re-encoded
    (gongzhi.core.uploads)."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    order = models.ForeignKey(
        RectificationOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    result = models.ForeignKey(ItemResult, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path, max_length=200)
    extension = models.CharField(max_length=5)
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__isnull=False, order__isnull=True, result__isnull=True)
                | Q(finding__isnull=True, order__isnull=False, result__isnull=True)
                | Q(finding__isnull=True, order__isnull=True, result__isnull=False),
                name="inspection_photo_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.uid
