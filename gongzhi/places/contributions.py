"""What the places add to the platform (gongzhi.core.registry): the staff home page's "Your
scope" card and the compounds' quick link."""

from django.utils.translation import gettext_lazy as _

from gongzhi.core import registry

from .models import Compound, Neighborhood, Unit


def scope_panel(request, scope):
    if not scope.has("places.view"):
        return None
    user = request.user
    return {
        "neighborhoods": Neighborhood.objects.for_user(user).count(),
        "compounds": Compound.objects.for_user(user).count(),
        "units": Unit.objects.for_user(user).count(),
    }


registry.home_panel(20, "places.scope", template="places/home_panel_scope.html", context=scope_panel)
registry.quick_link(
    10, "places:compound_list", icon="bi-buildings", label=_("Compounds"),
    visible=lambda request, scope: scope.has("places.view"),
)  # fmt: skip
registry.nav_item(40, "places:compound_list", label=_("Places"), active=("places",), permission="places.view")
