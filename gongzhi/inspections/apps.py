from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "gongzhi.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
