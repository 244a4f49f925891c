"""Residents' cases (居民诉求, R-MTG-3): what residents report, who handles it, by when, how it
ended and what the resident thought of it; the town's settings for them; household visits
(R-DUTY-2); counters behind the three rates (R-MECH-1); hotspot proposals for the joint meeting."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.ids import ALPHABET
from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.scope import NOTHING, ScopedQuerySet
from gongzhi.orgs.models import Organization

from .workflow import OPEN_STATES, State

TRACKING_TOKEN_LENGTH = 26  # characters of core.ids.ALPHABET (31 letters and digits): 31**26 ≈ 2**128.8


def new_tracking_token() -> str:
    """The secret of a case's tracking link, which alone opens the case's public page: about 129
    bits, in the lower-case letters and digits of the other codes (matched by the `uid` path
    converter, easy to read aloud)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(TRACKING_TOKEN_LENGTH))


class CaseSettings(VersionedModel):
    """A town's settings for cases and their rates (DOMAIN-RULES: [B]/[C] numbers are settings)."""

    town = models.OneToOneField("places.Town", on_delete=models.PROTECT, related_name="case_settings")
    period_start_day = models.PositiveSmallIntegerField(
        _("assessment month starts on day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("1 for calendar months; 19 for months running from the 19th to the 18th."),
    )
    basic_satisfied_weight = models.DecimalField(
        _("weight of 基本满意"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    callback_after_days = models.PositiveSmallIntegerField(
        _("callback after (working days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "If the resident has not answered this many working days after resolution, the residents' "
            "committee calls back."
        ),
    )
    hotspot_min_cases = models.PositiveSmallIntegerField(
        _("hotspot: at least this many cases"), default=3, validators=[MinValueValidator(2), MaxValueValidator(100)]
    )
    hotspot_days = models.PositiveSmallIntegerField(
        _("hotspot: within this many days"), default=30, validators=[MinValueValidator(7), MaxValueValidator(365)]
    )
    reports_per_phone_per_day = models.PositiveSmallIntegerField(
        _("reports per mobile number per day"), default=10, validators=[MinValueValidator(1)]
    )
    reports_per_address_per_hour = models.PositiveSmallIntegerField(
        _("reports per network address per hour"), default=30, validators=[MinValueValidator(1)]
    )
    max_extensions = models.PositiveSmallIntegerField(
        _("extensions of a commitment allowed"),
        default=1,
        validators=[MaxValueValidator(5)],
        help_text=_(
            "How many times a handling organisation may move the date it committed to, each with a reason. "
            "0: a commitment cannot be extended."
        ),
    )
    effective_definition = models.CharField(
        _("处置有效率 counts"),
        max_length=16,
        choices=[
            ("first_time", _("cases confirmed fixed the first time (a case fixed only after 重办 does not count)")),
            ("every_confirmed", _("every case confirmed fixed, also after 重办")),
        ],
        default="first_time",
    )
    show_composite = models.BooleanField(
        _("show the composite index"),
        default=False,
        help_text=_("A weighted sum of the three rates, as some districts rank by (DOMAIN-RULES)."),
    )
    composite_handling_weight = models.DecimalField(
        _("composite: weight of 调处率"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    composite_effective_weight = models.DecimalField(
        _("composite: weight of 处置有效率"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    composite_satisfaction_weight = models.DecimalField(
        _("composite: weight of 群众满意率"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.40"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    ranking_min_cases = models.PositiveSmallIntegerField(
        _("rank only with at least this many cases"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A rate over fewer cases is shown as “too few to rank” and not given a place."),
    )

    class Meta:
        verbose_name = _("case settings")
        verbose_name_plural = _("case settings")

    def __str__(self) -> str:
        return str(self.town)


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


class CategoryQuerySet(ScopedQuerySet):
    view_permission = "cases.view"

    def area_q(self, area, scope):
        return Q(town_id__in=scope.town_ids) if scope.town_ids else NOTHING


class Category(PublicIdModel, VersionedModel):
    """A kind of problem, in a tree the office edits. Its handler kind routes new cases
    (R-DUTY-1: the party responsible by its duties); a government unit can be named directly."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="case_categories")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=50)
    handler_kind = models.CharField(
        _("handled by"),
        max_length=24,
        choices=[(k.value, k.label) for k in Organization.Kind if k != Organization.Kind.DEVELOPER],
        help_text=_("New cases go to the organisation of this kind for the case's compound."),
    )
    handler = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handling government unit"),
        help_text=_("For categories handled by a government unit: which one."),
    )
    accept_days = models.PositiveSmallIntegerField(_("accept within (working days)"), default=1)
    resolve_days = models.PositiveSmallIntegerField(_("resolve within (working days)"), default=5)
    urgent_resolve_days = models.PositiveSmallIntegerField(_("urgent: resolve within (working days)"), default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    retired = models.BooleanField(_("retired"), default=False)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["town_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "code"],
                name="case_category_town_code_unique",
                violation_error_message=_("A category with this code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(accept_days__gte=1) & Q(resolve_days__gte=1) & Q(urgent_resolve_days__gte=1),
                name="case_category_days_positive",
                violation_error_message=_("Deadlines are at least one working day."),
            ),
        ]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def resolve_days_for(self, urgency: str) -> int:
        return self.urgent_resolve_days if urgency == Urgency.URGENT else self.resolve_days


# An overdue case (CaseQuerySet.overdue, and the partial index `case_overdue_idx` that finds them).
OVERDUE = Q(accept_overdue=True, state=State.SUBMITTED) | Q(
    resolve_overdue=True, state__in=[State.ACCEPTED, State.IN_PROGRESS, State.EXPLAINED]
)


class CaseQuerySet(ScopedQuerySet):
    view_permission = "cases.view"

    def area_q(self, area, scope):
        return area.q(town="town", neighborhood="neighborhood", compound="compound")

    def beyond_area_q(self, scope, permission):
        """An organisation always *sees* the cases it handles or co-handles, wherever they are; every
        other right (routing, callbacks) reaches only its grant's area, so a seat in an owners'
        committee does not carry a routing right held in another neighborhood onto that committee's
        cases."""
        handling = scope.organization_ids
        if permission != self.view_permission or not handling:
            return None
        co_handled = Case.co_handlers.through.objects.filter(organization_id__in=handling).values("case_id")
        return Q(handler_id__in=handling) | Q(pk__in=co_handled)

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self):
        """Past the accept-by date and not yet accepted, or past the resolve-by date and not yet
        resolved (the flags the deadline sweep sets; docs/metrics.md, "Deadlines")."""
        return self.filter(OVERDUE)


class Case(PublicIdModel):
    """One reported problem. Workflow fields change only through gongzhi.cases.services
    (DESIGN.md convention 1); `version` makes the second of two concurrent actions fail."""

    class Channel(models.TextChoices):
        QR = "qr", _("Resident, by the compound's QR code")
        RESIDENT = "resident", _("Resident, signed in")
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Household visit")
        WALK_IN = "walk_in", _("Walk-in")
        API = "api", _("Hotline (API)")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    class FeedbackSource(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        CALLBACK = "callback", _("Callback by the residents' committee")
        INSPECTION = "inspection", _("Inspection group, on site")

    class NotCounted(models.TextChoices):
        """Why a resident's answer is recorded but left out of the rates (docs/metrics.md)."""

        HANDLER_MEMBER = "handler_member", _("The answer came from a member of the handling organisation")

    # Where, what
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey(
        "places.Neighborhood", on_delete=models.PROTECT, related_name="+", verbose_name=_("neighborhood")
    )
    compound = models.ForeignKey(
        "places.Compound", on_delete=models.PROTECT, related_name="cases", verbose_name=_("compound")
    )
    building = models.ForeignKey(
        "places.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("building")
    )
    unit = models.ForeignKey(
        "places.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    location = models.CharField(
        _("location"),
        max_length=200,
        blank=True,
        help_text=_("Where exactly, if not a unit: e.g. the east gate, the fire lane behind 5号楼."),
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("description"), max_length=2000)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    number = models.CharField(_("case number"), max_length=20)
    # The secret of the resident's tracking link (new_tracking_token; docs/security.md, "Links and tokens").
    # Older cases keep their 12-character token, which still works.
    tracking_token = models.CharField(max_length=64, unique=True, default=new_tracking_token, editable=False)
    # Who reported it
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's mobile number"), max_length=11, blank=True)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reported_cases"
    )
    hide_identity = models.BooleanField(_("keep my name and number from the handling organisation"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    visit = models.ForeignKey(
        "Visit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("household visit"),
    )
    # Who handles it
    handler = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="handled_cases", verbose_name=_("handling organisation")
    )
    co_handlers = models.ManyToManyField(
        Organization, blank=True, related_name="co_handled_cases", verbose_name=_("co-handlers")
    )
    # Workflow
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SUBMITTED, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    submitted_from = models.GenericIPAddressField(null=True, blank=True)  # for the public form's rate limit
    accept_due = models.DateField(_("accept by"))
    resolve_due = models.DateField(_("resolve by"))
    due_provisional = models.BooleanField(_("deadline provisional"), default=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    commitment = models.TextField(_("explanation and commitment"), blank=True)
    committed_date = models.DateField(_("committed date"), null=True, blank=True)
    commitment_in_time = models.BooleanField(
        _("commitment given before the deadline"),
        null=True,
        blank=True,
        help_text=_("Only a commitment given by the resolve-by date moves the deadline; a later one is recorded."),
    )
    extension_count = models.PositiveSmallIntegerField(_("extensions of the commitment"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalation_reason = models.TextField(_("why the joint meeting"), blank=True)
    meeting_resolution = models.CharField(
        _("joint-meeting resolution"),
        max_length=20,
        blank=True,
        help_text=_("The number of the resolution the case is carried out under (e.g. J2611-01)."),
    )
    resolution = models.TextField(_("how it was resolved"), blank=True)
    end_reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("merged into")
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    accept_overdue = models.BooleanField(_("not accepted in time"), default=False)
    resolve_overdue = models.BooleanField(_("past the resolve-by date"), default=False)
    late = models.BooleanField(
        _("missed a deadline"),
        default=False,
        help_text=_("Set when any deadline of the case was missed; never cleared."),
    )
    # Follow-up
    callback_due = models.DateField(_("callback due"), null=True, blank=True)
    callback_notified = models.BooleanField(default=False)
    fixed = models.BooleanField(_("fixed, says the resident"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    feedback_comment = models.TextField(_("comment"), blank=True)
    feedback_at = models.DateTimeField(_("feedback at"), null=True, blank=True)
    feedback_source = models.CharField(_("feedback from"), max_length=10, choices=FeedbackSource.choices, blank=True)
    feedback_not_counted = models.CharField(
        _("answer not counted because"), max_length=16, choices=NotCounted.choices, blank=True
    )
    # Derived flags behind the three rates (gongzhi.cases.stats); kept by the services.
    handled_in_time = models.BooleanField(null=True, blank=True)
    followup_valid = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["town", "number"], name="case_town_number_unique"),
        ]
        indexes = [
            models.Index(fields=["town", "state"], name="case_town_state_idx"),
            models.Index(fields=["handler", "state"], name="case_handler_state_idx"),
            models.Index(fields=["compound", "category", "submitted_at"], name="case_hotspot_idx"),
            # The hotspots of a town: its cases of the last M days, a range however many it has had.
            models.Index(fields=["town", "submitted_at"], name="case_town_submitted_idx"),
            models.Index(fields=["reporter_phone", "submitted_at"], name="case_reporter_idx"),
            # The overdue box and its count (CaseQuerySet.overdue): the few overdue cases of a city,
            # newest first, not every open case read to find them (issue 15); the town beside the
            # date for a town's own box.
            models.Index(
                fields=["submitted_at", "town"],
                name="case_overdue_idx",
                condition=OVERDUE,
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.uid])

    def tracking_url(self) -> str:
        return reverse("cases:track", args=[self.tracking_token])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def place_label(self) -> str:
        parts = [self.compound.name]
        if self.building_id:
            parts.append(self.building.number)
        if self.unit_id:
            parts.append(self.unit.number)
        if self.location:
            location = self.location
            if self.building_id and location.startswith(self.building.number):
                # "1号楼东侧" with 1号楼 chosen reads "1号楼东侧", not "1号楼 1号楼东侧".
                parts.pop()
            parts.append(location)
        return " ".join(parts)


def photo_path(photo: CasePhoto, filename: str) -> str:
    return f"cases/{photo.case.town_id}/{photo.case.uid}/{photo.uid}.{photo.extension}"


class CasePhoto(PublicIdModel):
    """A photo of a case, re-encoded on upload: type and size checked, location metadata gone.
    Taken when the problem was reported, or after the work when the handler resolves it."""

    class Stage(models.TextChoices):
        REPORTED = "reported", _("When reported")
        AFTER = "after", _("After the work")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(max_length=8, choices=Stage.choices, default=Stage.REPORTED)
    image = models.FileField(upload_to=photo_path, max_length=200)
    extension = models.CharField(max_length=5)
    content_type = models.CharField(max_length=30)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.uid}"


class CaseMessage(PublicIdModel):
    """A message between the handling organisation and the resident, on the case page and the
    resident's tracking page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_resident = models.BooleanField(default=False)
    text = models.TextField(_("message"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "created_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.text[:30]}"


class VisitQuerySet(ScopedQuerySet):
    view_permission = "cases.view"

    def area_q(self, area, scope):
        return area.q(town="town", neighborhood="neighborhood", compound="compound")


class Visit(PublicIdModel, VersionedModel):
    """A household visit (走家串户) by a residents' committee worker (R-DUTY-2): logged, and
    the problems raised during it become cases linked to it."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey(
        "places.Neighborhood", on_delete=models.PROTECT, related_name="+", verbose_name=_("neighborhood")
    )
    compound = models.ForeignKey(
        "places.Compound", on_delete=models.PROTECT, related_name="+", verbose_name=_("compound")
    )
    unit = models.ForeignKey(
        "places.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    household = models.CharField(
        _("household"), max_length=100, blank=True, help_text=_("Who was visited, if not a recorded unit.")
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("visited by")
    )
    visited_on = models.DateField(_("visited on"))
    notes = models.TextField(_("notes"), blank=True, max_length=2000)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-created_at"]
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")

    def __str__(self) -> str:
        return f"{self.visited_on} {self.compound}"


class AgendaProposalQuerySet(ScopedQuerySet):
    view_permission = "cases.view"

    def area_q(self, area, scope):
        return area.q(town="town", neighborhood="neighborhood", compound="compound")


class AgendaProposal(PublicIdModel):
    """A hotspot proposed as an item for the neighborhood's joint meeting (R-MTG-3). Stored now;
    the meetings module puts it on the agenda."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey("places.Neighborhood", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey("places.Compound", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    window_start = models.DateField()
    window_end = models.DateField()
    case_count = models.PositiveIntegerField()
    cases = models.ManyToManyField(Case, related_name="agenda_proposals")
    note = models.TextField(_("note"), blank=True, max_length=1000)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)

    objects = AgendaProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"{self.compound} · {self.category} ({self.case_count})"


class CaseNumber(models.Model):
    """The last case number given in a town in a month: cases are numbered 2611-0001, …"""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    month = models.CharField(max_length=4)  # yymm
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "month"], name="case_number_town_month_unique")]

    def __str__(self) -> str:
        return f"{self.month}-{self.last:04d}"


class CaseStats(models.Model):
    """Counters behind the three rates, one row per (handling organisation, compound, assessment
    month). Kept current as cases change (gongzhi.cases.stats), so the rates pages cost
    organisations × months, not cases. Rebuilt from the cases by `manage.py rebuild_case_stats`."""

    town = models.ForeignKey("places.Town", on_delete=models.CASCADE, related_name="+")
    neighborhood = models.ForeignKey("places.Neighborhood", on_delete=models.CASCADE, related_name="+")
    compound = models.ForeignKey("places.Compound", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()  # the first day of the month that names the assessment month
    submitted = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    handled_in_time = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    closed_valid = models.IntegerField(default=0)
    confirmed_fixed = models.IntegerField(default=0)
    confirmed_fixed_reopened = models.IntegerField(default=0)
    closed_unreachable = models.IntegerField(default=0)
    answer_not_counted = models.IntegerField(default=0)
    rated_satisfied = models.IntegerField(default=0)
    rated_basic = models.IntegerField(default=0)
    rated_unsatisfied = models.IntegerField(default=0)

    COUNTERS = (
        "submitted",
        "accepted",
        "handled_in_time",
        "overdue",
        "reopened",
        "closed_valid",
        "confirmed_fixed",
        "confirmed_fixed_reopened",
        "closed_unreachable",
        "answer_not_counted",
        "rated_satisfied",
        "rated_basic",
        "rated_unsatisfied",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "compound", "period"], name="case_stats_key_unique"),
        ]
        indexes = [
            models.Index(fields=["town", "period"], name="case_stats_town_period_idx"),
            models.Index(fields=["neighborhood", "period"], name="case_stats_nb_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.compound_id}/{self.period}"


class CaseTownStats(models.Model):
    """The same counters summed per town and assessment month (kept with CaseStats by
    gongzhi.cases.stats): pages over many towns read one row per town and month."""

    town = models.ForeignKey("places.Town", on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    submitted = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    handled_in_time = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    closed_valid = models.IntegerField(default=0)
    confirmed_fixed = models.IntegerField(default=0)
    confirmed_fixed_reopened = models.IntegerField(default=0)
    closed_unreachable = models.IntegerField(default=0)
    answer_not_counted = models.IntegerField(default=0)
    rated_satisfied = models.IntegerField(default=0)
    rated_basic = models.IntegerField(default=0)
    rated_unsatisfied = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "period"], name="case_town_stats_key_unique")]

    def __str__(self) -> str:
        return f"{self.town_id}/{self.period}"
