from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongzhi.core"
    label = "core"
    verbose_name = _("Kernel")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
