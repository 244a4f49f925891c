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


def test_the_town_choosers_options_escape_and_mark_the_chosen():
    from types import SimpleNamespace

    from gongzhi.core.pages import TownChoice

    towns = [SimpleNamespace(pk=1, uid="a1", name="浦江镇"), SimpleNamespace(pk=2, uid="b2", name='<b>"x"&</b>')]
    assert TownChoice(towns=towns).options == (
        '<option value="a1">浦江镇</option><option value="b2">&lt;b&gt;&quot;x&quot;&amp;&lt;/b&gt;</option>'
    )
    assert TownChoice(towns=towns, chosen=towns[1]).options == (
        '<option value="a1">浦江镇</option><option value="b2" selected>&lt;b&gt;&quot;x&quot;&amp;&lt;/b&gt;</option>'
    )
