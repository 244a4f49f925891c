"""Resolutions and their follow-up: progress reports with evidence, and actions contrary to a
resolution."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import PublicIdModel
from gongzhi.core.scope import NOTHING
from gongzhi.orgs.models import Organization

from ..workflow import ResolutionState
from .agenda import AgendaItem
from .meetings import MeetingsQuerySet


class ResolutionQuerySet(MeetingsQuerySet):
    def area_q(self, area, scope):
        q = super().area_q(area, scope)
        if scope.organization_ids:
            # An organisation always sees the resolutions it carries out.
            q = (Q() if q == NOTHING else q) | Q(lead_id__in=scope.organization_ids)
            q |= Q(
                pk__in=Resolution.co_organizations.through.objects.filter(
                    organization_id__in=scope.organization_ids
                ).values("resolution_id")
            )
        return q

    def open(self):
        return self.filter(state__in=ResolutionState.OPEN)

    def overdue(self, today):
        """Being carried out and past its due date (docs/metrics.md, "Resolutions")."""
        return self.filter(state=ResolutionState.IN_PROGRESS, due__lt=today)

    def carried_out_by(self, organization_ids, role: str = "any"):
        """Those the organisations lead ("lead"), assist with ("assist"), or either ("any")."""
        leads = Q(lead_id__in=organization_ids)
        assists = Q(
            pk__in=Resolution.co_organizations.through.objects.filter(organization_id__in=organization_ids).values(
                "resolution_id"
            )
        )
        return self.filter({"lead": leads, "assist": assists}.get(role, leads | assists))


class ResidentsCongress(PublicIdModel):
    """A meeting of the neighborhood's residents' representatives (社区居民代表会议, seed 四㈡2). It
    sets tasks for the residents' committee, recorded as resolutions without an agenda item and
    followed up the same way (progress, overdue, check)."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey(
        "places.Neighborhood", on_delete=models.PROTECT, related_name="+", verbose_name=_("neighborhood")
    )
    held_on = models.DateField(_("held on"))
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingsQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighborhood", "held_on", "title"], name="residentscongress_once_per_day_and_title"
            )
        ]
        verbose_name = _("residents' congress")
        verbose_name_plural = _("residents' congresses")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class Resolution(PublicIdModel):
    """What a meeting decided on an item (R-MTG-4): carried out by a lead organisation with
    others, by a date; checked and closed at a later meeting. A task the residents' congress set
    for the residents' committee is one too, with the congress instead of an agenda item; and so
    is a decision of a town body — the leadership group at its meeting (R-ORG-1, gongzhi.leadership)
    — with the body instead, and a neighborhood only when the decision concerns one."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey(
        "places.Neighborhood",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("neighborhood"),
    )
    item = models.OneToOneField(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="resolution_made"
    )
    congress = models.ForeignKey(
        ResidentsCongress,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("residents' congress"),
    )
    body = models.ForeignKey(
        "orgs.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("resolution", "decided by"),
    )
    number = models.CharField(_("number"), max_length=20)
    text = models.TextField(_("resolution"), max_length=5000)
    lead = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead organisation")
    )
    co_organizations = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("assisting organisations")
    )
    due = models.DateField(_("due"))
    major = models.BooleanField(_("major matter"), default=False)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ResolutionState.choices,
        default=ResolutionState.IN_PROGRESS,
        db_index=True,
    )
    overdue_since = models.DateField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    implemented_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    check_note = models.TextField(_("result of the check"), blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["town", "number"], name="resolution_town_number_unique"),
            models.CheckConstraint(
                condition=Q(item__isnull=False, congress__isnull=True, body__isnull=True)
                | Q(item__isnull=True, congress__isnull=False, body__isnull=True)
                | Q(item__isnull=True, congress__isnull=True, body__isnull=False),
                name="resolution_of_a_meeting_a_congress_or_a_body",
            ),
            models.CheckConstraint(
                condition=Q(neighborhood__isnull=False) | Q(body__isnull=False),
                name="resolution_neighborhood_unless_a_body",
            ),
        ]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")

    def __str__(self) -> str:
        return f"{self.number} {self.text[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:resolution", args=[self.uid])

    @property
    def meeting(self):
        """The joint meeting that adopted it (None for a task of the residents' congress or a
        decision of a town body)."""
        return self.item.meeting if self.item_id else None

    def is_overdue(self, today) -> bool:
        """The same rule as ResolutionQuerySet.overdue, for one resolution."""
        return self.state == ResolutionState.IN_PROGRESS and self.due < today


class ProgressReport(PublicIdModel):
    """What an organisation reports of carrying out a resolution, with evidence."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="progress")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("progress"), max_length=5000)
    done = models.BooleanField(_("carried out in full"), default=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["resolution_id", "reported_at"]

    def __str__(self) -> str:
        return f"{self.organization} · {self.reported_at:%Y-%m-%d}"


class Evidence(PublicIdModel):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="resolutions/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name


class ContraryAction(PublicIdModel):
    """A report that an organisation spoke or acted against a resolution (R-MTG-4), kept against
    that organisation for the warning letters."""

    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="contrary_actions")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    description = models.TextField(_("what happened"), max_length=5000)
    occurred_on = models.DateField(_("date it happened"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_on"]
        verbose_name = _("action contrary to a resolution")
        verbose_name_plural = _("actions contrary to resolutions")

    def __str__(self) -> str:
        return f"{self.organization} · {self.occurred_on}"
