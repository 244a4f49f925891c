"""Satisfaction sampling surveys (R-MECH-4). A Questionnaire is versioned: a published version is
frozen, editing it makes the next version. A Survey samples one compound in one quarter: its frame
(the occupied units, stratified by building) is recorded row by row in SampledUnit in each stratum's
seed order, so the sample, its reserve list and every substitution can be re-drawn and checked.
Responses are one per sampled unit. Workflow fields change only through gongzhi.surveys.services."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.scope import ScopedQuerySet

from .workflow import SurveyState

PARTIES = ("party_org", "residents_committee", "owners_committee", "property_company")


class Scale(models.IntegerChoices):
    THREE = 3, _("3 levels: satisfied, basically satisfied, dissatisfied")
    FIVE = 5, _("5 levels: very satisfied to very dissatisfied")


class Level(models.TextChoices):
    """An answer to one satisfaction question. The 3-level scale uses satisfied, basic and
    dissatisfied; "don't know" is offered on both scales and is not a valid answer."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")
    DONT_KNOW = "dont_know", _("Don't know")


SCALE_LEVELS = {
    Scale.THREE: (Level.SATISFIED, Level.BASIC, Level.DISSATISFIED, Level.DONT_KNOW),
    Scale.FIVE: (
        Level.VERY_SATISFIED,
        Level.SATISFIED,
        Level.BASIC,
        Level.DISSATISFIED,
        Level.VERY_DISSATISFIED,
        Level.DONT_KNOW,
    ),
}


def hash_link_token(token: str) -> str:
    """SHA-256 (hex) of a one-time answer link's token: what is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Definition(models.TextChoices):
    """The three definitions of a question's satisfaction (docs/metrics.md, "Satisfaction surveys")."""

    STRICT = "strict", _("Strict")
    R12345 = "r12345", _("12345 style")
    INDEX = "index", _("Satisfaction index")


class SurveySettings(VersionedModel):
    """The town's survey settings: which of the three definitions is the town's satisfaction, the
    figure shown first everywhere (the other two stay beside it, smaller). Changing it changes no
    stored number: every figure is computed from the answers when shown. The default is the 12345
    style, the definition of the case callback's 群众满意率, with the same weight of 基本满意 (the
    town's CaseSettings.basic_satisfied_weight)."""

    town = models.OneToOneField("places.Town", on_delete=models.PROTECT, related_name="survey_settings")
    definition = models.CharField(
        _("satisfaction definition"), max_length=8, choices=Definition.choices, default=Definition.R12345
    )

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")

    def __str__(self) -> str:
        return f"{self.town_id}"

    @classmethod
    def for_town(cls, town_id: int) -> SurveySettings:
        """The town's settings, or the defaults (unsaved) when the office has not set any."""
        return cls.objects.filter(town_id=town_id).first() or cls(town_id=town_id)


class QuestionnaireQuerySet(ScopedQuerySet):
    view_permission = "surveys.view"

    def area_q(self, area, scope):
        # Whoever sees a survey of the town may read its questionnaire.
        q = area.q(town="town", neighborhood=None, compound=None)
        if area.neighborhoods or area.compounds:
            from gongzhi.places.models import Compound

            towns = Compound.objects.filter(Q(pk__in=area.compounds) | Q(neighborhood__in=area.neighborhoods)).values(
                "town_id"
            )
            q = q | Q(town__in=towns)
        return q


class Questionnaire(PublicIdModel, VersionedModel):
    """One version of a questionnaire. `series` ties the versions of one questionnaire together;
    `questions` is a list of {"key", "label"}: the four parties (keys in PARTIES) and named services
    ("service_1", ...). A published version is never changed again."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=12, db_index=True, editable=False)
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    scale = models.PositiveSmallIntegerField(_("scale"), choices=Scale.choices, default=Scale.FIVE)
    questions = models.JSONField(_("questions"), default=list)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["town_id", "series", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="questionnaire_series_number_unique"),
        ]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:questionnaire", args=[self.uid])

    @property
    def levels(self) -> tuple:
        return SCALE_LEVELS[Scale(self.scale)]


class SurveyQuerySet(ScopedQuerySet):
    view_permission = "surveys.view"

    def area_q(self, area, scope):
        return area.q(town="town", neighborhood="compound__neighborhood", compound="compound")


class Survey(PublicIdModel, VersionedModel):
    class FrameSource(models.TextChoices):
        RESIDENCY = "residency", _("Units with a confirmed resident")
        ALL_UNITS = "all_units", _("All units (too few confirmed residents recorded)")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    compound = models.ForeignKey(
        "places.Compound", on_delete=models.PROTECT, related_name="surveys", verbose_name=_("compound")
    )
    quarter = models.CharField(_("quarter"), max_length=6, help_text=_("For example 2026Q4."))
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("questionnaire")
    )
    confidence = models.DecimalField(_("confidence level"), max_digits=4, decimal_places=3, default="0.950")
    margin = models.DecimalField(_("margin of error"), max_digits=4, decimal_places=3, default="0.050")
    floor = models.PositiveSmallIntegerField(_("minimum sample"), default=30)
    seed = models.CharField(_("seed"), max_length=40)
    state = models.CharField(
        _("state"), max_length=8, choices=SurveyState.choices, default=SurveyState.DRAFT, db_index=True
    )
    frame_source = models.CharField(_("frame"), max_length=10, choices=FrameSource.choices, blank=True)
    frame_size = models.PositiveIntegerField(_("frame size"), default=0)
    target = models.PositiveIntegerField(_("sample size"), default=0)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("survey", "closed at"), null=True, blank=True)
    closed_early = models.BooleanField(_("closed early"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter", "compound_id"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "quarter"], name="survey_compound_quarter_unique"),
            models.CheckConstraint(condition=Q(quarter__regex=r"^[0-9]{4}Q[1-4]$"), name="survey_quarter_format"),
        ]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")

    def __str__(self) -> str:
        return f"{self.compound} {self.quarter}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.uid])

    @property
    def drawn(self) -> bool:
        return self.drawn_at is not None


class SampledUnit(PublicIdModel):
    """One unit of the survey's frame, at its place in its stratum's seed order. The first units of
    each stratum are the sample (pending); the others wait in the reserve list and enter the sample
    only as a substitute, in order, for a unit that refused or could not be reached."""

    class Status(models.TextChoices):
        RESERVE = "reserve", _("Reserve")
        PENDING = "pending", _("To visit")
        ANSWERED = "answered", pgettext_lazy("survey", "Answered")
        REFUSED = "refused", _("Refused")
        UNREACHABLE = "unreachable", _("Unreachable")
        REPLACED = "replaced", _("Replaced")

    class Reason(models.TextChoices):
        REFUSED = "refused", _("Refused to answer")
        UNREACHABLE = "unreachable", _("Nobody reached after repeated visits")
        VACANT = "vacant", _("Vacant or not lived in")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    stratum = models.ForeignKey(
        "places.Building", on_delete=models.PROTECT, related_name="+", verbose_name=_("building")
    )
    order = models.PositiveIntegerField(_("drawn order"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, db_index=True)
    substitute_for = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="substitute"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["survey_id", "stratum_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "unit"], name="sampled_unit_survey_unit_unique"),
            models.UniqueConstraint(
                fields=["survey", "stratum", "order"], name="sampled_unit_survey_stratum_order_unique"
            ),
        ]
        verbose_name = _("sampled unit")
        verbose_name_plural = _("sampled units")

    def __str__(self) -> str:
        return f"{self.stratum} {self.unit}"

    @property
    def in_sample(self) -> bool:
        return self.status != self.Status.RESERVE


class Response(PublicIdModel):
    """One unit's answers. `answers` maps each question's key to a Level; one response per unit
    and survey (a database constraint, so a double submit writes one)."""

    class Channel(models.TextChoices):
        DOOR = "door", _("Door to door")
        TELEPHONE = "telephone", _("Telephone")
        LINK = "link", _("Link or QR code")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    sampled = models.OneToOneField(SampledUnit, on_delete=models.PROTECT, related_name="response")
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    surveyor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(_("answers"), default=dict)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey_id", "created_at"]
        constraints = [models.UniqueConstraint(fields=["survey", "unit"], name="survey_response_unit_unique")]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.survey} {self.unit}"


class AnswerLink(models.Model):
    """The one-time answer link of a sampled unit: only the SHA-256 of its 128-bit token is stored.
    The token itself is derived from the secret key (services.link_token), so the office can print
    the list again; a used link is refused."""

    sampled = models.OneToOneField(SampledUnit, on_delete=models.CASCADE, related_name="link")
    token_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"link {self.sampled_id}"
