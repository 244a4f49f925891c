"""Sending one notification's SMS, once (run by the worker: tasks.deliver_sms_batch), and queueing
again the SMS whose job was lost (`requeue_unsent`, a step of the periodic command).

What is guaranteed (docs/deployment.md, "Faults"): the row is locked while its SMS is sent and
marked sent in the same transaction, so two jobs for one SMS send it once, and an SMS is never
lost — a job whose worker was killed, or that the queue never took (Redis down), leaves the row
unsent and the sweep queues it again. The one window is a worker killed after the gateway accepted
the message and before the row was committed as sent: the retry sends it again, with the same
`Idempotency-Key` (Notification.sms_key), which a gateway that honours the key sends once."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.sms import SmsError, send_sms
from gongzhi.core.jobs import try_enqueue

from .models import Notification


def deliver(notification_id: int) -> str:
    """Send the SMS of one notification, once."""
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if row is None or not row.phone or row.sms_sent_at:
            return "nothing to do"
        message = row.text
        if row.url:
            message = f"{message} {settings.SITE_URL.rstrip('/')}{row.url}" if settings.SITE_URL else message
        try:
            send_sms(row.phone, message, key=row.sms_key)
        except SmsError as exc:
            # Recorded (committed: the error is raised after the block), not sent again by the sweep.
            row.sms_error = str(exc)[:200] or exc.__class__.__name__
            row.save(update_fields=["sms_error"])
            failure = exc
        else:
            row.sms_sent_at = timezone.now()
            row.sms_error = ""
            row.save(update_fields=["sms_sent_at", "sms_error"])
            return "sent"
    raise failure


# An SMS not sent this long after it was queued is queued again: longer than a queue with a
# backlog usually takes; a second job for an SMS still waiting in the queue sends nothing more.
REQUEUE_AFTER = timedelta(minutes=10)
# An SMS that could not be sent for a day is not sent any more (its news is old).
GIVE_UP_AFTER = timedelta(days=1)
BATCH = 100


def requeue_unsent() -> int:
    """Queue again the SMS neither sent nor refused by the gateway more than `REQUEUE_AFTER` after
    they were queued (their worker was killed, or the queue did not answer), for a day. Returns
    how many were queued. Idempotent; run by the periodic command."""
    from .tasks import deliver_sms_batch

    now = timezone.now()
    due = list(
        Notification.objects.filter(
            sms_sent_at__isnull=True,
            sms_error="",
            created_at__gte=now - GIVE_UP_AFTER,
            sms_queued_at__lt=now - REQUEUE_AFTER,
        )
        .exclude(phone="")
        .order_by("pk")
        .values_list("pk", flat=True)[: BATCH * 10]
    )
    queued = 0
    for start in range(0, len(due), BATCH):
        ids = due[start : start + BATCH]
        if try_enqueue(deliver_sms_batch, ids) is None:
            break  # the queue does not answer: the next run tries again
        Notification.objects.filter(pk__in=ids).update(sms_queued_at=now)
        queued += len(ids)
    return queued
