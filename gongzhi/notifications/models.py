"""Messages to people: in the platform (the bell), and by SMS where asked for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    phone = models.CharField(max_length=11, blank=True, help_text="SMS recipient, if an SMS is to be sent")
    text = models.CharField(_("message"), max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    # When its SMS was last given to the job queue: an SMS not sent some minutes later (its worker
    # was killed, or the queue did not answer) is queued again by the periodic sweep.
    sms_queued_at = models.DateTimeField(null=True, blank=True)
    sms_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def sms_key(self) -> str:
        """The same on every attempt to send this SMS, unique to it: sent to the gateway as its
        `Idempotency-Key`, so that a gateway that honours it sends a retried message once."""
        return f"gongzhi-sms-{self.pk}-{int(self.created_at.timestamp())}"
