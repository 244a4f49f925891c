"""The compliance table on a phone (issue 10, finding 10), in a real browser at 390 px: the page itself
does not scroll sideways; the table's box does, with the neighborhood column staying put, so the last
column (the rate) is reached by scrolling it and is then wholly on the screen. axe-core checks the
page as every browser test's pages (the legend, the marks as text). Screenshots go to
test-artifacts/screenshots/."""

import pytest

from gongzhi.browser_testing import screenshot

from .test_compliance import hold, regular

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen("2026-11-27 10:00")]


def test_the_last_column_is_reachable_on_a_phone(live_server, world, client_for, phone_page):
    secretary, office = world.users["party_secretary"], world.users["office"]
    hold(regular(world.n1, 2025, 2), secretary)
    hold(regular(world.n1, 2025, 3), secretary, approve=False)
    for month in (3, 4, 5):
        hold(regular(world.n2, 2025, month), office)
    page = phone_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client_for("office").cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/meetings/compliance/?year=2025")
    table = page.locator("[data-testid=compliance]")
    assert table.locator("tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page does not scroll sideways
    box = page.locator(".gz-scroll-x")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the table does, in its box
    screenshot(page, "compliance-phone-1-start")

    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    width = page.viewport_size["width"]
    rates = table.locator("[data-testid=compliance-rate]")
    for i in range(rates.count()):
        cell = rates.nth(i).bounding_box()
        assert 0 <= cell["x"] and cell["x"] + cell["width"] <= width, cell
    # 世博 held March to May, 新城 February only, of the eleven months from the town's first meeting.
    assert [rates.nth(i).inner_text() for i in range(2)] == ["27% (3/11)", "9% (1/11)"]
    header = table.locator("thead th").last.bounding_box()
    assert header["x"] + header["width"] <= width
    # The neighborhood column stays at the left while the months scroll under it.
    name = table.locator("tbody th").first.bounding_box()
    assert 0 <= name["x"] <= 20 and table.locator("tbody th").first.inner_text() == "世博"
    screenshot(page, "compliance-phone-2-scrolled-to-the-rate")
