"""Home-page items: compounds not visited within the town's interval (the group's members and the
office), overdue rectification orders (the responsible organisation and the group)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from gongzhi.core.registry import AttentionItem
from gongzhi.orgs.models import Body

from .models import RectificationOrder
from .selectors import not_visited_count


def _groups(scope):
    groups = Body.objects.filter(kind=Body.Kind.INSPECTION_GROUP)
    if scope.is_platform_admin:
        return groups.none()
    office_towns = scope.area("inspections.settings").towns
    return groups.filter(pk__in=scope.body_ids) | groups.filter(town_id__in=office_towns)


def items_for(user, scope, today):
    if not scope.has("inspections.view"):
        return
    if scope.has("inspections.inspect"):
        n = not_visited_count(_groups(scope).order_by("town_id", "number"), today)
        if n:
            yield AttentionItem(
                "warning",
                ngettext(
                    "%(n)s compound not inspected within the town's interval",
                    "%(n)s compounds not inspected within the town's interval",
                    n,
                )
                % {"n": n},
                reverse("inspections:home"),
            )
    overdue = RectificationOrder.objects.none()
    if scope.organization_ids and scope.has("inspections.answer"):
        overdue = RectificationOrder.objects.overdue().filter(responsible_id__in=scope.organization_ids)
    group_ids = [pk for pk in scope.body_ids]
    if group_ids and scope.has("inspections.inspect"):
        overdue = overdue | RectificationOrder.objects.overdue().filter(group_id__in=group_ids)
    count = overdue.count()
    if count:
        yield AttentionItem(
            "warning",
            ngettext("%(n)s rectification order overdue", "%(n)s rectification orders overdue", count) % {"n": count},
            reverse("inspections:orders") + "?overdue=1",
        )
