from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "gongzhi.awards"
    label = "awards"
    verbose_name = _("Awards")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
