from django.conf import settings

from .scope import get_scope


def platform(request):
    scope = get_scope(request.user) if hasattr(request, "user") else None
    return {
        "platform_name": settings.PLATFORM_NAME,
        "scope": scope,
        "perms_granted": scope.permissions if scope else frozenset(),
    }
