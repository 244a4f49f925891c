"""The town at a glance (English): the office's and the leader's town, the party secretary's
neighborhood, each panel's figures from the app that defines them, with their links; nobody else
reaches the page. Clock: 2026-12-07, with one overdue case, order and letter (supervision's
factories) and one urging."""

import re

import pytest
from django.urls import reverse

from gongzhi.supervision import services as supervision
from gongzhi.supervision.tests.factories import START, Overdue

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(START)]


@pytest.fixture
def overdue(world, clock):
    return Overdue(world, clock)


def panel(page: str, name: str) -> str:
    match = re.search(rf'data-testid="panel-{name}">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


def squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_office_sees_its_town(world, overdue, client_for):
    supervision.urge(actor=world.users["leader"], kind="order", obj=overdue.order, note="请本周完成整改")
    page = client_for("office").get(reverse("dashboard:home")).content.decode()
    assert "At a glance · 浦江镇" in page
    assert squeeze(panel(page, "rectifications")) == "Rectification orders Not closed 1 Overdue 1"
    assert squeeze(panel(page, "urgings")) == "Supervision (督办) 1 urged, waiting"
    # the letter sent 2026-11-02: one notice letter this year, past its deadline
    letters = squeeze(panel(page, "letters"))
    assert "Warning letters sent, 2026" in letters and "Notice letter (提示函) 1" in letters
    assert "1 past its deadline" in letters
    assert 'href="/warnings/?overdue=1"' in panel(page, "letters")
    # 申江物业 without records: basic 80 → AA
    assert squeeze(panel(page, "credit")) == "Property companies' credit AA 1 0 on the blacklist"
    # the case was never accepted: submitted counts, nothing accepted yet → every rate unmeasured
    rates = panel(page, "rates")
    assert "Three rates, last 12 months" in rates and 'href="/rates/?at=town.' in rates
    assert "0/0" in rates
    meetings = squeeze(panel(page, "meetings"))
    assert meetings.startswith("Joint meetings held, 2026") and "新城" in meetings and "世博" in meetings
    # no monthly meeting in the platform yet: nothing assessed, no percentage
    assert "新城 (0/0)" in meetings and "%" not in meetings
    # the inspection of 世博家园 on 2026-11-02 (one item failed), within the last 90 days
    inspections = panel(page, "inspections")
    score = overdue.order.finding.inspection.score
    assert f"世博家园 · 2026-11-02</a><span>{score}</span>" in inspections
    assert f'href="/inspections/visits/{overdue.order.finding.inspection.visit.uid}/"' in inspections
    assert "1 inspection in all" in squeeze(inspections)


def test_the_secretary_sees_the_neighborhood_without_the_town_list(world, overdue, client_for):
    page = client_for("party_secretary").get(reverse("dashboard:home")).content.decode()
    assert "At a glance · 新城" in page
    meetings = squeeze(panel(page, "meetings"))
    assert "新城" in meetings and "世博" not in meetings
    assert panel(page, "urgings") == ""  # 督办 is the town's
    # the order concerns 世博家园 (世博): not the secretary's
    assert squeeze(panel(page, "rectifications")) == "Rectification orders Not closed 0 Overdue 0"


def test_nobody_else_reaches_it(world, client_for):
    for persona in ("inspector", "property_manager", "oc_member", "rc_worker", "resident"):
        assert client_for(persona).get(reverse("dashboard:home")).status_code == 404, persona
    assert client_for("leader").get(reverse("dashboard:home")).status_code == 200


def test_meetings_held_show_the_compliance_pages_percentage_least_first(world, monkeypatch):
    """The panel takes each neighborhood's row of `compliance.table` as it is (3 of 4 months → 75 %)
    and puts the least compliant first; a neighborhood with nothing assessed goes last."""
    from datetime import date
    from types import SimpleNamespace

    from gongzhi.dashboard import panels
    from gongzhi.meetings import compliance

    rows = [
        compliance.Row(SimpleNamespace(name="新城"), held=4, assessed=4),
        compliance.Row(SimpleNamespace(name="世博"), held=3, assessed=4),
        compliance.Row(SimpleNamespace(name="梅陇一"), held=0, assessed=0),
    ]
    monkeypatch.setattr(compliance, "table", lambda neighborhoods, year, today: rows)
    got = panels.meetings(world.users["office"], date(2026, 12, 7))
    assert [(x["name"], x["percent"], x["held"], x["assessed"]) for x in got["lines"]] == [
        ("世博", 75, 3, 4),
        ("新城", 100, 4, 4),
        ("梅陇一", None, 0, 0),
    ]


def test_the_administrator_sees_the_city_then_chooses_a_town(world, overdue, client_for):
    """A user of every town (issue 15): the city's rates and the counts of orders, letters and
    urgings; a town chosen, its dashboard as its office sees it."""
    admin = client_for("admin")
    page = admin.get(reverse("dashboard:home")).content.decode()
    assert "At a glance · All towns" in page
    assert 'data-testid="town-choice"' in page and 'data-testid="choose-town"' in page
    assert squeeze(panel(page, "rectifications")) == "Rectification orders Not closed 1 Overdue 1"
    assert panel(page, "rates") and panel(page, "letters")
    for name in ("meetings", "credit", "inspections", "surveys", "hotspots"):
        assert not panel(page, name), name
    town = admin.get(reverse("dashboard:home"), {"town": world.town.uid}).content.decode()
    assert "At a glance · 浦江镇" in town and 'data-testid="choose-town"' not in town
    meetings = squeeze(panel(town, "meetings"))
    assert "新城" in meetings and "梅陇一" not in meetings
    assert f"town={world.town.uid}" in panel(town, "meetings")  # the compliance page of the same town
    assert squeeze(panel(town, "credit")) == "Property companies' credit AA 1 0 on the blacklist"
    other = admin.get(reverse("dashboard:home"), {"town": world.other.uid}).content.decode()
    assert "At a glance · 梅陇镇" in other
    assert squeeze(panel(other, "rectifications")) == "Rectification orders Not closed 0 Overdue 0"
    assert "梅陇一" in squeeze(panel(other, "meetings"))
    # the office of one town: no choice
    assert 'data-testid="town-choice"' not in client_for("office").get(reverse("dashboard:home")).content.decode()
