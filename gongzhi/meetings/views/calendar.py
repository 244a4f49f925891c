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
from gongzhi.core.scope import compute_scope
from gongzhi.orgs.models import Person

from .. import services
from ..ics import meeting_calendar
from ..models import (
    CalendarFeed,
    Meeting,
)
from ..models.feeds import hash_feed_token

NEW_FEED_TOKEN = "meetings:new-feed-token"  # noqa: S105 - the session key, not a secret


@requires("meetings.view")
def feed(request):
    """The user's private calendar address (and a button to renew it). Only the token's hash is
    stored: the address is shown once, on the page the renewal leads to (the token waits in the
    session for that one page view)."""
    if request.method == "POST":
        _feed, token = services.renew_calendar_feed(actor=request.user)
        request.session[NEW_FEED_TOKEN] = token
        messages.success(request, _("New calendar address made; the old one no longer works."))
        return redirect("meetings:feed")
    current = CalendarFeed.objects.filter(user=request.user).first()
    token = request.session.pop(NEW_FEED_TOKEN, None)
    url = ""
    if current is not None and token and hash_feed_token(token) == current.token_hash:
        url = request.build_absolute_uri(reverse("meetings:feed_ics", args=[token]))
    return render(request, "meetings/feed.html", {"nav": "meetings", "feed_url": url, "feed": current})


@login_not_required
def feed_ics(request, token):
    """The meetings a person is invited to (or chairs), from 60 days back, as iCalendar. Public
    by its unguessable address, as calendar programs cannot sign in; it answers (else 404) only
    while its owner's account is active and holds a membership that lets them see meetings."""
    found = CalendarFeed.objects.filter(token_hash=hash_feed_token(token)).select_related("user").first()
    if found is None or not found.user.is_active or not compute_scope(found.user).has("meetings.view"):
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
