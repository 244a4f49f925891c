"""Invitations and calendar feeds in iCalendar (RFC 5545), read back with the `icalendar` library."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from gongzhi.meetings import services
from gongzhi.meetings.ics import meeting_calendar
from gongzhi.meetings.models import CalendarFeed

pytestmark = pytest.mark.django_db


def events(data: bytes) -> list:
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]


def test_a_meeting_as_icalendar(meeting):
    (event,) = events(meeting_calendar([meeting]))
    assert str(event["summary"]) == "新城联席会议"
    assert str(event["location"]) == "居委会会议室"
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)
    assert str(event["uid"]).startswith(f"meeting-{meeting.uid}@")
    assert str(event["status"]) == "CONFIRMED"
    assert meeting.get_absolute_url() in str(event["url"])


def test_a_cancelled_meeting_says_so(meeting, secretary):
    meeting = services.cancel_meeting(actor=secretary, meeting=meeting, reason="改期", expected_version=meeting.version)
    (event,) = events(meeting_calendar([meeting]))
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == meeting.version


def test_invitations_by_email_carry_the_meeting(meeting, world, secretary, django_capture_on_commit_callbacks):
    user = world.users["rc_worker"]
    user.email = "rc@example.org"
    user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):  # e-mails go out after commit
        sent = services.send_invitations(actor=secretary, meeting=meeting, expected_version=meeting.version)
    assert sent == meeting.invitees.count()
    (message,) = mail.outbox
    assert message.to == ["rc@example.org"]
    (name, content, mimetype) = message.attachments[0]
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    (event,) = events(content if isinstance(content, bytes) else content.encode())
    assert str(event["summary"]) == meeting.title


def test_the_download_of_one_meeting(meeting, client_for):
    response = client_for("rc_worker").get(reverse("meetings:ics", args=[meeting.uid]))
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = events(response.content)
    assert str(event["summary"]) == meeting.title


def new_feed_address(signed_in) -> str:
    """Make a calendar address and read it from the page the renewal leads to (shown only there)."""
    return signed_in.post(reverse("meetings:feed"), follow=True).context["feed_url"]


def test_a_personal_feed_lists_the_meetings_one_is_invited_to(meeting, world, client_for, client):
    rc_worker = client_for("rc_worker")
    address = new_feed_address(rc_worker)
    assert CalendarFeed.objects.filter(user=world.users["rc_worker"]).exists()
    response = client.get(address)  # a calendar program: no session
    assert response.status_code == 200
    assert [str(e["summary"]) for e in events(response.content)] == [meeting.title]
    # Renewing the address stops the old one.
    new_feed_address(rc_worker)
    assert client.get(address).status_code == 404
    # Someone not invited sees an empty calendar.
    other = new_feed_address(client_for("gov_staff"))
    assert events(client.get(other).content) == []
