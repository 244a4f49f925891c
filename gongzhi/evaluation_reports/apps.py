from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationReportsConfig(AppConfig):
    name = "gongzhi.evaluation_reports"
    label = "evaluation_reports"
    verbose_name = _("Evaluation reports")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
