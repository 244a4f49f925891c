from django.conf import settings
from django.urls import reverse

from . import registry
from .scope import get_scope


def _nav_items(permissions: frozenset[str]) -> list[dict]:
    """The navigation bar's entries the apps registered, for a user holding these permissions."""
    return [
        {"url": reverse(item.url_name), "label": item.label, "active": item.active}
        for item in registry.nav_items()
        if item.visible(permissions)
    ]


def platform(request):
    scope = get_scope(request.user) if hasattr(request, "user") else None
    permissions = scope.permissions if scope else frozenset()
    return {
        "platform_name": settings.PLATFORM_NAME,
        "scope": scope,
        "perms_granted": permissions,
        # a callable: the template evaluates it only on pages that show the bar
        "nav_items": lambda: _nav_items(permissions),
    }
