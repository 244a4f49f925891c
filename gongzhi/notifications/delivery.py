"""Sending one notification's SMS, once (run by the worker: tasks.deliver_sms_batch)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongzhi.accounts.sms import SmsError, send_sms

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
            send_sms(row.phone, message)
        except SmsError as exc:
            row.sms_error = str(exc)[:200]
            row.save(update_fields=["sms_error"])
            raise
        row.sms_sent_at = timezone.now()
        row.sms_error = ""
        row.save(update_fields=["sms_sent_at", "sms_error"])
    return "sent"
