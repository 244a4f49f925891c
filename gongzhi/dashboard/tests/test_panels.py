"""The panels added for issue 14 item 8 (English): the rankings of the places one level down (the
rates page's ranking: best and lowest), the residents' satisfaction per party from the latest
quarter's closed surveys (`surveys.results.place_satisfaction`), the hotspots, and the party
secretary's neighborhood version of each. Clock: 2026-12-07 10:00 — the last 12 assessment months
are 2026-01 … 2026-12, ranked over the finished ones, 2026-01 … 2026-11."""

import re
from html import unescape

import pytest
from django.urls import reverse

from gongzhi.core.roles import ROLE_PERMISSIONS, Role
from gongzhi.places.models import Neighborhood
from gongzhi.surveys import services as surveys
from gongzhi.surveys.results import satisfaction_with

from . import factories
from .factories import answered, counted

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-12-07 10:00")]


@pytest.fixture
def ranked(world):
    return factories.ranked(world)


@pytest.fixture
def surveyed(world):
    return factories.surveyed(world)


def panel(page: str, name: str) -> str:
    match = re.search(rf'data-testid="panel-{name}">(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


def squeeze(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def page_of(client_for, persona: str) -> str:
    response = client_for(persona).get(reverse("dashboard:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_office_sees_the_best_and_the_lowest_neighborhoods(world, ranked, client_for):
    rankings = panel(page_of(client_for, "office"), "rankings")
    assert squeeze(rankings) == (
        "Ranking: Neighborhoods Rank Name 调处率 处置有效率 群众满意率 "
        "1 世博 100.0% — — 2 新城 90.0% — — 3 东明 80.0% — — … "
        "7 洋泾 40.0% — — 8 潍坊 30.0% — — 9 陆家嘴 20.0% — — "
        "Ranked by 调处率 (ties by the other two rates) over 2026-01 – 2026-11, the best and the lowest of 9. "
        "1 not ranked: fewer than 5 cases."
    )
    # each place links to its own rates page
    assert f'href="/rates/?at=neighborhood.{world.n2.uid}&amp;grain=month">世博</a>' in rankings
    lujiazui = Neighborhood.objects.get(name="陆家嘴")
    assert f'href="/rates/?at=neighborhood.{lujiazui.uid}&amp;grain=month">陆家嘴</a>' in rankings
    assert f'href="/rates/?at=town.{world.town.uid}&amp;grain=month"' in rankings  # the whole ranking


def test_the_secretary_ranks_the_compounds_of_the_neighborhood(world, ranked, client_for):
    page = page_of(client_for, "party_secretary")
    assert "At a glance · 新城" in page
    rankings = squeeze(panel(page, "rankings"))
    assert rankings.startswith(
        "Ranking: Compounds Rank Name 调处率 处置有效率 群众满意率 1 新城一村 100.0% — — 2 新城二村 80.0%"
    )
    assert "世博" not in rankings and "东明" not in rankings
    # the three rates of the neighborhood: 9 of its 10 accepted cases handled in time
    assert "90.0%" in squeeze(panel(page, "rates")) and "9/10" in squeeze(panel(page, "rates"))


def test_nothing_is_ranked_before_a_month_has_enough_cases(world, client_for):
    counted(world, world.c3, 4, 4)
    rankings = squeeze(panel(page_of(client_for, "office"), "rankings"))
    assert rankings == "Ranking: Neighborhoods None has 5 cases or more in these months: nothing is ranked."


def test_the_office_sees_the_four_parties_satisfaction(world, surveyed, client_for):
    surveys_panel = panel(page_of(client_for, "office"), "surveys")
    assert squeeze(surveys_panel) == (
        "Residents' satisfaction (survey), 2026Q4 Party Satisfaction Compounds Lowest "
        "Party organisation 80.0% 3 世博家园 · 45.0% "
        "Residents' committee 100.0% 3 世博家园 · 100.0% "  # a tie: the first by name
        "Owners' committee 100.0% 2 世博家园 · 100.0% "
        "Property company 100.0% 3 世博家园 · 100.0% "
        "Mean of the compounds' figures; 12345 style (satisfied + 0.9 × basically satisfied) ÷ valid. "
        "3 closed surveys."
    )
    # (100 + 95 + 45) / 3 = 80: the mean of the compounds' own figures, each the indicator's
    assert [satisfaction_with("party_org", c.pk, "2026Q4").percent()[0] for c in (world.c1, world.c2, world.c3)] == [
        100.0,
        95.0,
        45.0,
    ]
    assert f'href="{reverse("surveys:results", args=[surveyed.uid])}">世博家园 · 45.0%' in surveys_panel
    assert f'href="{reverse("surveys:list")}"' in surveys_panel


def test_the_secretary_sees_the_neighborhoods_compounds_only(world, surveyed, client_for):
    text = squeeze(panel(page_of(client_for, "party_secretary"), "surveys"))
    assert "Party organisation 97.5% 2 新城二村 · 95.0%" in text  # (100 + 95) / 2
    assert "世博" not in text and "2 closed surveys" in text


def test_an_open_survey_does_not_count_and_an_index_has_no_percent_sign(world, client_for):
    answered(world, world.c1, "2026Q4", {"party_org": ("satisfied", "basic")}, close=False)
    text = squeeze(panel(page_of(client_for, "office"), "surveys"))
    assert text == "Residents' satisfaction (survey) No closed survey yet."
    from gongzhi.surveys.models import SurveySettings

    settings = SurveySettings.for_town(world.town.pk)
    surveys.save_settings(
        actor=world.users["office"], town=world.town, definition="index", expected_version=settings.version
    )
    answered(world, world.c3, "2026Q3", {"party_org": ("very_satisfied", "dissatisfied")})
    text = squeeze(panel(page_of(client_for, "office"), "surveys"))
    assert "Party organisation 62.5 1 世博家园 · 62.5 " in text  # (100 + 25) / 2 on the 0–100 index
    assert "%" not in text


def test_without_surveys_view_there_is_no_satisfaction_panel(world, surveyed, client_for, monkeypatch):
    assert panel(page_of(client_for, "leader"), "surveys")
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.LEADERSHIP, ROLE_PERMISSIONS[Role.LEADERSHIP] - {"surveys.view"})
    page = page_of(client_for, "leader")
    assert 'data-testid="panel-surveys"' not in page and "Residents' satisfaction" not in page
    assert 'data-testid="panel-rates"' in page  # the rest is still there


def test_hotspots_of_the_town_and_of_the_neighborhood(world, client_for):
    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import Category
    from gongzhi.cases.services import Report, submit_case

    install_default_categories(actor=None, town=world.town)
    categories = {c.code: c for c in Category.objects.filter(town=world.town)}
    for compound, code, n in ((world.c1, "PARKING", 3), (world.c3, "SANITATION", 4), (world.c2, "REPAIR", 2)):
        for i in range(n):
            submit_case(
                actor=world.users["office"],
                channel="phone",
                report=Report(
                    compound=compound,
                    category=categories[code],
                    description=f"反映问题 {code} {i}",
                    reporter_name="居民",
                    reporter_phone=f"1390000{i:04d}",
                ),
            )
    town = squeeze(panel(page_of(client_for, "office"), "hotspots"))
    assert town == "Hotspots 世博家园 · 环境卫生 4 新城一村 · 停车交通 3"
    secretary = panel(page_of(client_for, "party_secretary"), "hotspots")
    assert squeeze(secretary) == "Hotspots 新城一村 · 停车交通 3"
    assert f"/rates/hotspots/{world.c1.uid}/{categories['PARKING'].uid}/" in secretary
