"""Security review, issue 11, finding 8: a tracking link carries at least 128 bits, the links made
before keep working, and the addresses /t/… are throttled per client address (too many links that
lead nowhere, or too many requests, are a 429 until the window ends)."""

import math

import pytest
from django.test import Client

from gongzhi.cases.models import TRACKING_TOKEN_LENGTH, Case, new_tracking_token
from gongzhi.cases.views import public
from gongzhi.core.ids import ALPHABET
from gongzhi.core.tests.files import jpeg_with_gps
from gongzhi.core.uploads import clean_photo

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def test_a_new_tracking_token_carries_at_least_128_bits(world, submit):
    assert TRACKING_TOKEN_LENGTH * math.log2(len(set(ALPHABET))) >= 128
    case = submit()
    assert len(case.tracking_token) == TRACKING_TOKEN_LENGTH
    assert set(case.tracking_token) <= set(ALPHABET)
    tokens = {new_tracking_token() for _ in range(200)}
    assert len(tokens) == 200 and all(len(t) == TRACKING_TOKEN_LENGTH for t in tokens)
    assert from_address("203.0.113.1").get(case.tracking_url()).status_code == 200


def test_a_link_made_before_keeps_working(world, submit):
    """Cases made before the change keep their 12-character token (and the link people have)."""
    case = submit()
    Case.objects.filter(pk=case.pk).update(tracking_token="k3m4n5p6q7r8")
    response = from_address("203.0.113.1").get("/t/k3m4n5p6q7r8/")
    assert response.status_code == 200 and case.number in response.content.decode()


def test_guessing_links_is_stopped_per_address(world, submit, clock):
    case = submit(photos=[clean_photo(jpeg_with_gps())])
    photo = case.photos.get()
    guesser, neighbour = from_address("198.51.100.7"), from_address("203.0.113.9")
    for n in range(public.TRACK_MISSES):
        assert guesser.get(f"/t/{'x' * 20}{n:06d}/").status_code == 404
    # Past the limit, nothing more from that address, not even a right link (no oracle) or a photo.
    assert guesser.get(f"/t/{'x' * 20}999999/").status_code == 429
    refused = guesser.get(case.tracking_url())
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert guesser.get(f"/t/{case.tracking_token}/photos/{photo.uid}/").status_code == 429
    assert guesser.post(f"/t/{case.tracking_token}/message/", {"text": "还在漏水"}).status_code == 429
    # Another address is not affected.
    assert neighbour.get(case.tracking_url()).status_code == 200
    # Once the window has passed, the address may ask again.
    clock.shift(seconds=public.TRACK_WINDOW)
    assert guesser.get(case.tracking_url()).status_code == 200


def test_an_unknown_link_to_a_photo_counts_as_a_miss_a_wrong_photo_does_not(world, submit):
    case = submit()
    visitor = from_address("198.51.100.8")
    for n in range(public.TRACK_MISSES):  # the right link, a photo it does not have: nothing guessed
        assert visitor.get(f"/t/{case.tracking_token}/photos/nosuchphoto{n:02d}/").status_code == 404
    assert visitor.get(case.tracking_url()).status_code == 200
    for n in range(public.TRACK_MISSES):
        assert visitor.get(f"/t/{'y' * 20}{n:06d}/photos/nosuchphoto/").status_code == 404
    assert visitor.get(case.tracking_url()).status_code == 429


def test_signed_in_people_are_counted_per_account(world, submit, client_for):
    """Staff in one office share a network address: one account's misses do not block another's;
    and a right link that is not one's own (404 to the reporter's actions) is not a miss."""
    case = submit()
    outsider, worker = client_for("outsider"), client_for("rc_worker")
    for _ in range(public.TRACK_MISSES + 5):
        assert outsider.post(f"/t/{case.tracking_token}/message/", {"text": "冒充"}).status_code == 404
    assert outsider.get(case.tracking_url()).status_code == 200
    for n in range(public.TRACK_MISSES):
        assert outsider.get(f"/t/{'z' * 20}{n:06d}/").status_code == 404
    assert outsider.get(case.tracking_url()).status_code == 429
    assert worker.get(case.tracking_url()).status_code == 200  # same address, another account
    assert Client().get(case.tracking_url()).status_code == 200  # the address itself is not blocked


def test_too_many_requests_from_one_address(world, submit, monkeypatch):
    monkeypatch.setattr(public, "TRACK_REQUESTS", 3)
    case = submit()
    reader = from_address("198.51.100.9")
    assert [reader.get(case.tracking_url()).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert from_address("198.51.100.10").get(case.tracking_url()).status_code == 200


def test_the_limits_read_the_client_address_through_one_function(world, submit, monkeypatch):
    """Behind a proxy, the address comes from gongzhi.core.client (one place to change)."""
    seen = []
    monkeypatch.setattr(public, "client_address", lambda request: seen.append(request) or "192.0.2.1")
    case = submit()
    assert Client().get(case.tracking_url()).status_code == 200
    assert seen
