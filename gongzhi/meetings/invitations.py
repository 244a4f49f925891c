"""The words of a meeting's invitation, and the invitation by email with its iCalendar file (sent
by the worker: tasks.email_invitation)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _

from .ics import meeting_calendar
from .models import Meeting


def invitation_words(meeting: Meeting) -> dict:
    local = timezone.localtime(meeting.starts_at)
    return {"title": meeting.title, "when": f"{local:%Y-%m-%d %H:%M}", "place": meeting.place or _("(place to follow)")}


def email_invitation_now(meeting_id: int, emails: list[str]) -> int:
    """The invitation by email with the meeting as an iCalendar attachment (run by the worker)."""
    meeting = Meeting.objects.get(pk=meeting_id)
    message = EmailMessage(
        subject=meeting.title,
        body=_("Invitation: %(title)s, %(when)s at %(place)s.") % invitation_words(meeting),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=emails,
    )
    message.attach("meeting.ics", meeting_calendar([meeting]), "text/calendar; method=REQUEST")
    return message.send()
