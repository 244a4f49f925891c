"""A person's private calendar address (the iCalendar feed of their meetings)."""

from __future__ import annotations

import secrets

from django.db import transaction

from gongzhi.core import audit
from gongzhi.orgs.models import Person

from ..models import CalendarFeed
from ..models.feeds import hash_feed_token


def renew_calendar_feed(*, actor) -> tuple[CalendarFeed, str]:
    """Give `actor` a new private calendar address; the old one (if any) stops working at once.
    Returns the feed and its token, the address's secret: only its SHA-256 is stored, so the
    caller shows the address now or never. Audited without the token."""
    token = secrets.token_urlsafe(32)  # 43 characters, 256 bits
    with transaction.atomic():
        old = CalendarFeed.objects.select_for_update().filter(user=actor).first()
        before = {"created_at": old.created_at} if old is not None else {}
        CalendarFeed.objects.filter(user=actor).delete()
        feed = CalendarFeed.objects.create(user=actor, token_hash=hash_feed_token(token))
        town_id = Person.objects.filter(user=actor).values_list("town_id", flat=True).first()
        audit.record(
            actor,
            "meetings.calendarfeed.renew",
            feed,
            before=before,
            after={"created_at": feed.created_at},
            town_id=town_id,
        )
    return feed, token
