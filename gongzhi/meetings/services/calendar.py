"""A person's private calendar address (the iCalendar feed of their meetings)."""

from __future__ import annotations

import secrets

from django.db import transaction

from gongzhi.core import audit
from gongzhi.orgs.models import Person

from ..models import CalendarFeed


def renew_calendar_feed(*, actor) -> CalendarFeed:
    """Give `actor` a new private calendar address; the old one (if any) stops working at once.
    Audited without the token, which is the address's secret."""
    with transaction.atomic():
        old = CalendarFeed.objects.select_for_update().filter(user=actor).first()
        before = {"created_at": old.created_at} if old is not None else {}
        CalendarFeed.objects.filter(user=actor).delete()
        feed = CalendarFeed.objects.create(user=actor, token=secrets.token_urlsafe(32))
        town_id = Person.objects.filter(user=actor).values_list("town_id", flat=True).first()
        audit.record(
            actor,
            "meetings.calendarfeed.renew",
            feed,
            before=before,
            after={"created_at": feed.created_at},
            town_id=town_id,
        )
    return feed
