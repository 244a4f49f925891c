"""Meetings as iCalendar (RFC 5545), written with the `icalendar` library: the attachment of an
emailed invitation and each person's private calendar feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting
from .workflow import MeetingState

DURATION = timedelta(hours=2)


def meeting_calendar(meetings: Iterable[Meeting], *, name: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Gongzhi//Joint meetings//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    site = settings.SITE_URL.rstrip("/")
    host = site.split("://", 1)[-1].split("/", 1)[0] or "gongzhi"
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.uid}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + DURATION)
        event.add("summary", meeting.title)
        if meeting.place:
            event.add("location", meeting.place)
        event.add("url", f"{site}{meeting.get_absolute_url()}")
        event.add("description", f"{site}{meeting.get_absolute_url()}")
        event.add("sequence", meeting.version)
        event.add("status", "CANCELLED" if meeting.state == MeetingState.CANCELLED else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
