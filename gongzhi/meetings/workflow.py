"""The workflows of meetings, agenda items and resolutions as explicit tables (DESIGN.md
convention 3): which action moves a record from which states to which state, declared with the
core helper (gongzhi.core.workflow.Workflow). Services check them; a test walks every allowed and
every forbidden pair."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Workflow


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    INVITED = "invited", _("Invitations sent")
    IN_SESSION = "in_session", _("In session")
    ENDED = "ended", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# Groups of states, set after the class bodies so that they are not members of the choices.
MeetingState.PLANNED = (MeetingState.SCHEDULED, MeetingState.INVITED)


class MeetingAction(models.TextChoices):
    INVITE = "invite", _("Send the invitations")
    RESCHEDULE = "reschedule", _("Change the time or place")
    OPEN = "open", _("Open the meeting")
    END = "end", _("End the meeting")
    CANCEL = "cancel", _("Cancel the meeting")


M, MA = MeetingState, MeetingAction
MEETING_WORKFLOW = Workflow(
    {
        # None: the state stays as it is (an action allowed in those states).
        MA.INVITE: ((M.SCHEDULED, M.INVITED), M.INVITED),
        MA.RESCHEDULE: ((M.SCHEDULED, M.INVITED), None),
        MA.OPEN: ((M.SCHEDULED, M.INVITED), M.IN_SESSION),
        MA.END: ((M.IN_SESSION,), M.ENDED),
        MA.CANCEL: ((M.SCHEDULED, M.INVITED), M.CANCELLED),
    },
    "meetings.meeting",
)


class ItemState(models.TextChoices):
    ON_AGENDA = "on_agenda", _("On the agenda")
    VOTING = "voting", _("Being voted on")
    PASSED = "passed", _("Passed")
    NOT_PASSED = "not_passed", _("Not passed")
    NOTED = "noted", _("Discussed, no vote")
    CARRIED_OVER = "carried_over", _("Carried over to the next meeting")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ItemState.DONE = (
    ItemState.PASSED,
    ItemState.NOT_PASSED,
    ItemState.NOTED,
    ItemState.CARRIED_OVER,
    ItemState.WITHDRAWN,
)


class ItemAction(models.TextChoices):
    EDIT = "edit", _("Edit the item")
    POSITION = "position", _("Record a party's position")
    NOTE = "note", _("Record discussion notes")
    OPEN_BALLOT = "open_ballot", _("Put to the vote")
    VOTE = "vote", _("Record a vote")
    CLOSE_BALLOT = "close_ballot", _("Close the vote")
    CONCLUDE = "conclude", _("Conclude without a vote")
    CARRY_OVER = "carry_over", _("Carry over to the next meeting")
    WITHDRAW = "withdraw", _("Withdraw the item")


It, IA = ItemState, ItemAction
ITEM_WORKFLOW = Workflow(
    {
        IA.EDIT: ((It.ON_AGENDA,), None),
        IA.POSITION: ((It.ON_AGENDA,), None),
        IA.NOTE: ((It.ON_AGENDA, It.VOTING, It.PASSED, It.NOT_PASSED, It.NOTED), None),
        IA.OPEN_BALLOT: ((It.ON_AGENDA,), It.VOTING),
        IA.VOTE: ((It.VOTING,), None),
        IA.CLOSE_BALLOT: ((It.VOTING,), None),  # to PASSED or NOT_PASSED, as the count decides
        IA.CONCLUDE: ((It.ON_AGENDA,), It.NOTED),
        IA.CARRY_OVER: ((It.ON_AGENDA, It.NOT_PASSED), It.CARRIED_OVER),
        IA.WITHDRAW: ((It.ON_AGENDA,), It.WITHDRAWN),
    },
    "meetings.item",
)
# Which meeting states each item action needs: the agenda is prepared before the meeting, the
# discussion, votes and conclusions happen in session.
ITEM_ACTION_MEETING_STATES: dict[str, tuple[str, ...]] = {
    IA.EDIT: M.PLANNED,
    IA.POSITION: M.PLANNED + (M.IN_SESSION,),
    IA.NOTE: (M.IN_SESSION, M.ENDED),
    IA.OPEN_BALLOT: (M.IN_SESSION,),
    IA.VOTE: (M.IN_SESSION,),
    IA.CLOSE_BALLOT: (M.IN_SESSION,),
    IA.CONCLUDE: (M.IN_SESSION,),
    IA.CARRY_OVER: (M.IN_SESSION, M.ENDED),
    IA.WITHDRAW: M.PLANNED + (M.IN_SESSION,),
}


class ResolutionState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Being carried out")
    IMPLEMENTED = "implemented", _("Reported carried out, to be checked")
    RECONSIDERING = "reconsidering", _("Under reconsideration (复议)")
    CLOSED = "closed", _("Checked and closed")
    SUPERSEDED = "superseded", _("Replaced on reconsideration")


ResolutionState.OPEN = (ResolutionState.IN_PROGRESS, ResolutionState.IMPLEMENTED, ResolutionState.RECONSIDERING)


class ResolutionAction(models.TextChoices):
    REPORT = "report", _("Report progress")
    REPORT_DONE = "report_done", _("Report carried out")
    CLOSE = "close", _("Check and close")
    SEND_BACK = "send_back", _("Check: not yet done")
    REQUEST_RECONSIDERATION = "reconsider", _("Ask for reconsideration (复议)")
    KEEP = "keep", _("Reconsidered: keep the resolution")
    SUPERSEDE = "supersede", _("Reconsidered: replaced by a new resolution")
    REPORT_CONTRARY = "contrary", _("Report action contrary to the resolution")


R, RA = ResolutionState, ResolutionAction
RESOLUTION_WORKFLOW = Workflow(
    {
        RA.REPORT: ((R.IN_PROGRESS,), None),
        RA.REPORT_DONE: ((R.IN_PROGRESS,), R.IMPLEMENTED),
        RA.CLOSE: ((R.IMPLEMENTED,), R.CLOSED),
        RA.SEND_BACK: ((R.IMPLEMENTED,), R.IN_PROGRESS),
        RA.REQUEST_RECONSIDERATION: ((R.IN_PROGRESS, R.IMPLEMENTED), R.RECONSIDERING),
        RA.KEEP: ((R.RECONSIDERING,), R.IN_PROGRESS),
        RA.SUPERSEDE: ((R.RECONSIDERING,), R.SUPERSEDED),
        RA.REPORT_CONTRARY: ((R.IN_PROGRESS, R.IMPLEMENTED, R.RECONSIDERING, R.CLOSED), None),
    },
    "meetings.resolution",
)
