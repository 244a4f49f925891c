"""The first draft of a meeting's minutes (会议纪要), written from the record: who came, each item
with its discussion notes, the vote with its counts and how it was decided, and the resolution.
The chair edits the draft before approving it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from . import parties
from .models import AgendaItem, Invitee, Meeting


def _attendance_label(invitee: Invitee) -> str:
    if invitee.attendance == Invitee.Attendance.PRESENT:
        label = invitee.name
    elif invitee.attendance == Invitee.Attendance.REPRESENTED:
        label = _("%(name)s (represented by %(by)s)") % {"name": invitee.name, "by": invitee.represented_by}
    elif invitee.attendance == Invitee.Attendance.ABSENT:
        label = _("%(name)s (absent)") % {"name": invitee.name}
    else:
        label = _("%(name)s (not recorded)") % {"name": invitee.name}
    if not invitee.voting:
        label += _(" [no vote]")
    return label


def _attendance_lines(meeting: Meeting) -> list[str]:
    """Attendance party by party (someone who speaks for two parties is named under both), the
    others invited, and whether all four parties were there."""
    invitees, four = parties.roll(meeting)
    lines = []
    for party in four:
        names = party.names or _("none in this neighborhood")
        people = "、".join(_attendance_label(i) for i in party.invited) or _("nobody invited")
        lines.append(f"  {party.label}（{names}）：{people}")
    others = [i for i in invitees if not i.parties]
    if others:
        people = "、".join(
            _attendance_label(i) + (f"（{i.organization.name}）" if i.organization_id else "") for i in others
        )
        lines.append(f"  {_('Others')}：{people}")
    if meeting.opened_at is not None:
        if parties.all_here(four):
            lines.append("  " + _("All four parties were present."))
        else:
            missing = "、".join(p.label for p in four if not p.here)
            lines.append("  " + _("Not present: %(parties)s.") % {"parties": missing})
    return lines


def _item_lines(number: int, item: AgendaItem) -> list[str]:
    lines = [
        f"{number}. {item.title}（{item.get_source_display()}" + (f"，{item.major_kind}" if item.major else "") + "）"
    ]
    if item.description:
        lines.append("   " + _("Matter: %(text)s") % {"text": item.description.replace("\n", " ")})
    positions = list(item.positions.select_related("organization"))
    if positions:
        lines.append(
            "   "
            + _("Positions before the meeting: %(list)s")
            % {
                "list": "；".join(
                    f"{p.organization.name} {p.get_stance_display()}" + (f"（{p.text}）" if p.text else "")
                    for p in positions
                )
            }
        )
    if item.notes:
        lines.append("   " + _("Discussion: %(text)s") % {"text": item.notes.replace("\n", " ")})
    for ballot in item.ballots.filter(closed_at__isnull=False):
        names = {}
        for vote in ballot.votes.select_related("invitee"):
            names.setdefault(vote.get_choice_display(), []).append(vote.invitee.name)
        named = "；".join(f"{choice}：{'、'.join(people)}" for choice, people in names.items())
        lines.append("   " + _("Vote: %(explanation)s") % {"explanation": ballot.explanation})
        if named:
            lines.append("   " + _("Named votes: %(list)s") % {"list": named})
    resolution = getattr(item, "resolution_made", None)
    if resolution is not None:
        co = "、".join(o.name for o in resolution.co_organizations.all())
        values = {
            "number": resolution.number,
            "text": resolution.text,
            "lead": resolution.lead.name,
            "co": co,
            "due": resolution.due.isoformat(),
        }
        if co:
            line = _("Resolution %(number)s: %(text)s Lead: %(lead)s. Assisting: %(co)s. Due: %(due)s.") % values
        else:
            line = _("Resolution %(number)s: %(text)s Lead: %(lead)s. Due: %(due)s.") % values
        lines.append("   " + line)
    elif item.outcome and not item.ballots.exists():
        lines.append("   " + _("Outcome: %(text)s") % {"text": item.outcome})
    return lines


def _time_line(meeting: Meeting) -> str:
    """When the meeting actually sat (opened to ended), and the time it was called for when that
    differs; the time it was called for alone when it has not sat."""
    called = timezone.localtime(meeting.starts_at)
    place = meeting.place or "—"
    if meeting.opened_at is None:
        return _("Time: %(when)s   Place: %(place)s") % {"when": f"{called:%Y-%m-%d %H:%M}", "place": place}
    opened = timezone.localtime(meeting.opened_at)
    ended = timezone.localtime(meeting.ended_at) if meeting.ended_at else None
    held = f"{opened:%Y-%m-%d %H:%M}–" + (
        (f"{ended:%H:%M}" if ended.date() == opened.date() else f"{ended:%Y-%m-%d %H:%M}") if ended else ""
    )
    line = _("Held: %(when)s   Place: %(place)s") % {"when": held, "place": place}
    if opened.date() != called.date() or abs((opened - called).total_seconds()) > 3600:
        line += "   " + _("(called for %(when)s)") % {"when": f"{called:%Y-%m-%d %H:%M}"}
    return line


def draft_text(meeting: Meeting) -> str:
    lines = [
        meeting.title,
        _("Held as: %(form)s") % {"form": meeting.get_form_display()},
        _time_line(meeting),
        _("Chair: %(name)s") % {"name": meeting.chair.name if meeting.chair_id else "—"},
    ]
    if meeting.chair_note:
        lines.append(_("Designated to chair: %(note)s") % {"note": meeting.chair_note})
    lines.append(_("Attendance:"))
    lines += _attendance_lines(meeting)
    lines.append(_("Items:"))
    items = meeting.items.select_related("major_kind").prefetch_related("cases").order_by("order", "pk")
    for number, item in enumerate(items, start=1):
        lines += _item_lines(number, item)
    return "\n".join(lines)
