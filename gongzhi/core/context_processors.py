from django.conf import settings

from .scope import get_scope


def platform(request):
    scope = get_scope(request.user) if hasattr(request, "user") else None
    unread = 0
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        from gongzhi.notifications.models import Notification

        unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return {
        "platform_name": settings.PLATFORM_NAME,
        "scope": scope,
        "perms_granted": scope.permissions if scope else frozenset(),
        "unread_notifications": unread,
    }
