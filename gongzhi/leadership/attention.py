"""Home-page items of the leadership group's meetings: for the office and the group — a meeting
coming within a week (or today), and a meeting begun but not yet closed with its minutes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.registry import AttentionItem

from .models import GroupMeeting
from .workflow import MeetingState

SOON = timedelta(days=7)


def items_for(user, scope, today):
    if not scope.has("leadership.view") or scope.is_platform_admin:
        return
    meetings = GroupMeeting.objects.for_user(user)
    now = timezone.now()
    for m in meetings.filter(state=MeetingState.SCHEDULED, starts_at__lte=now + SOON).order_by("starts_at"):
        yield AttentionItem(
            "info",
            _("%(title)s: %(when)s")
            % {"title": m.title, "when": timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M")},
            m.get_absolute_url(),
        )
    if scope.has("leadership.run"):
        for m in meetings.filter(state=MeetingState.HELD).order_by("starts_at"):
            yield AttentionItem(
                "warning",
                _("%(title)s has begun: conclude its items and close it with the minutes.") % {"title": m.title},
                m.get_absolute_url(),
            )
