"""A meeting's agenda: its items, their materials and the parties' positions before the meeting
(个别酝酿)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import PublicIdModel
from gongzhi.orgs.models import Organization

from ..workflow import ItemState
from .configuration import MatterKind
from .meetings import Meeting, MeetingsQuerySet


class AgendaItemQuerySet(MeetingsQuerySet):
    neighborhood_path = "meeting__neighborhood"


class AgendaItem(PublicIdModel):
    """An item on a meeting's agenda, with where it came from."""

    class Source(models.TextChoices):
        CASES = "cases", _("Escalated cases")
        HOTSPOT = "hotspot", _("Hotspot")
        PROPOSAL = "proposal", _("Proposal of a party")
        RECONSIDERATION = "reconsideration", _("Reconsideration (复议)")
        FOLLOW_UP = "follow_up", _("Resolution to check")
        CARRIED_OVER = "carried_over", _("Carried over")
        ANNUAL_REPORT = "annual_report", _("Annual report (年度述职)")
        NOTICE = "notice", _("Residents' opinions on a notice")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    description = models.TextField(pgettext_lazy("matter", "description"), blank=True, max_length=5000)
    major_kind = models.ForeignKey(
        MatterKind,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("major matter"),
        help_text=_("Leave empty for an ordinary item."),
    )
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("compound")
    )
    proposer = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="agenda_items", through="AgendaCase")
    hotspot = models.ForeignKey(
        "cases.AgendaProposal", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    resolution = models.ForeignKey(
        "Resolution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        help_text="the resolution this item checks or reconsiders",
    )
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    annual_report = models.ForeignKey(
        "AnnualReport", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    state = models.CharField(
        _("state"), max_length=14, choices=ItemState.choices, default=ItemState.ON_AGENDA, db_index=True
    )
    notes = models.TextField(_("discussion notes"), blank=True, max_length=20000)
    consultation_waiver = models.TextField(_("why the vote goes ahead without every position"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting_id", "order", "pk"]
        constraints = [
            # One meeting discusses a hotspot, a resolution or a carried-over item once.
            models.UniqueConstraint(
                fields=["meeting", "hotspot"],
                condition=models.Q(hotspot__isnull=False),
                name="agenda_item_hotspot_once_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "resolution"],
                condition=models.Q(resolution__isnull=False),
                name="agenda_item_resolution_once_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "carried_from"],
                condition=models.Q(carried_from__isnull=False),
                name="agenda_item_carried_once_per_meeting",
            ),
        ]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:item", args=[self.uid])

    @property
    def major(self) -> bool:
        return self.major_kind_id is not None


class AgendaCase(models.Model):
    """A case on an agenda item. The meeting is kept here too, so that the database holds a case
    to one item per meeting (a carried-over case is not listed twice)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.case_id}"


class ItemAttachment(PublicIdModel):
    """Materials of an agenda item (材料)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="meetings/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Position(PublicIdModel):
    """One party's position on a major item before the meeting (个别酝酿)."""

    class Stance(models.TextChoices):
        AGREE = "agree", _("Agree")
        CONDITIONAL = "conditional", _("Agree with conditions")
        DISAGREE = "disagree", _("Disagree")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="positions")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(pgettext_lazy("stance", "position"), max_length=12, choices=Stance.choices)
    text = models.TextField(_("reasons and conditions"), blank=True, max_length=5000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "organization"],
                name="position_one_per_party",
                violation_error_message=_("This party has already recorded its position."),
            )
        ]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_stance_display()}"
