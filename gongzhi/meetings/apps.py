from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "gongzhi.meetings"
    label = "meetings"
    verbose_name = _("Joint meetings")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
