"""What the leadership group's meetings hold about a person (gongzhi.accounts.personal_data):
nothing about them as its subject — a meeting is the town's work. The users named on its rows are
who scheduled it, added an item, concluded one or closed the meeting: the town's work record. The
name of who attended for a member unit is part of the minutes."""

from __future__ import annotations

SECTIONS = ()

NOT_INCLUDED = {
    "leadership.groupmeeting.created_by": "Work record: who scheduled the leadership group's meeting.",
    "leadership.groupmeeting.closed_by": "Work record: who closed the meeting with its minutes.",
    "leadership.item.added_by": "Work record: who put the matter on the agenda.",
    "leadership.item.concluded_by": "Work record: who recorded the meeting's conclusion.",
}
