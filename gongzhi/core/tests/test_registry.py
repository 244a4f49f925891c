"""The kernel's registries: what the apps contribute is collected in order, and what they name
exists."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from gongzhi.core import registry
from gongzhi.core.management.commands.periodic import run_once


def test_every_registered_link_and_nav_entry_resolves():
    names = [link.url_name for link in registry.quick_links()] + [item.url_name for item in registry.nav_items()]
    assert "core:home" in names and "cases:inbox" in names
    for name in names:
        assert reverse(name)


def test_the_sweeps_run_in_their_order():
    assert [s.name for s in registry.sweeps()] == [
        "intakes",
        "cases",
        "meetings",
        "resolutions",
        "inspections.overdue",
        "notices",
        "agenda_items",
        "evaluations.reminders",
        "credit.rules",
        "warnings.letters",
        "exports.stalled",
        "exports.requeue",
        "onboarding.requeue",
        "notifications.sms_requeue",
        "supervision.moved",
        "retention.phone_codes",
        "retention.sessions",
        "retention.notifications",
        "retention.intake_payloads",
        "retention.submitted_from",
        "retention.exports",
    ]
    assert [p.name for p in registry.purges()] == [s.name for s in registry.sweeps() if s.name.startswith("retention.")]


@pytest.mark.django_db
def test_periodic_runs_every_registered_sweep_once():
    results = run_once()
    assert list(results) == [s.name for s in registry.sweeps()]


def test_orders_decide_the_sequence_not_the_registration(monkeypatch):
    monkeypatch.setattr(registry, "_attention", {})
    registry.attention(20, lambda user, scope, today: ["second"], name="b")
    registry.attention(10, lambda user, scope, today: ["first"], name="a")
    assert [e.name for e in registry.attention_providers()] == ["a", "b"]


def test_a_home_panel_needs_a_known_audience_and_column():
    with pytest.raises(ValueError):
        registry.home_panel(1, "x", template="x.html", context=lambda r, s: {}, audience="everyone")


def test_page_sections_render_in_order_and_skip_the_empty(monkeypatch, tmp_path, settings):
    (tmp_path / "one.html").write_text("[one {{ n }}]")
    (tmp_path / "two.html").write_text("[two]")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    monkeypatch.setattr(registry, "_sections", {})
    registry.page_section("test.page", 20, "t.two", template="two.html", context=lambda request, obj: {})
    registry.page_section("test.page", 10, "t.one", template="one.html", context=lambda request, obj: {"n": obj})
    registry.page_section("test.page", 30, "t.none", template="two.html", context=lambda request, obj: None)
    registry.page_section("other.page", 5, "t.other", template="two.html", context=lambda request, obj: {})
    html = Template('{% load sections %}{% page_sections "test.page" 7 %}').render(
        Context({"request": RequestFactory().get("/")})
    )
    assert html == "[one 7][two]"


def test_every_app_labels_its_own_object_types():
    labelled = set(registry.LABELS.verbs_by_type)
    assert {"cases.case", "meetings.meeting", "meetings.resolution", "notices.notice"} <= labelled


def test_nav_groups_gather_their_entries_where_the_first_one_stands():
    """The supervision menu stands where its first entry would, holds the user's visible entries in
    order, and a group with a single entry for the user shows that entry itself."""
    from gongzhi.core.context_processors import _nav_items
    from gongzhi.core.roles import ROLE_PERMISSIONS, Role

    office = _nav_items(ROLE_PERMISSIONS[Role.OFFICE])
    places = [e.get("url") or e.get("key") for e in office]
    menu = next(e for e in office if e.get("key") == "supervision")
    children = [c["url"] for c in menu["children"]]
    assert children[:3] == [reverse("inspections:home"), reverse("surveys:list"), reverse("evaluations:list")]
    assert reverse("credit:home") in children
    assert "inspections" in menu["active"] and "credit" in menu["active"]
    assert places.index("supervision") < places.index(reverse("core:calendar"))  # where 检查 (40) stood
    assert not any(e.get("url") == reverse("inspections:home") for e in office)  # only in the menu
    # The government unit's staff see inspections only: the entry itself, no menu of one.
    unit = _nav_items(ROLE_PERMISSIONS[Role.GOVERNMENT_UNIT])
    assert not any("children" in e for e in unit)
    assert any(e["url"] == reverse("inspections:home") for e in unit)
