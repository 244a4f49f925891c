from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "gongzhi.dashboard"
    label = "dashboard"
    verbose_name = _("Town at a glance")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
