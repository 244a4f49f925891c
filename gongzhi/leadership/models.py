"""The leadership group's meetings (R-ORG-1: it hears the office's reports, studies and decides,
commends): a meeting of the town's leadership group, its agenda — the office's evaluation reports,
the open matters urged by the town (督办), the group's own earlier decisions to check, and other
matters — the attendance of its member units, and what it concluded on each item.

A decision assigned to a unit with a due date is a `meetings.Resolution` of the leadership group
(`Resolution.body`): the joint meeting's machinery — progress with evidence, reminders, overdue
marks, 督办, the check — follows it up; `Decision` links it to the item that made it.

Workflow fields change only through gongzhi.leadership.services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.scope import get_scope

from .workflow import ItemOutcome, MeetingState


class GroupMeetingQuerySet(models.QuerySet):
    def for_user(self, user, permission: str | None = None):
        """The meetings of the towns where the user holds `permission` (leadership.view: the
        office and the leadership group). A member unit reads the decisions assigned to it on the
        resolutions' pages, where its organisation carries them out."""
        scope = get_scope(user)
        permission = permission or "leadership.view"
        if not scope.has(permission):
            return self.none()
        area = scope.area(permission)
        if area.everything:
            return self.all()
        return self.filter(town_id__in=area.towns) if area.towns else self.none()

    def planned(self):
        return self.filter(state__in=[MeetingState.SCHEDULED, MeetingState.HELD])


class GroupMeeting(PublicIdModel, VersionedModel):
    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    body = models.ForeignKey("orgs.Body", on_delete=models.PROTECT, related_name="+", verbose_name=_("body"))
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=MeetingState.choices, default=MeetingState.SCHEDULED, db_index=True
    )
    minutes = models.TextField(_("minutes"), blank=True, max_length=10000)
    cancel_reason = models.CharField(_("why cancelled"), max_length=200, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = GroupMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["town", "starts_at"], name="groupmeeting_town_starts")]
        verbose_name = _("leadership group meeting")
        verbose_name_plural = _("leadership group meetings")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("leadership:meeting", args=[self.uid])


class Attendance(models.Model):
    """A member unit at one meeting: who came for it, or that it was absent. The rows are made
    when the meeting is scheduled, from the group's member units at that moment (the label is kept
    as it was)."""

    class Status(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Absent with leave")

    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="attendance")
    unit = models.ForeignKey("orgs.BodyMemberUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    label = models.CharField(_("member unit"), max_length=100)
    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("attendance"), max_length=8, choices=Status.choices, default=Status.UNKNOWN)
    attendee = models.CharField(_("who attended"), max_length=50, blank=True)

    class Meta:
        ordering = ["meeting_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "label"], name="groupattendance_once_per_unit"),
            models.CheckConstraint(
                condition=~Q(status="present") | ~Q(attendee=""),
                name="groupattendance_present_names_someone",
                violation_error_message=_("Say who attended for the unit."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Item(PublicIdModel, VersionedModel):
    """One matter on a meeting's agenda. Its source links it to the record it is about: an
    evaluation report (approved or sent back here), an urged record (督办), or one of the group's
    own decisions (checked here)."""

    class Source(models.TextChoices):
        REPORT = "report", _("The office's report")
        MATTER = "matter", _("Open matter (督办)")
        FOLLOW_UP = "follow_up", _("Check of an earlier decision")
        OTHER = "other", _("Other matter")

    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    report = models.ForeignKey(
        "evaluation_reports.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    urging = models.ForeignKey("supervision.Urging", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolution = models.ForeignKey(
        "meetings.Resolution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ItemOutcome.choices, default=ItemOutcome.PENDING)
    conclusion = models.TextField(_("conclusion"), blank=True, max_length=5000)
    concluded_at = models.DateTimeField(null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["meeting_id", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="report", report__isnull=False, urging__isnull=True, resolution__isnull=True)
                | Q(source="matter", report__isnull=True, urging__isnull=False, resolution__isnull=True)
                | Q(source="follow_up", report__isnull=True, urging__isnull=True, resolution__isnull=False)
                | Q(source="other", report__isnull=True, urging__isnull=True, resolution__isnull=True),
                name="groupitem_source_matches_its_record",
            ),
            models.UniqueConstraint(
                fields=["meeting", "report"], condition=Q(report__isnull=False), name="groupitem_report_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "urging"], condition=Q(urging__isnull=False), name="groupitem_urging_once"
            ),
            models.UniqueConstraint(
                fields=["meeting", "resolution"],
                condition=Q(resolution__isnull=False),
                name="groupitem_follow_up_once",
            ),
        ]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url() + f"#item-{self.uid}"

    @property
    def record(self):
        """The record the item is about (None for another matter)."""
        return self.report or self.urging or self.resolution


class Decision(models.Model):
    """A decision the meeting made on an item: the resolution (of the leadership group) that carries
    it — assigned to an organisation, with a due date, followed up by the resolutions' machinery."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="decisions")
    resolution = models.OneToOneField("meetings.Resolution", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["item_id", "pk"]

    def __str__(self) -> str:
        return str(self.resolution_id)
