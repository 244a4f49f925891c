"""Joint meetings, their invitees and attendance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import PublicIdModel
from gongzhi.core.querysets import NeighborhoodScopedQuerySet
from gongzhi.orgs.models import Organization

from ..workflow import MeetingState


class MeetingsQuerySet(NeighborhoodScopedQuerySet):
    """Rows of a neighborhood's joint meetings: seen with the meetings permission."""

    view_permission = "meetings.view"


class MeetingQuerySet(MeetingsQuerySet):
    def upcoming(self):
        return self.filter(state__in=MeetingState.PLANNED)


class Meeting(PublicIdModel):
    """A joint meeting of one neighborhood: the monthly regular meeting or an ad hoc one."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Monthly meeting")
        AD_HOC = "ad_hoc", _("Ad hoc meeting")

    class Form(models.TextChoices):
        """The regular meeting is held as the four parties' joint meeting or as the party
        organisation's enlarged meeting (seed 四㈠3): the same agenda, minutes and counting."""

        JOINT = "joint", _("Joint meeting (联席会议)")
        ENLARGED = "enlarged", _("Party organisation's enlarged meeting (党组织扩大会议)")

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey(
        "places.Neighborhood", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("neighborhood")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    form = models.CharField(_("held as"), max_length=8, choices=Form.choices, default=Form.JOINT)
    period = models.CharField(_("month"), max_length=7, blank=True, help_text="YYYY-MM of a regular meeting")
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    chair = models.ForeignKey(
        "orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("chair")
    )
    chair_designated_by = models.ForeignKey(
        "orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chair_note = models.CharField(_("why this chair"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=MeetingState.choices, default=MeetingState.SCHEDULED, db_index=True
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighborhood", "period"],
                condition=Q(kind="regular"),
                name="meeting_one_regular_per_month",
                violation_error_message=_("This neighborhood already has its monthly meeting for that month."),
            ),
            models.CheckConstraint(
                condition=Q(kind="ad_hoc", period="") | Q(kind="regular") & ~Q(period=""),
                name="meeting_regular_has_period",
            ),
        ]
        indexes = [models.Index(fields=["town", "starts_at"], name="meeting_town_starts_idx")]
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.uid])


class Invitee(PublicIdModel):
    """Someone invited to a meeting, and whether they came. The four parties' representatives
    come from their memberships; others (government units, resident representatives) are added
    by name. Only voting members vote."""

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        REPRESENTED = "represented", _("Represented")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    person = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    role = models.CharField(_("title"), max_length=50, blank=True)
    phone = models.CharField(_("mobile number"), max_length=11, blank=True)
    voting = models.BooleanField(_("may vote"), default=True)
    attendance = models.CharField(
        _("attendance"), max_length=12, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    represented_by = models.CharField(_("represented by"), max_length=50, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["meeting_id", "organization__kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="invitee_once_per_meeting",
                violation_error_message=_("This person is already invited."),
            ),
            models.CheckConstraint(
                condition=~Q(attendance="represented") | ~Q(represented_by=""),
                name="invitee_represented_by_someone",
                violation_error_message=_("Say who represents them."),
            ),
        ]
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")

    def __str__(self) -> str:
        return self.name

    @property
    def here(self) -> bool:
        return self.attendance in (self.Attendance.PRESENT, self.Attendance.REPRESENTED)
