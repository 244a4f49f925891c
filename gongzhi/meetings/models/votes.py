"""Votes on agenda items (民主表决): ballots and the members' votes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import PublicIdModel

from .agenda import AgendaItem
from .meetings import Invitee


class Ballot(PublicIdModel):
    """A vote on an agenda item. Open while the meeting votes; closed once, with its result."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="ballots")
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    major = models.BooleanField()
    yes = models.PositiveSmallIntegerField(null=True, blank=True)
    no = models.PositiveSmallIntegerField(null=True, blank=True)
    abstain = models.PositiveSmallIntegerField(null=True, blank=True)
    present = models.PositiveSmallIntegerField(null=True, blank=True)
    needed = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    explanation = models.TextField(blank=True)

    class Meta:
        ordering = ["item_id", "opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(closed_at__isnull=True), name="ballot_one_open_per_item"
            ),
        ]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"{self.item} · {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Vote(models.Model):
    """One voting member's vote on a ballot: once, by the database's unique constraint."""

    class Choice(models.TextChoices):
        YES = "yes", pgettext_lazy("vote", "Yes")
        NO = "no", pgettext_lazy("vote", "No")
        ABSTAIN = "abstain", pgettext_lazy("vote", "Abstain")

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="votes")
    invitee = models.ForeignKey(Invitee, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "invitee"],
                name="vote_once_per_ballot",
                violation_error_message=_("This member has already voted on this ballot."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitee} · {self.get_choice_display()}"
