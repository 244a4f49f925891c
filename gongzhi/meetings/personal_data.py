"""What the joint meetings hold about a user, for their page "My personal data" and its download
(gongzhi.accounts.personal_data): the meetings they were invited to (as a member of a party, or by
name and mobile number as a resident representative), whether they came and how they voted, and
whether they have a calendar address. What they did at work (items, minutes, reports they
recorded) is the organisations' record, listed in NOT_INCLUDED."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.personal_data import Section, choice

from .models import CalendarFeed, Invitee, Vote


def _invitations(user) -> list[dict]:
    theirs = Q(person__user=user)
    if user.phone:
        theirs |= Q(phone=user.phone)
    votes = Vote.objects.select_related("ballot__item").order_by("recorded_at", "pk")
    rows = (
        Invitee.objects.filter(theirs)
        .select_related("meeting", "organization")
        .prefetch_related(Prefetch("votes", queryset=votes, to_attr="cast"))
        .order_by("-meeting__starts_at", "-pk")
    )
    return [
        {
            "meeting": i.meeting.title,
            "starts_at": i.meeting.starts_at,
            "name": i.name,
            "title": i.role,
            "organization": i.organization.name if i.organization_id else "",
            "mobile_number": i.phone,
            "may_vote": i.voting,
            "attendance": choice(i, "attendance"),
            "represented_by": i.represented_by,
            "votes": [
                {"item": v.ballot.item.title, "vote": choice(v, "choice"), "recorded_at": v.recorded_at} for v in i.cast
            ],
        }
        for i in rows
    ]


def _calendar(user) -> list[dict]:
    feed = CalendarFeed.objects.filter(user=user).first()
    return [{"made_at": feed.created_at}] if feed else []


SECTIONS = (
    Section(
        70,
        "meeting_invitations",
        _("Joint-meeting invitations"),
        _invitations,
        "meetings/personal_data/invitations.html",
        covers=("meetings.invitee.person", "meetings.invitee.phone", "meetings.vote"),
        only_when_held=True,
    ),
    Section(
        75,
        "calendar_address",
        _("Calendar address"),
        _calendar,
        "meetings/personal_data/calendar.html",
        covers=("meetings.calendarfeed.user",),
        single=True,
        only_when_held=True,
        note=_("Only a check value of the address is kept, not the address itself."),
    ),
)

_WORK = "Work record of a joint meeting's business (who recorded, uploaded, drafted or reported it)."
NOT_INCLUDED = {
    "meetings.meeting.chair": "Work record: the chair of a meeting (their invitation is listed).",
    "meetings.meeting.chair_designated_by": "Work record: who designated a meeting's chair.",
    "meetings.meeting.created_by": _WORK,
    "meetings.agendaitem.added_by": _WORK,
    "meetings.itemattachment.uploaded_by": _WORK,
    "meetings.position.recorded_by": _WORK,
    "meetings.ballot.opened_by": _WORK,
    "meetings.residentscongress.recorded_by": _WORK,
    "meetings.progressreport.reported_by": _WORK,
    "meetings.contraryaction.reported_by": _WORK,
    "meetings.minutes.drafted_by": _WORK,
    "meetings.minutes.approved_by": _WORK,
    "meetings.annualreport.deputy": "Work record: the compound manager's annual report and who stands in for them.",
    "meetings.annualreport.delegated_by": _WORK,
    "meetings.annualreport.saved_by": _WORK,
    "meetings.annualreport.reporter": "Work record: the compound manager's annual report and who stands in for them.",
    "meetings.annualreport.submitted_by": _WORK,
    "meetings.annualreportfile.added_by": _WORK,
    "meetings.annualreportrating.recorded_by": _WORK,
}
