"""Assessments (考核): schemes as versioned data, cycles that apply them, one assessment per
subject, one score per indicator, one objection per assessment.

A scheme (考评办法) says what is assessed (`subject_kind`) and how often (`period_kind`), its
indicators with their points (the weights: they must add up to the scheme's `total_weight`), each
scored by hand, by a formula over a platform figure (gongzhi.assessments.sources) or by deductions
per event, and its grade bands with their consequences (the fee percentage for property service).
A scheme is edited while a draft; once in use it never changes (a new version is a copy).

A cycle applies one scheme version to one period of one town. Figures are stored on the scores
when they are pulled (with the records behind them), points when they are given; a published
cycle is frozen (gongzhi.assessments.services refuses every write, and the results are read from
the stored rows).

Scope (`AssessmentQuerySet.for_user`): the office and the leadership group read their town, an
inspection group the assessments of the places it covers; each of the four parties reads its own
organisation's assessments only (not its neighbours')."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import ObjectionFields, PublicIdModel, VersionedModel
from gongzhi.core.roles import Role
from gongzhi.core.scope import NOTHING, Area, get_scope

from .workflow import CycleState, SchemeState

# The states in which the assessed organisation sees its assessment (its draft, then its result).
SHOWN_STATES = ("objections", "decided", "approved", "published")
PARTY_ROLES = frozenset({Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE, Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY})


class SubjectKind(models.TextChoices):
    PROPERTY_SERVICE = "property_service", _("Property service (per contract)")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    COMPOUND = "compound", _("Compound")
    PARTY_ORG = "party_org", _("Party organisation")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    HALF_YEAR = "half_year", _("Half-year")
    YEAR = "year", _("Year")


class RuleKind(models.TextChoices):
    MANUAL = "manual", _("Scored by the assessors")
    FORMULA = "formula", _("Formula over a platform figure")
    DEDUCTIONS = "deductions", _("Deductions per event")


class Scheme(PublicIdModel, VersionedModel):
    """One version of a town's scheme for one kind of subject."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(_("what is assessed"), max_length=24, choices=SubjectKind.choices)
    period_kind = models.CharField(_("how often"), max_length=10, choices=PeriodKind.choices)
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    total_weight = models.PositiveSmallIntegerField(_("the indicators' points add up to"), default=100)
    state = models.CharField(_("state"), max_length=10, choices=SchemeState.choices, default=SchemeState.DRAFT)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["subject_kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["town", "subject_kind", "number"], name="assessment_scheme_version_once"),
            models.UniqueConstraint(
                fields=["town", "subject_kind"],
                condition=Q(state="in_use"),
                name="assessment_scheme_one_in_use",
            ),
        ]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def editable(self) -> bool:
        return self.state == SchemeState.DRAFT


class Indicator(models.Model):
    """One indicator of a scheme: its section, its text, its points (the weight) and its rule.

    formula: the figure of `source` mapped to points, linearly from 0 at `low` to all points at
    `high` (`low` > `high` for a figure where less is better); deductions: all points less
    `per_event` for each event the source counts, at most `cap` taken off."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(default=0)
    section = models.CharField(_("section"), max_length=40)
    text = models.CharField(_("indicator"), max_length=200)
    max_points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    rule = models.CharField(_("scored by"), max_length=10, choices=RuleKind.choices)
    source = models.CharField(_("figure"), max_length=40, blank=True)
    low = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    per_event = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    cap = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["scheme", "position", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.text


class Band(models.Model):
    """A grade band: from `from_score` up (to the next band), with its consequences."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(_("grade"), max_length=20)
    from_score = models.DecimalField(_("from score"), max_digits=5, decimal_places=1)
    fee_percent = models.PositiveSmallIntegerField(_("fee paid (%)"), null=True, blank=True)
    fails = models.BooleanField(_("a fail"), default=False)

    class Meta:
        ordering = ["scheme", "-from_score"]
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")

    def __str__(self) -> str:
        return self.label


# --- Scope ---------------------------------------------------------------------------------------


def _reach(user, permission: str) -> tuple[Area, frozenset[int], bool]:
    """(area of the bodies' grants, the parties' own organisations, granted at all)."""
    scope = get_scope(user)
    if not scope.has(permission):
        return Area(), frozenset(), False
    if scope.is_platform_admin:
        return Area(everything=True), frozenset(), True
    area, own = Area(), set()
    for grant in scope.grants:
        if permission not in grant.permissions:
            continue
        if grant.role in PARTY_ROLES:
            if grant.organization_id:
                own.add(grant.organization_id)
        else:
            area = area | grant.area
    return area, frozenset(own), True


class CycleQuerySet(models.QuerySet):
    def for_user(self, user, permission: str | None = None):
        """Cycles of the towns the office, the leadership group or an inspection group works in,
        and those with an assessment of one's own organisation."""
        permission = permission or "assessments.view"
        area, own, granted = _reach(user, permission)
        if not granted:
            return self.none()
        if area.everything:
            return self.all()
        q = NOTHING
        if area.towns:
            q = Q(town_id__in=area.towns)
        places = Assessment.objects.filter(area.q(town=None, neighborhood="neighborhood", compound="compound")).values(
            "cycle_id"
        )
        if area.neighborhoods or area.compounds:
            q = Q(pk__in=places) if q == NOTHING else q | Q(pk__in=places)
        if own:
            mine = Q(
                pk__in=Assessment.objects.filter(organization_id__in=own, cycle__state__in=SHOWN_STATES).values(
                    "cycle_id"
                )
            )
            q = mine if q == NOTHING else q | mine
        return self.filter(q)


class Cycle(PublicIdModel, VersionedModel):
    """One period's application of one scheme version in one town."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="cycles")
    subject_kind = models.CharField(max_length=24, choices=SubjectKind.choices)
    period = models.CharField(_("period"), max_length=8)  # 2026Q3, 2026H1, 2026
    start = models.DateField()
    end = models.DateField()
    state = models.CharField(_("state"), max_length=12, choices=CycleState.choices, default=CycleState.OPEN)
    objection_until = models.DateField(_("objections until"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    figures_pulled_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "subject_kind"]
        constraints = [
            models.UniqueConstraint(fields=["town", "subject_kind", "period"], name="assessment_cycle_once_per_period")
        ]
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()} {self.period}"

    @property
    def annual(self) -> bool:
        return self.scheme.period_kind == PeriodKind.YEAR

    @property
    def frozen(self) -> bool:
        return self.state == CycleState.PUBLISHED


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user, permission: str | None = None):
        """view/score: the bodies' area (town, covered neighborhoods and compounds) and one's own
        organisation's (view); object: one's own organisation's; manage and approve: the town."""
        permission = permission or "assessments.view"
        area, own, granted = _reach(user, permission)
        if not granted:
            return self.none()
        if area.everything:
            return self.all()
        if permission in ("assessments.manage", "assessments.approve"):
            return self.filter(cycle__town_id__in=area.towns) if area.towns else self.none()
        mine = Q(organization_id__in=own, cycle__state__in=SHOWN_STATES)
        if permission == "assessments.object":
            return self.filter(mine) if own else self.none()
        q = area.q(town="cycle__town", neighborhood="neighborhood", compound="compound") if not area.empty else NOTHING
        if own and permission == "assessments.view":
            q = mine if q == NOTHING else q | mine
        return self.filter(q)


class Assessment(PublicIdModel, VersionedModel):
    """One subject's assessment in a cycle: an organisation (with the contract for property
    service), or a compound. The result fields are kept current while the cycle runs and frozen at
    publication."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contract = models.ForeignKey(
        "orgs.ServiceContract", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey("places.Compound", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey("places.Neighborhood", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    band = models.CharField(_("grade"), max_length=20, blank=True)
    fee_percent = models.PositiveSmallIntegerField(_("fee paid (%)"), null=True, blank=True)
    fails = models.BooleanField(default=False)
    failed_twice = models.BooleanField(_("failed two periods in a row"), default=False)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "contract"], condition=Q(contract__isnull=False), name="assessment_once_per_contract"
            ),
            models.UniqueConstraint(
                fields=["cycle", "organization"],
                condition=Q(contract__isnull=True, organization__isnull=False),
                name="assessment_once_per_organization",
            ),
            models.UniqueConstraint(
                fields=["cycle", "compound"],
                condition=Q(organization__isnull=True),
                name="assessment_once_per_compound",
            ),
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return self.subject_name

    @property
    def subject_name(self) -> str:
        if self.contract_id:
            return f"{self.organization.name} · {self.compound.name}"
        if self.organization_id:
            return self.organization.name
        return self.compound.name if self.compound_id else ""

    @property
    def subject_key(self) -> tuple:
        return (self.organization_id, self.contract_id, self.compound_id)


class Score(VersionedModel):
    """One indicator's score in one assessment: the figure as pulled (with the records behind it)
    and the points. Manual points carry the assessor's reason."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    count = models.IntegerField(null=True, blank=True)
    denominator = models.IntegerField(null=True, blank=True)
    figure_text = models.CharField(max_length=300, blank=True)
    link = models.CharField(max_length=300, blank=True)
    records = models.JSONField(default=list, blank=True)  # [[label, url], …] behind the figure
    pulled_at = models.DateTimeField(null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "indicator__position", "indicator_id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="assessment_score_once")]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.indicator_id}"

    @property
    def by_hand(self) -> bool:
        """Points given by an assessor: a manual indicator, or a figure with nothing to measure."""
        return self.indicator.rule == RuleKind.MANUAL or self.value is None


class Objection(ObjectionFields):
    """The assessed organisation's one objection to its draft (`assessment` is unique)."""

    class Decision(models.TextChoices):
        UPHELD = "upheld", _("Draft upheld")
        CHANGED = "changed", _("Score changed")

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="objection")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.assessment_id}"


def evidence_path(evidence: Evidence, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"assessments/{evidence.objection.assessment.cycle.town_id}/{evidence.uid}.{extension}"


class Evidence(PublicIdModel):
    """A file supporting an objection (checked by gongzhi.core.uploads.clean_files)."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


ZERO = Decimal("0")
