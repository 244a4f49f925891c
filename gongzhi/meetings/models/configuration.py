"""A town's rules for joint meetings, and its kinds of major matter."""

from __future__ import annotations

from datetime import time
from fractions import Fraction

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PublicIdModel, VersionedModel

from .. import voting


class MeetingSettings(VersionedModel):
    """A town's rules for joint meetings (DOMAIN-RULES: numbers with a [B]/[C] source are settings)."""

    town = models.OneToOneField("places.Town", on_delete=models.PROTECT, related_name="meeting_settings")
    regular_working_day = models.PositiveSmallIntegerField(
        _("regular meeting on working day"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
        help_text=_("The monthly meeting is scheduled on this working day of the month (6: usually the second week)."),
    )
    regular_time = models.TimeField(_("regular meeting time"), default=time(14, 0))
    ordinary_share = models.CharField(
        _("ordinary items pass with more than"),
        max_length=7,
        default="1/2",
        help_text=_("A share of the voting members present, e.g. 1/2."),
    )
    major_share = models.CharField(
        _("major matters pass with at least"),
        max_length=7,
        default="2/3",
        help_text=_("A share of the voting members present, e.g. 2/3."),
    )
    major_needs_all_parties = models.BooleanField(
        _("a vote on a major matter needs all four parties present"), default=True
    )
    quorum_share = models.CharField(
        _("quorum: share of voting invitees present"),
        max_length=7,
        default="0",
        help_text=_("0 for no such rule; e.g. 1/2 for at least half of the voting invitees."),
    )
    annual_report_month = models.PositiveSmallIntegerField(
        _("annual reports are due in month"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("The property company's compound manager reports to the meeting of this month each year."),
    )
    resolution_reminder_days = models.PositiveSmallIntegerField(
        _("remind before a resolution is due (days)"), default=3, validators=[MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = _("meeting settings")
        verbose_name_plural = _("meeting settings")

    def __str__(self) -> str:
        return str(self.town)

    def rule(self) -> voting.Rule:
        return voting.Rule(
            ordinary=voting.Threshold(Fraction(self.ordinary_share), strict=True),
            major=voting.Threshold(Fraction(self.major_share), strict=False),
            major_needs_all_parties=self.major_needs_all_parties,
            quorum=Fraction(self.quorum_share),
        )


class MatterKind(PublicIdModel):
    """A kind of major matter (重大事项, R-MTG-6): decided by the stricter vote and announced to
    residents by a written notice. The office adds kinds beyond the defaults."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        ordering = ["town_id", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="matterkind_town_name_unique")]
        verbose_name = _("kind of major matter")
        verbose_name_plural = _("kinds of major matter")

    def __str__(self) -> str:
        return self.name
