"""Security review, issue 11, finding 8: a calendar address's token is stored only as its SHA-256,
the address is shown once (when made), the addresses made before keep working but are not shown
again (the page says to make a new one), and a feed answers only while its owner holds a
membership that lets them see meetings."""

import hashlib
import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.meetings.models import CalendarFeed
from gongzhi.meetings.models.feeds import hash_feed_token
from gongzhi.orgs.models import Membership

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]

FEED = reverse("meetings:feed")


def make_address(signed_in):
    """POST "make my address" and follow to the page that shows it: (that page, the address)."""
    page = signed_in.post(FEED, follow=True)
    assert page.status_code == 200
    return page, page.context["feed_url"]


def token_of(address: str) -> str:
    return address.rsplit("/", 1)[1].removesuffix(".ics")


def test_only_the_hash_of_the_token_is_stored(world, client_for, meeting):
    _page, address = make_address(client_for("rc_worker"))
    token = token_of(address)
    assert len(token) == 43
    feed = CalendarFeed.objects.get(user=world.users["rc_worker"])
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(getattr(feed, f.attname)) for f in CalendarFeed._meta.concrete_fields]
    assert not any(token in value for value in stored)
    entry = AuditEntry.objects.get(action="meetings.calendarfeed.renew", object_id=str(feed.pk))
    assert token not in f"{entry.before} {entry.after}"


def test_the_address_is_shown_once(world, client_for, client, meeting):
    rc_worker = client_for("rc_worker")
    page, address = make_address(rc_worker)
    html = page.content.decode()
    assert address in html and 'data-testid="feed-once"' in html
    assert client.get(address).status_code == 200
    again = rc_worker.get(FEED)
    html = again.content.decode()
    assert again.context["feed_url"] == "" and token_of(address) not in html
    assert 'data-testid="feed-hidden"' in html  # "make a new one to see an address"
    assert client.get(address).status_code == 200  # still works


def test_an_address_made_before_keeps_working_and_the_page_says_to_renew(world, client_for, client, meeting):
    """The migration hashes the stored tokens in place: the calendars that subscribed go on."""
    migration = importlib.import_module("gongzhi.meetings.migrations.0007_hashed_feed_tokens")
    old_token = "Q" * 20 + "r" * 23  # as secrets.token_urlsafe(32) made them, 43 characters
    # Before the migration's data step, the (renamed) column holds the token itself.
    feed = CalendarFeed.objects.create(user=world.users["rc_worker"], token_hash=old_token)
    migration.hash_tokens(apps, None)
    feed.refresh_from_db()
    assert feed.token_hash == hash_feed_token(old_token)
    response = client.get(reverse("meetings:feed_ics", args=[old_token]))
    assert response.status_code == 200 and meeting.title in response.content.decode()
    page = client_for("rc_worker").get(FEED)
    assert page.context["feed_url"] == "" and 'data-testid="feed-hidden"' in page.content.decode()
    assert old_token not in page.content.decode()


def test_a_feed_stops_when_the_membership_ends(world, client_for, client, clock, meeting):
    _page, address = make_address(client_for("rc_worker"))
    assert client.get(address).status_code == 200
    person = world.people["rc_worker"]
    Membership.objects.filter(person=person).update(
        start=clock.today - timedelta(days=30), end=clock.today - timedelta(days=1)
    )
    assert client.get(address).status_code == 404


def test_a_feed_stops_when_the_account_is_disabled(world, client_for, client, meeting):
    _page, address = make_address(client_for("rc_worker"))
    user = world.users["rc_worker"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(address).status_code == 404


def test_a_feed_answers_for_a_membership_that_starts_later_only_from_then(world, client_for, client, clock, meeting):
    _page, address = make_address(client_for("rc_worker"))
    Membership.objects.filter(person=world.people["rc_worker"]).update(start=clock.today + timedelta(days=1), end=None)
    assert client.get(address).status_code == 404
    clock.shift(days=1)
    assert client.get(address).status_code == 200


def test_an_unknown_or_renewed_address_is_404(world, client_for, client, meeting):
    rc_worker = client_for("rc_worker")
    _page, first = make_address(rc_worker)
    _page, second = make_address(rc_worker)
    assert first != second
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200
    assert client.get(reverse("meetings:feed_ics", args=["z" * 43])).status_code == 404
