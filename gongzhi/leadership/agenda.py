"""What the office may put on a leadership group meeting's agenda (R-ORG-1: the group hears the
office's reports, studies and decides): the reports awaiting the group's approval and those
approved lately that no meeting has heard, the urged records still waiting (督办), and the group's
own decisions reported carried out (to check) or overdue — each not on this meeting's agenda yet;
and the other matters deferred at an earlier meeting and not taken up since."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from gongzhi.evaluation_reports.models import Report
from gongzhi.evaluation_reports.workflow import ReportState
from gongzhi.meetings.models import Resolution
from gongzhi.meetings.workflow import ResolutionState
from gongzhi.supervision.models import Urging

from .models import GroupMeeting, Item
from .workflow import ItemOutcome

HEARD_WITHIN = timedelta(days=120)  # an approved report not older than this is offered to be heard


@dataclass
class Suggestions:
    reports: list = field(default_factory=list)
    matters: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    deferred: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.reports or self.matters or self.follow_ups or self.deferred)


def suggestions(meeting: GroupMeeting) -> Suggestions:
    on_agenda = meeting.items.all()
    heard = Item.objects.filter(report__isnull=False, meeting__town_id=meeting.town_id).exclude(
        outcome=ItemOutcome.DEFERRED
    )
    since = timezone.now() - HEARD_WITHIN
    town_reports = Report.objects.filter(town_id=meeting.town_id).exclude(
        pk__in=on_agenda.filter(report__isnull=False).values("report_id")
    )
    reports = [
        *town_reports.filter(state=ReportState.SUBMITTED),
        *town_reports.filter(state__in=[ReportState.APPROVED, ReportState.DISTRIBUTED], approved_at__gte=since).exclude(
            pk__in=heard.values("report_id")
        ),
    ]
    matters = (
        Urging.objects.filter(town_id=meeting.town_id)
        .waiting()
        .exclude(pk__in=on_agenda.filter(urging__isnull=False).values("urging_id"))
        .order_by("due", "pk")
    )
    today = timezone.localdate()
    decisions = Resolution.objects.filter(body_id=meeting.body_id).exclude(
        pk__in=on_agenda.filter(resolution__isnull=False).values("resolution_id")
    )
    follow_ups = [
        r
        for r in decisions.filter(state__in=[ResolutionState.IMPLEMENTED, ResolutionState.IN_PROGRESS])
        .select_related("lead")
        .order_by("due", "number")
        if r.state == ResolutionState.IMPLEMENTED or r.is_overdue(today)
    ]
    titles_taken = set(
        Item.objects.filter(meeting__town_id=meeting.town_id, meeting__starts_at__gt=meeting.starts_at).values_list(
            "title", flat=True
        )
    ) | set(on_agenda.values_list("title", flat=True))
    deferred = [
        i
        for i in Item.objects.filter(
            meeting__town_id=meeting.town_id,
            source=Item.Source.OTHER,
            outcome=ItemOutcome.DEFERRED,
            meeting__starts_at__lt=meeting.starts_at,
        ).select_related("meeting")
        if i.title not in titles_taken
    ]
    return Suggestions(
        reports=sorted(reports, key=lambda r: (r.period, r.kind, r.number)),
        matters=list(matters[:50]),
        follow_ups=follow_ups,
        deferred=deferred,
    )
