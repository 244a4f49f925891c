from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "gongzhi.warning_letters"
    label = "warnings"
    verbose_name = _("Warning letters")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
