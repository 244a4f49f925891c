from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "gongzhi.credit"
    label = "credit"
    verbose_name = _("Credit files")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
