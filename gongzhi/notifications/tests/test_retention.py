"""Notifications are deleted once past `RETENTION_NOTIFICATIONS_DAYS` (PIPL; issue 11, finding 4):
read or unread, in the platform or by SMS, the same period."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings

from gongzhi.core.audit_display import action_label
from gongzhi.core.models import AuditEntry
from gongzhi.notifications.models import Notification
from gongzhi.notifications.retention import purge_notifications

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english"), pytest.mark.frozen("2026-11-27 10:00")]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def made(when: str, **fields) -> int:
    row = Notification.objects.create(text="案件2611-0001已受理", url="/t/x/", **fields)
    Notification.objects.filter(pk=row.pk).update(created_at=at(when))
    return row.pk


def left() -> set[int]:
    return set(Notification.objects.values_list("pk", flat=True))


def test_read_unread_and_sms_past_the_period_go_the_younger_stay(world, clock):
    assert django_settings.RETENTION_NOTIFICATIONS_DAYS == 365
    user = world.users["resident"]
    # 365 days before 2026-11-27: the first day kept is 2025-11-27.
    read = made("2025-11-26 23:59", user=user, read_at=at("2025-11-27 08:00"))
    unread = made("2025-11-26 12:00", user=user)
    sms = made("2025-11-26 23:59", phone="13800000001", sms_sent_at=at("2025-11-26 23:59"))
    kept = {
        made("2025-11-27 00:00", user=user, read_at=at("2025-11-27 08:00")),
        made("2025-11-27 00:00", user=user),
        made("2025-11-27 00:00", phone="13800000001"),
        made("2026-11-27 09:00", user=user),
    }

    assert purge_notifications() == 3
    assert left() == kept and not {read, unread, sms} & left()
    entry = AuditEntry.objects.get(action="retention.notifications")
    assert (entry.actor_id, entry.chain.key) == (None, "platform")
    assert entry.after == {"count": 3, "dated_before": "2025-11-27", "retention_days": 365}
    assert action_label(entry.action) == "Notifications past their retention period deleted"

    assert purge_notifications() == 0  # a second run changes nothing
    assert left() == kept and AuditEntry.objects.filter(action="retention.notifications").count() == 1

    clock.move_to("2026-11-28 00:00")  # the day after: those of 2025-11-27 are due
    assert purge_notifications() == 3 and len(left()) == 1


def test_the_period_is_a_setting(world, settings):
    settings.RETENTION_NOTIFICATIONS_DAYS = 30
    due = made("2026-10-27 23:59", user=world.users["office"])
    kept = made("2026-10-28 00:00", user=world.users["office"])
    assert purge_notifications(dry_run=True) == 1 and due in left()  # a dry run only counts
    assert purge_notifications() == 1
    assert left() == {kept}
