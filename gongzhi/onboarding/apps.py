from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "gongzhi.onboarding"
    label = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self):
        from . import contributions  # noqa: F401 - registers what the app adds to the platform
