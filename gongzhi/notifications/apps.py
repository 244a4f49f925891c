from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gongzhi.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
