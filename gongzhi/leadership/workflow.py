"""A leadership group meeting's workflow as one table (DESIGN.md convention 3). The office (the
group's secretariat) schedules a meeting and builds its agenda from the reports and the open
matters; once it has begun, the meeting is held: attendance of the member units is recorded, each
item concluded — a report approved or sent back, a decision assigned to a unit with a due date, an
earlier decision checked — and the meeting is closed with its minutes, after which nothing
changes. A meeting that will not take place is cancelled, saying why."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import Workflow


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("group meeting", "Scheduled")
    HELD = "held", pgettext_lazy("group meeting", "Being held")
    CLOSED = "closed", pgettext_lazy("group meeting", "Closed, minutes kept")
    CANCELLED = "cancelled", pgettext_lazy("group meeting", "Cancelled")


class MeetingAction(models.TextChoices):
    EDIT_AGENDA = "agenda", _("edit the agenda")
    HOLD = "hold", _("begin the meeting")
    ATTENDANCE = "attendance", _("record attendance")
    CONCLUDE = "conclude", _("conclude an item")
    DECIDE = "decide", _("record a decision")
    CLOSE = "close", _("close the meeting")
    CANCEL = "cancel", _("cancel the meeting")


class ItemOutcome(models.TextChoices):
    PENDING = "pending", pgettext_lazy("group item", "Not yet concluded")
    CONCLUDED = "concluded", pgettext_lazy("group item", "Concluded")
    DEFERRED = "deferred", pgettext_lazy("group item", "Deferred to a later meeting")


S, A = MeetingState, MeetingAction
MEETING_WORKFLOW = Workflow(
    {
        # None: the state stays as it is.
        A.EDIT_AGENDA: ((S.SCHEDULED, S.HELD), None),
        A.HOLD: ((S.SCHEDULED,), S.HELD),
        A.ATTENDANCE: ((S.HELD,), None),
        A.CONCLUDE: ((S.HELD,), None),
        A.DECIDE: ((S.HELD,), None),
        A.CLOSE: ((S.HELD,), S.CLOSED),
        A.CANCEL: ((S.SCHEDULED,), S.CANCELLED),
    },
    "leadership.meeting",
)
