"""Page helpers that need the places."""

from __future__ import annotations

from gongzhi.core.scope import get_scope

from .models import Town


def managed_towns(request, permission: str = "town.manage"):
    """The towns where the user holds `permission` (a town-level right), in code order."""
    area = get_scope(request.user).area(permission)
    towns = Town.objects.all() if area.everything else Town.objects.filter(pk__in=area.towns)
    return towns.order_by("code")
