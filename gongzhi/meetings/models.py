"""Joint meetings (联席会议, R-MTG-1..5): the monthly and ad hoc meetings of a neighborhood's four
parties, their agendas, the parties' positions before the meeting (个别酝酿), attendance, votes
(民主表决), resolutions and their follow-up, the minutes (会议纪要) and the property company's
annual report (年度述职). Workflow fields change only through gongzhi.meetings.services; the
transition tables are in gongzhi.meetings.workflow."""

from __future__ import annotations

import hashlib
from datetime import time
from fractions import Fraction

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.cases.models import Case
from gongzhi.core.models import PublicIdModel, VersionedModel
from gongzhi.core.querysets import NeighborhoodScopedQuerySet
from gongzhi.core.scope import NOTHING
from gongzhi.orgs.models import Organization

from . import voting
from .workflow import ItemState, MeetingState, ResolutionState


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

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey(
        "places.Neighborhood", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("neighborhood")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
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
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
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
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="agenda_items")
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
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:item", args=[self.uid])

    @property
    def major(self) -> bool:
        return self.major_kind_id is not None


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


class Resolution(PublicIdModel):
    """What a meeting decided on an item (R-MTG-4): carried out by a lead organisation with
    others, by a date; checked and closed at a later meeting."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey("places.Neighborhood", on_delete=models.PROTECT, related_name="+")
    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="resolution_made")
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
        constraints = [models.UniqueConstraint(fields=["town", "number"], name="resolution_town_number_unique")]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")

    def __str__(self) -> str:
        return f"{self.number} {self.text[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:resolution", args=[self.uid])

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


class Minutes(PublicIdModel):
    """One version of a meeting's minutes. The chair edits the draft and approves it; approval
    locks it (its SHA-256 goes into the audit log). A later change is a new version, which must be
    approved in turn; earlier versions stay readable."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("minutes"), max_length=100000)
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["meeting_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_unique"),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(approved_at__isnull=True), name="minutes_one_draft"
            ),
        ]
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.meeting} · v{self.number}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


class AnnualReportQuerySet(MeetingsQuerySet):
    def area_q(self, area, scope):
        q = area.q(town="town", neighborhood="compound__neighborhood", compound="compound")
        if scope.organization_ids:
            q = (Q() if q == NOTHING else q) | Q(company_id__in=scope.organization_ids)
        return q


class AnnualReport(PublicIdModel):
    """The compound manager's yearly report to the joint meeting (年度述职, R-MTG-5): one per
    service contract and year; attendees rate it."""

    town = models.ForeignKey("places.Town", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey("orgs.ServiceContract", on_delete=models.PROTECT, related_name="annual_reports")
    compound = models.ForeignKey("places.Compound", on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    service = models.TextField(_("service"), blank=True, max_length=10000)
    management = models.TextField(_("management"), blank=True, max_length=10000)
    rectification = models.TextField(_("rectification"), blank=True, max_length=10000)
    other = models.TextField(_("other work"), blank=True, max_length=10000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "compound_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year"],
                name="annualreport_once_per_contract_year",
                violation_error_message=_("This contract already has its report for that year."),
            )
        ]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    def __str__(self) -> str:
        return f"{self.compound} · {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:annual_report", args=[self.uid])


class AnnualReportRating(models.Model):
    """An attendee's rating of an annual report."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="ratings")
    invitee = models.ForeignKey(Invitee, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("rating"), max_length=12, choices=Case.Rating.choices)  # the usual 3-level scale
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "invitee"],
                name="annualreport_rated_once",
                violation_error_message=_("This attendee has already rated the report."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitee} · {self.get_rating_display()}"


class CalendarFeed(models.Model):
    """A person's private iCalendar feed of the meetings they are invited to: the address holds
    an unguessable token; renewing it stops the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feed")
    token = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.user)
