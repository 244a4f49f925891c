"""The written notice's workflow as one table (DESIGN.md convention 3): which action moves a
notice from which states to which state. The services check it; a test walks every pair."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Workflow


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Open for comments")
    CLOSED = "closed", _("Comment period ended")
    SUMMARISED = "summarised", _("Summarised for the joint meeting")


class NoticeAction(models.TextChoices):
    EDIT = "edit", _("Edit the draft")
    PUBLISH = "publish", _("Publish to the residents")
    COMMENT = "comment", _("Give an opinion")
    REPLY = "reply", _("Reply")
    CLOSE = "close", _("Close the comment period")
    SUMMARISE = "summarise", _("Put the opinions on the next meeting's agenda")


N, NA = NoticeState, NoticeAction
NOTICE_WORKFLOW = Workflow(
    {
        # None: the state stays as it is.
        NA.EDIT: ((N.DRAFT,), None),
        NA.PUBLISH: ((N.DRAFT,), N.PUBLISHED),
        NA.COMMENT: ((N.PUBLISHED,), None),
        NA.REPLY: ((N.PUBLISHED, N.CLOSED), None),
        NA.CLOSE: ((N.PUBLISHED,), N.CLOSED),
        NA.SUMMARISE: ((N.CLOSED,), N.SUMMARISED),
    },
    "notices.notice",
)
