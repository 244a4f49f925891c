"""The assessments' workflows as explicit tables (DESIGN.md convention 3).

A scheme: draft → in use (published; a cycle may use it; never edited again) → retired (a later
version was put in use). A cycle: open → scoring (figures pulled) → objections (the drafts shown
to the assessed, the window open) → decided (window over, every objection decided) → approved
(annual cycles by the leadership group, others by the office) → published (frozen). Before
publication the office may send a cycle back to scoring; a published cycle is never re-opened."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Workflow


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_USE = "in_use", _("In use")
    RETIRED = "retired", _("Retired")


class CycleState(models.TextChoices):
    OPEN = "open", _("Opened")
    SCORING = "scoring", _("Scoring")
    OBJECTIONS = "objections", _("Drafts shown: objection window")
    DECIDED = "decided", _("Objections decided")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class CycleAction(models.TextChoices):
    PULL = "pull", _("Pull the platform figures")
    SHOW_DRAFTS = "show_drafts", _("Show the drafts to the assessed")
    CLOSE_OBJECTIONS = "close_objections", _("Close the objection phase")
    APPROVE = "approve", _("Approve")
    PUBLISH = "publish", _("Publish")
    REOPEN = "reopen", _("Send back to scoring")


S, A = CycleState, CycleAction

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    A.PULL: ((S.OPEN, S.SCORING), S.SCORING),
    A.SHOW_DRAFTS: ((S.SCORING,), S.OBJECTIONS),
    A.CLOSE_OBJECTIONS: ((S.OBJECTIONS,), S.DECIDED),
    A.APPROVE: ((S.DECIDED,), S.APPROVED),
    A.PUBLISH: ((S.APPROVED,), S.PUBLISHED),
    A.REOPEN: ((S.OBJECTIONS, S.DECIDED, S.APPROVED), S.SCORING),
}

CYCLE_WORKFLOW = Workflow(TRANSITIONS, "assessments.cycle")
