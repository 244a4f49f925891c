"""In Chromium, in Chinese, at desktop width: the office opens the town at a glance — the three
rates' trend drawn by ECharts, the ranking of the neighborhoods, the residents' satisfaction with
the four parties, the overdue order and letter — and follows the ranking's first neighborhood to
its rates page; the party secretary sees their neighborhood, 新城. Clock: 2026-12-07 (the overdue
records of 督办's factories, the hand-built counters and surveys of .factories)."""

import pytest

from gongzhi.browser_testing import screenshot, sign_in
from gongzhi.supervision.tests.factories import START, Overdue

from . import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen(START)]


def test_the_office_and_the_secretary_at_a_glance(live_server, world, desktop_page, clock):
    Overdue(world, clock)  # moves the clock to 2026-12-07
    factories.ranked(world)
    factories.surveyed(world)
    page = desktop_page
    base = live_server.url
    sign_in(page, base, "office")
    page.goto(f"{base}/dashboard/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "浦江镇" in page.locator("h1").inner_text()
    page.locator("#rates-chart canvas").first.wait_for()  # the trend, drawn
    rankings = page.locator("[data-testid=panel-rankings]")
    assert rankings.locator("tbody tr").count() == 7  # three best, the gap, three lowest
    assert "世博" in rankings.locator("tbody tr").first.inner_text()
    satisfaction = page.locator("[data-testid=panel-surveys]")
    assert "80.0%" in satisfaction.inner_text() and "2026Q4" in satisfaction.inner_text()
    assert page.locator("[data-testid=panel-rectifications]").is_visible()
    screenshot(page, "dashboard-1-office")

    rankings.locator("tbody tr").first.locator("a").click()
    page.wait_for_url(f"{base}/rates/?at=neighborhood.{world.n2.uid}&grain=month")
    assert "世博" in page.title()  # the rates page of 世博

    page.context.clear_cookies()
    sign_in(page, base, "party_secretary")
    page.goto(f"{base}/dashboard/")
    assert "新城" in page.locator("h1").inner_text()
    text = page.locator("main").inner_text()
    assert "新城一村" in text and "世博家园" not in text
    assert page.locator("[data-testid=panel-urgings]").count() == 0
    screenshot(page, "dashboard-2-secretary")
