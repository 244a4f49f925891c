"""What the accounts add to the platform (gongzhi.core.registry): the resident's home card with
their units (and the invite code to claim one), the staff's "My home" quick link, and the
retention purges of one-time codes and expired sessions."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core import registry
from gongzhi.orgs.models import Residency
from gongzhi.orgs.scope import has_home

from .retention import purge_phone_codes, purge_sessions


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
    visible=lambda request, scope: has_home(request.user),
)  # fmt: skip
registry.purge(90, "retention.phone_codes", purge_phone_codes)
registry.purge(91, "retention.sessions", purge_sessions)
registry.audit_labels(
    verbs_by_type={
        "retention": {
            "phone_codes": lambda: gettext("Sign-in codes past their retention period deleted"),
            "sessions": lambda: gettext("Expired sign-in sessions deleted"),
        },
    },
)


# What the platform holds about a person (accounts:my_data; gongzhi.accounts.personal_data): a link
# on the resident's home, and how the history reads each download of it.
registry.home_panel(
    90, "accounts.my_data", template="accounts/home_panel_my_data.html", context=lambda request, scope: {},
    audience="resident",
)  # fmt: skip
registry.audit_labels(
    verbs={"personal_data_export": lambda: gettext("Personal data downloaded by its owner")},
    extra_fields={"records": lambda: gettext("Records in the download")},
)
