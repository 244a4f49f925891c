from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "gongzhi.supervision"
    label = "supervision"
    verbose_name = _("Supervision (督办)")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
