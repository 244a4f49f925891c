"""Sending notifications: `notify()` inside a service's transaction; SMS go out from the worker
after commit (one job per message, by id, idempotent)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from gongzhi.core import process_cache
from gongzhi.core.jobs import enqueue_on_commit
from gongzhi.core.models import User
from gongzhi.orgs.models import Membership

from .delivery import deliver  # noqa: F401 - the worker's step, also called directly
from .models import Notification
from .tasks import deliver_sms_batch

MEMBERS_CACHE = "org-members"


def users_of(organization_ids: Iterable[int], on=None) -> list[int]:
    """Accounts of the people holding an active membership in these organisations. Kept per
    process for a minute (asked on every new case): a new member is notified within a minute."""

    def load(ids):
        return list(
            Membership.objects.filter(organization_id__in=list(ids), person__user__isnull=False)
            .active(on)
            .values_list("person__user_id", flat=True)
            .distinct()
        )

    key = (tuple(sorted(set(organization_ids))), on)
    return process_cache.remembered(MEMBERS_CACHE, key, 60, lambda: load(key[0]))


@dataclass(frozen=True)
class Message:
    """One message: in the platform to `users` (ids or accounts), and by SMS to `sms_phone`."""

    text: str
    users: Iterable[int | User] = ()
    url: str = ""
    sms_phone: str = ""

    def rows(self) -> list[Notification]:
        rows, seen = [], set()
        for user in self.users:
            user_id = user.pk if isinstance(user, User) else user
            if user_id and user_id not in seen:
                seen.add(user_id)
                rows.append(Notification(user_id=user_id, text=self.text[:500], url=self.url))
        if self.sms_phone:
            rows.append(
                Notification(phone=self.sms_phone, text=self.text[:500], url=self.url, sms_queued_at=timezone.now())
            )
        return rows


def notify(*, users: Iterable[int | User] = (), text: str, url: str = "", sms_phone: str = "") -> list[Notification]:
    """In-app notifications for `users` (ids or accounts), and one SMS to `sms_phone` if given."""
    return notify_many([Message(text=text, users=users, url=url, sms_phone=sms_phone)])


def notify_many(messages: Iterable[Message]) -> list[Notification]:
    """Several messages in one database statement; their SMS go out after commit."""
    rows = [row for message in messages for row in message.rows()]
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    sms_ids = [n.pk for n in created if n.phone]
    if sms_ids:
        # One job for the SMS of one transaction (a batch of cases sends many). A queue that does
        # not answer fails nothing: the rows wait, and delivery.requeue_unsent queues them later.
        enqueue_on_commit(deliver_sms_batch, sms_ids)
    return created


def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    return rows.update(read_at=timezone.now())
