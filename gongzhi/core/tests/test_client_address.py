"""The client's address behind the documented proxy (issue 11, finding 1): every limit counts the
address the trusted proxy saw; what the client writes into X-Forwarded-For is never believed."""

import pytest
from django.test import RequestFactory

from gongzhi.core.client import client_address

pytestmark = pytest.mark.django_db


def request(remote="127.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        (0, "203.0.113.9", None, "203.0.113.9"),
        (0, "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # no trusted proxy: the header is the client's word
        (1, "127.0.0.1", "198.51.100.7", "198.51.100.7"),  # nginx appended the client
        (1, "127.0.0.1", "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # a forged entry on the left is ignored
        (2, "127.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2", "198.51.100.7"),  # two proxies
        (1, "203.0.113.9", None, "203.0.113.9"),  # not through the proxy at all
        (1, "127.0.0.1", "not-an-address", "127.0.0.1"),
    ],
)
def test_the_client_is_what_the_outermost_trusted_proxy_saw(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    assert client_address(request(remote, forwarded)) == expected


def test_axes_counts_the_same_address(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXIES = 1
    assert get_client_ip_address(request("127.0.0.1", "9.9.9.9, 198.51.100.7")) == "198.51.100.7"


def test_behind_the_proxy_one_client_cannot_block_everyone(settings, client):
    """Before: every request came from 127.0.0.1, so one client's code requests used up the
    per-address allowance of all residents."""
    settings.TRUSTED_PROXIES = 1
    limit = settings.OTP_MAX_PER_ADDRESS_PER_HOUR
    for n in range(limit):
        client.post(
            "/accounts/phone/",
            {"phone": f"1390000{n:04d}"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    blocked = client.post(
        "/accounts/phone/", {"phone": "13911112222"}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert blocked.status_code != 302  # the abuser's address is limited …
    other = client.post(
        "/accounts/phone/", {"phone": "13922223333"}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50"
    )
    assert other.status_code == 302  # … another resident behind the same proxy is not
