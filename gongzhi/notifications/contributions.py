"""What the notifications add to the platform (gongzhi.core.registry): the SMS whose job was
lost queued again, and the retention purge of old notifications."""

from django.utils.translation import gettext

from gongzhi.core import registry

from .delivery import requeue_unsent
from .retention import purge_notifications

registry.sweep(78, "notifications.sms_requeue", requeue_unsent)

registry.purge(92, "retention.notifications", purge_notifications)
registry.audit_labels(
    verbs_by_type={
        "retention": {"notifications": lambda: gettext("Notifications past their retention period deleted")},
    },
)
