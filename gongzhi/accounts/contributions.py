"""What the accounts add to the platform (gongzhi.core.registry): the resident's home card with
their units (and the invite code to claim one), and the staff's "My home" quick link."""

from django.utils.translation import gettext_lazy as _

from gongzhi.core import registry
from gongzhi.orgs.models import Residency


def _residencies(user):
    person = getattr(user, "person", None)
    if person is None:
        return Residency.objects.none()
    return Residency.objects.filter(person=person).active().select_related("unit__building", "unit__compound")


def residencies_panel(request, scope):
    return {"residencies": _residencies(request.user)}


registry.home_panel(
    20, "accounts.residencies", template="accounts/home_panel_residencies.html", context=residencies_panel,
    audience="resident",
)  # fmt: skip
registry.quick_link(
    90, "accounts:my_home", icon="bi-house", label=_("My home"),
    visible=lambda request, scope: _residencies(request.user).exists(),
)  # fmt: skip
