"""The case workflow as one explicit table (DESIGN.md convention 3): which action moves a case
from which states to which state. Services check it; a test walks every allowed and every
forbidden pair. The table is read through gongzhi.core.workflow (`CASE_WORKFLOW.target()`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Workflow


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    EXPLAINED = "explained", _("Explained, with a commitment")
    ESCALATED = "escalated", _("Awaiting the joint meeting")
    RESOLVED = "resolved", _("Resolved, awaiting feedback")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected as invalid")
    MERGED = "merged", _("Merged into another case")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Action(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    START = "start", _("Start work")
    EXPLAIN = "explain", _("Explain and commit to a date")
    EXTEND = "extend", _("Extend the commitment")
    ESCALATE = "escalate", _("Escalate to the joint meeting")
    DECIDE = "decide", _("Carry out the joint meeting's resolution")  # the meeting adopted a resolution on it
    RETURN = "return", _("Back from the joint meeting without a resolution")
    RESOLVE = "resolve", _("Mark resolved")
    CONFIRM = "confirm", _("Confirm fixed")  # the resident (or the callback) says it is fixed
    REOPEN = "reopen", _("Reopen")  # the resident (or the callback) says it is not fixed: 重办
    CLOSE_UNREACHABLE = "close_unreachable", _("Close: resident not reachable")
    # An inspection group saw on site that it is fixed (gongzhi.inspections calls it).
    CONFIRM_ON_SITE = "confirm_on_site", _("Confirmed fixed on site by an inspection group")
    REJECT = "reject", _("Reject as invalid")
    MERGE = "merge", _("Merge into a duplicate")
    WITHDRAW = "withdraw", _("Withdraw")


S, A = State, Action
WORKING = (S.ACCEPTED, S.IN_PROGRESS, S.EXPLAINED, S.ESCALATED)

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    A.ACCEPT: ((S.SUBMITTED,), S.ACCEPTED),
    A.START: ((S.ACCEPTED,), S.IN_PROGRESS),
    # A second explanation is an extension (its own action, limited by the town's setting).
    A.EXPLAIN: ((S.ACCEPTED, S.IN_PROGRESS), S.EXPLAINED),
    A.EXTEND: ((S.EXPLAINED,), S.EXPLAINED),
    A.ESCALATE: ((S.ACCEPTED, S.IN_PROGRESS, S.EXPLAINED), S.ESCALATED),
    # The joint meeting's side of an escalation (gongzhi.meetings calls these): a resolution puts the
    # case back with the resolution's lead and due date (again when a reconsideration replaces it);
    # an item ended without one puts it back with its handler.
    A.DECIDE: ((S.ESCALATED, S.IN_PROGRESS), S.IN_PROGRESS),
    A.RETURN: ((S.ESCALATED,), S.IN_PROGRESS),
    A.RESOLVE: (WORKING, S.RESOLVED),
    A.CONFIRM: ((S.RESOLVED,), S.CLOSED),
    A.REOPEN: ((S.RESOLVED,), S.IN_PROGRESS),
    A.CLOSE_UNREACHABLE: ((S.RESOLVED,), S.CLOSED),
    A.CONFIRM_ON_SITE: ((S.RESOLVED,), S.CLOSED),
    A.REJECT: ((S.SUBMITTED, S.ACCEPTED), S.REJECTED),
    A.MERGE: ((S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS), S.MERGED),
    A.WITHDRAW: ((S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.EXPLAINED), S.WITHDRAWN),
}

CASE_WORKFLOW = Workflow(TRANSITIONS, "cases.case")

TERMINAL = (S.CLOSED, S.REJECTED, S.MERGED, S.WITHDRAWN)
OPEN_STATES = tuple(s for s in S if s not in TERMINAL)
