from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "gongzhi.api"
    label = "api"
    verbose_name = _("HTTP API")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
