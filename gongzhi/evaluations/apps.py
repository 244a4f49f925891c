from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "gongzhi.evaluations"
    label = "evaluations"
    verbose_name = _("Quarterly evaluations")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
