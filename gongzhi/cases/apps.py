from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gongzhi.cases"
    label = "cases"
    verbose_name = _("Residents' cases")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
