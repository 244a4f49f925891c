"""How long messages to people are kept (PIPL; gongzhi.core.retention): a notification holds a
text about someone's matter and, for an SMS, the mobile number it went to."""

from __future__ import annotations

from django.conf import settings

from gongzhi.core import retention

from .models import Notification


def purge_notifications(*, dry_run: bool = False) -> int:
    """Delete the notifications made before the period `RETENTION_NOTIFICATIONS_DAYS`: read or
    unread, in the platform or by SMS. One period for all: a message left unread for that long
    no longer tells anyone anything (the case, meeting or notice it points to keeps its own
    history), and an SMS was sent or given up on long before."""
    days = settings.RETENTION_NOTIFICATIONS_DAYS
    before = retention.period_start(days)
    rows = Notification.objects.filter(created_at__lt=before)
    return retention.apply(
        "notifications", rows, retention.delete_rows(Notification), before=before, days=days, dry_run=dry_run
    )
