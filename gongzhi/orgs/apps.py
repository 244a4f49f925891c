from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "gongzhi.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self):
        from gongzhi.core.scope import set_builder

        from . import contributions  # noqa: F401 - registers what the app adds to the platform
        from .scope import compute_scope

        set_builder(compute_scope)
