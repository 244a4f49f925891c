from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "gongzhi.notices"
    label = "notices"
    verbose_name = _("Written notices")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
