from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "gongzhi.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
