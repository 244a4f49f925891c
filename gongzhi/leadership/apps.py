from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadershipConfig(AppConfig):
    name = "gongzhi.leadership"
    label = "leadership"
    verbose_name = _("Leadership group meetings")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
