"""A person's private calendar address and the iCalendar feed behind it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.permissions import requires
from gongzhi.orgs.models import Person

from .. import services
from ..ics import meeting_calendar
from ..models import (
    CalendarFeed,
    Meeting,
)


@requires("meetings.view")
def feed(request):
    """The user's private calendar address (and a button to renew it)."""
    current = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        services.renew_calendar_feed(actor=request.user)
        messages.success(request, _("New calendar address made; the old one no longer works."))
        return redirect("meetings:feed")
    url = request.build_absolute_uri(reverse("meetings:feed_ics", args=[current.token])) if current else ""
    return render(request, "meetings/feed.html", {"nav": "meetings", "feed_url": url})


@login_not_required
def feed_ics(request, token):
    """The meetings a person is invited to (or chairs), from 60 days back, as iCalendar. Public
    by its unguessable address, as calendar programs cannot sign in."""
    found = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if found is None or not found.user.is_active:
        raise Http404
    person = Person.objects.filter(user=found.user).first()
    since = timezone.now() - timedelta(days=60)
    meetings = Meeting.objects.none()
    if person is not None:
        meetings = Meeting.objects.filter(Q(invitees__person=person) | Q(chair=person), starts_at__gte=since).distinct()
    body = meeting_calendar(meetings.order_by("starts_at"), name=_("Joint meetings"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- compliance and settings ----------------------------------------------------------------
