"""core.pages.uid_link: the URL of a uid, reversed once, is the one reverse() gives."""

from django.urls import reverse
from django.utils import translation

from gongzhi.core.pages import uid_link


def test_a_uid_link_is_the_reversed_url():
    for viewname, args in (("cases:case_detail", []), ("supervision:urge", ["case"]), ("warnings:letter", [])):
        link = uid_link(viewname, *args)
        for uid in ("a1b2c3", "0", "zz9"):
            assert link(uid) == reverse(viewname, args=[*args, uid])
    with translation.override("en"):
        assert uid_link("cases:case_detail")("abc") == reverse("cases:case_detail", args=["abc"])
