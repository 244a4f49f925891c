"""The unread count of the bell in the navigation bar, on every page."""

from .models import Notification


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    # Counted once per request: the home page renders its cards with the request's context too.
    count = getattr(request, "_unread_notifications", None)
    if count is None:
        count = request._unread_notifications = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {"unread_notifications": count}
