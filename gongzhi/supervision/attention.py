"""Home-page items: the office and the leadership group — urged records still waiting; the
organisations urged get a notification with the link to the record (not a home item: the record's
own app lists it as overdue already)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from gongzhi.core.registry import AttentionItem

from .models import Urging


def items_for(user, scope, today):
    if not scope.has("supervision.view") or scope.is_platform_admin:
        return
    waiting = Urging.objects.for_user(user).waiting().count()
    if waiting:
        yield AttentionItem(
            "info",
            ngettext("%(n)s urged record still waiting", "%(n)s urged records still waiting", waiting) % {"n": waiting},
            reverse("supervision:home") + "?show=urged",
        )
