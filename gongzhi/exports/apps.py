from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "gongzhi.exports"
    label = "exports"
    verbose_name = _("Exports")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
