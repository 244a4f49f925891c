"""What the notifications hold about a user, for their page "My personal data" and its download
(gongzhi.accounts.personal_data): the messages to their account, and the text messages (SMS) to its
mobile number — also those sent to the number before the account existed."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.personal_data import Section

from .models import Notification


def _notifications(user) -> list[dict]:
    theirs = Q(user=user)
    if user.phone:
        theirs |= Q(phone=user.phone)
    return [
        {
            "sent_at": n.created_at,
            "text": n.text,
            "to_account": n.user_id == user.pk,
            "read": n.read_at is not None,
            "read_at": n.read_at,
            "sms": ({"to": n.phone, "sent_at": n.sms_sent_at, "error": n.sms_error} if n.phone else None),
        }
        for n in Notification.objects.filter(theirs).order_by("-created_at", "-pk")
    ]


SECTIONS = (
    Section(
        80,
        "notifications",
        _("Notifications"),
        _notifications,
        "notifications/personal_data/notifications.html",
        empty=_("No notification was sent to you."),
        covers=("notifications.notification.user", "notifications.notification.phone"),
    ),
)
