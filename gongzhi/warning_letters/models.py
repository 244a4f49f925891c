"""Warning letters (警示制度, R-MECH-3): the town's settings (which triggers draft letters, their
thresholds, the deadlines per level, the repeat window), the letter templates the office edits, the
letters themselves with their steps and evidence, and the per-town, per-year counter that numbers
them (〔2026〕第N号) when a person approves them.

Scope (`LetterQuerySet.for_user`): the office, the leadership group and the inspection groups read
the letters of their area (a letter hangs off the addressee's compound or neighborhood); each of the
four parties reads the letters addressed to its own organisation, once sent. Drafts and discarded
drafts are seen by the office alone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.roles import Role
from gongzhi.core.scope import NOTHING, get_scope

from .workflow import HIDDEN_STATES, WAITING, LetterState

PARTY_ROLES = (Role.PARTY_ORG, Role.RESIDENTS_COMMITTEE, Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY)


class Level(models.TextChoices):
    NOTICE = "notice", _("Notice letter (提示函)")
    WARNING = "warning", _("Warning letter (警示函)")
    MEASURES = "measures", _("Measures (措施)")


LEVEL_ORDER = [Level.NOTICE, Level.WARNING, Level.MEASURES]


def next_level(level: str) -> str | None:
    at = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[at + 1] if at + 1 < len(LEVEL_ORDER) else None


class Measure(models.TextChoices):
    TALK = "talk", _("Summons talk (约谈)")
    HOUSING_OFFICE = "housing_office", _("Report to the housing office for demerit points")
    ELIGIBILITY = "eligibility", _("Loss of award and tender eligibility")
    OWNERS_PROPOSAL = "owners_proposal", _("Proposal to the owners' assembly")


class WarningSettings(VersionedModel):
    """The town's warning settings; defaults: DOMAIN-RULES "Warning ladder" and docs/decisions.md."""

    town = models.OneToOneField("places.Town", on_delete=models.PROTECT, related_name="warning_settings")
    disabled_triggers = models.JSONField(default=list, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("notice letter: rectify within (working days)"), default=10)
    warning_days = models.PositiveSmallIntegerField(_("warning letter: rectify within (working days)"), default=5)
    measures_days = models.PositiveSmallIntegerField(_("measures: rectify within (working days)"), default=5)
    repeat_quarters = models.PositiveSmallIntegerField(
        _("the same problem again within (quarters) drafts the next level"), default=2
    )
    overdue_cases_min = models.PositiveSmallIntegerField(
        _("overdue cases: open cases past their resolve-by date, at least"), default=3
    )
    score_below = models.PositiveSmallIntegerField(_("inspection score below"), default=60)
    complaints_min = models.PositiveSmallIntegerField(
        _("repeated complaints: cases rated unsatisfied or reopened, at least"), default=3
    )
    complaints_days = models.PositiveSmallIntegerField(_("repeated complaints: within (days)"), default=30)
    lookback_days = models.PositiveSmallIntegerField(
        _("look at inspections and contrary actions of the last (days)"), default=90
    )

    class Meta:
        verbose_name = _("warning settings")
        verbose_name_plural = _("warning settings")

    def __str__(self) -> str:
        return f"{self.town_id}"

    @classmethod
    def for_town(cls, town_id: int) -> WarningSettings:
        """The town's settings, or the defaults (unsaved) when the office has not set any."""
        return cls.objects.filter(town_id=town_id).first() or cls(town_id=town_id)

    def trigger_enabled(self, code: str) -> bool:
        return code not in (self.disabled_triggers or [])

    def days_for(self, level: str) -> int:
        return {Level.NOTICE: self.notice_days, Level.WARNING: self.warning_days}.get(level, self.measures_days)


class LetterTemplate(VersionedModel):
    """The text of a level's letters in a town, with placeholders ({organisation}, {cause},
    {deadline}, …: gongzhi.warning_letters.letters); the defaults are used until the office saves one."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    title = models.CharField(_("title"), max_length=50)
    body = models.TextField(_("text"), max_length=5000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "level"], name="letter_template_town_level")]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")

    def __str__(self) -> str:
        return f"{self.town_id} {self.level}"


class LetterCounter(models.Model):
    """The last number given to a letter in a town and year; its row is locked while a letter is
    approved, so numbers run without gaps (a discarded draft never had one)."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "year"], name="letter_counter_town_year")]

    def __str__(self) -> str:
        return f"{self.town_id} {self.year} {self.last}"


class LetterQuerySet(models.QuerySet):
    def for_user(self, user, permission: str | None = None):
        """The letters `user` may read (warnings.view), answer (warnings.answer: addressed to their
        organisation) or manage (warnings.manage: the town's office)."""
        permission = permission or "warnings.view"
        scope = get_scope(user)
        if not scope.has(permission):
            return self.none()
        if scope.is_platform_admin:
            return self.all()
        manage_towns = scope.area("warnings.manage").towns
        if permission == "warnings.manage":
            return self.filter(town_id__in=manage_towns) if manage_towns else self.none()
        own: set[int] = set()
        area_q = NOTHING
        for grant in scope.grants:
            if permission not in grant.permissions:
                continue
            if grant.role in PARTY_ROLES:
                if grant.organization_id:
                    own.add(grant.organization_id)
            elif permission == "warnings.view":
                q = grant.area.q(town="town", neighborhood="neighborhood", compound="compound")
                area_q = q if area_q == NOTHING else area_q | q
        out = Q(addressee_id__in=own) & ~Q(state__in=HIDDEN_STATES) if own else NOTHING
        if area_q != NOTHING:
            area_q &= ~Q(state__in=HIDDEN_STATES) | Q(town_id__in=manage_towns)
            out = area_q if out == NOTHING else out | area_q
        return self.filter(out)

    def waiting(self):
        return self.filter(state__in=WAITING)

    def past_deadline(self, today):
        return self.waiting().filter(deadline__lt=today)


class Letter(PublicIdModel, VersionedModel):
    """One warning letter to one of the four parties: its level, its cause (the trigger that drafted
    it, or the office by hand), its number once approved, and each step with who and when."""

    MANUAL = "manual"

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    measures = models.JSONField(_("measures"), default=list, blank=True)
    addressee = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="warning_letters", verbose_name=_("addressee")
    )
    neighborhood = models.ForeignKey(
        "places.Neighborhood", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("compound")
    )
    trigger = models.CharField(_("trigger"), max_length=40, default=MANUAL)
    cause_key = models.CharField(max_length=120, blank=True)
    cause_url = models.CharField(_("link to the cause"), max_length=300, blank=True)
    cause_text = models.TextField(_("cause"), max_length=2000)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_letters",
        verbose_name=_("previous letter"),
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=50, blank=True)
    body = models.TextField(_("text"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=LetterState.choices, default=LetterState.DRAFT, db_index=True
    )
    deadline = models.DateField(_("rectify by"), null=True, blank=True)
    deadline_provisional = models.BooleanField(default=False)
    drafted_at = models.DateTimeField()
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verify_note = models.TextField(_("verification note"), blank=True, max_length=2000)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_back = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discard_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    discarded_at = models.DateTimeField(null=True, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credit_record = models.ForeignKey(
        "credit.CreditRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("credit record"),
    )

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-drafted_at", "-pk"]
        indexes = [
            models.Index(fields=["town", "state"], name="letter_town_state"),
            models.Index(fields=["addressee", "trigger"], name="letter_addressee_trigger"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "cause_key"],
                condition=~Q(cause_key="") & ~Q(state="discarded"),
                name="letter_once_per_cause",
                violation_error_message=_("A letter about this cause exists already."),
            ),
            models.UniqueConstraint(
                fields=["town", "year", "number"],
                condition=Q(number__isnull=False),
                name="letter_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True, state__in=HIDDEN_STATES)
                | Q(number__isnull=False, year__isnull=False, deadline__isnull=False) & ~Q(state__in=HIDDEN_STATES),
                name="letter_numbered_iff_sent",
            ),
        ]
        verbose_name = _("warning letter")
        verbose_name_plural = _("warning letters")

    def __str__(self) -> str:
        return f"{self.number_label or self.uid} {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("warnings:letter", args=[self.uid])

    @property
    def number_label(self) -> str:
        """〔2026〕第3号, once approved."""
        if self.number is None:
            return ""
        return f"〔{self.year}〕第{self.number}号"

    @property
    def measure_labels(self) -> list[str]:
        return [str(Measure(m).label) for m in self.measures if m in Measure.values]

    def past_deadline(self, today) -> bool:
        return self.state in WAITING and self.deadline is not None and today > self.deadline


def evidence_path(evidence: Evidence, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"warnings/{evidence.letter.town_id}/{evidence.uid}.{extension}"


class Evidence(PublicIdModel):
    """A file (a photo, a PDF, …) the addressee attaches to its answer (checked by
    gongzhi.core.uploads.clean_files); `round` counts the answers (1, then 2 after a send-back)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="evidence")
    round = models.PositiveSmallIntegerField(default=1)
    file = models.FileField(upload_to=evidence_path, max_length=200)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = pgettext_lazy("warning letter", "evidence")
        verbose_name_plural = pgettext_lazy("warning letter", "evidence")

    def __str__(self) -> str:
        return self.name

    @property
    def is_photo(self) -> bool:
        return self.name.lower().rsplit(".", 1)[-1] in ("jpg", "jpeg", "png")
