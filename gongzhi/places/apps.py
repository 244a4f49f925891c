from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "gongzhi.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self):
        from gongzhi.core.scope import set_place_lookups

        from . import contributions  # noqa: F401 - registers what the app adds to the platform
        from .lookups import neighborhoods_of_compounds, towns_of

        set_place_lookups(neighborhoods_of_compounds=neighborhoods_of_compounds, towns_of=towns_of)
