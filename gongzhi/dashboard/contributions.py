"""What the dashboard adds to the platform (gongzhi.core.registry): its navigation entry."""

from django.utils.translation import gettext_lazy

from gongzhi.core import registry

registry.nav_item(
    5,
    "dashboard:home",
    label=gettext_lazy("At a glance"),
    active=("dashboard",),
    permission="dashboard.view",
)
