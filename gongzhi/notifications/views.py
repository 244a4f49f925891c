from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gongzhi.core.pages import paginate

from . import services
from .models import Notification


def notification_list(request):
    notifications = Notification.objects.filter(user=request.user)
    return render(
        request,
        "notifications/list.html",
        {
            "nav": "notifications",
            "page_obj": paginate(request, notifications),
            "unread": notifications.filter(read_at__isnull=True).count(),
        },
    )


@require_POST
def notification_open(request, pk):
    """Mark one notification read and go to what it is about."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
def notification_read_all(request):
    services.mark_read(user=request.user)
    return redirect("notifications:list")
