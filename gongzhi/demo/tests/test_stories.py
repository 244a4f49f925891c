"""The demo stories are found by name in every installed gongzhi app, in their order."""

import io
import sys
import types

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from gongzhi.demo import stories
from gongzhi.demo.personas import DEMO_PASSWORD, RESIDENT_PHONE


def test_each_apps_demo_module_is_a_story_played_in_order():
    found = stories.discover()
    assert [story.app for story in found][:2] == ["cases", "meetings"]
    assert [story.order for story in found] == sorted(story.order for story in found)
    from gongzhi.cases import demo as cases_demo

    assert found[0].play is cases_demo.play


def test_the_notices_demo_fills_the_meetings_story_hook():
    from gongzhi.meetings import demo as meetings_demo
    from gongzhi.notices import demo as notices_demo

    stories.discover()
    assert list(meetings_demo._resolution_follow_ups.values()) == [notices_demo.notify_residents]
    assert "notices" not in [story.app for story in stories.discover()]


def test_a_demo_module_with_half_the_interface_is_an_error(monkeypatch):
    from gongzhi.notices import demo as real  # imported first, so that monkeypatch puts it back

    module = types.ModuleType("gongzhi.notices.demo")
    module.__spec__, module.ORDER = real.__spec__, 30
    monkeypatch.setitem(sys.modules, "gongzhi.notices.demo", module)
    with pytest.raises(ImproperlyConfigured, match="gongzhi.notices.demo must define ORDER"):
        stories.discover()


def test_stories_tell_the_console_what_they_did(monkeypatch):
    played = []
    monkeypatch.setattr(
        stories,
        "discover",
        lambda: [
            stories.Story(app="b", order=1, play=lambda town: played.append("b") or "3 things made."),
            stories.Story(app="c", order=2, play=lambda town: played.append("c") or ""),
        ],
    )
    out = io.StringIO()
    stories.play_stories(types.SimpleNamespace(name="浦江镇"), stdout=out)
    assert played == ["b", "c"]
    assert out.getvalue() == "浦江镇: 3 things made."


@pytest.mark.django_db
def test_demo_logins_lists_the_personas_that_exist():
    from gongzhi.core.models import User

    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert out.getvalue() == ""  # no demo town, nothing to list
    User.objects.create(username="office")
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text and "office" in text and RESIDENT_PHONE in text and "leader" not in text
