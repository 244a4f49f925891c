"""In Chromium, on a phone-size screen, in Chinese (issue 11, finding 4): a resident signs in by
one-time code, opens "My personal data" from their home page, finds their report and their unit,
and downloads the JSON file. No page scrolls sideways.

Selectors are data-testid attributes, so the test holds before and after the Chinese catalogue is
updated. Screenshots go to test-artifacts/screenshots/."""

import json
import re

import pytest

from gongzhi.browser_testing import screenshot, sign_in_by_code
from gongzhi.cases import services
from gongzhi.cases.configuration import install_default_categories
from gongzhi.cases.models import Category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_resident_sees_and_downloads_their_data(live_server, world, phone_page, accessibility):
    install_default_categories(actor=None, town=world.town)
    case = services.submit_case(
        actor=world.users["rc_worker"],
        report=services.Report(
            compound=world.c1,
            category=Category.objects.get(town=world.town, code="REPAIR"),
            description="1号楼电梯停运，老人上下楼不便",
            reporter_name="居民甲",
            reporter_phone="13800000001",
        ),
        channel="phone",
    )
    page = phone_page
    base = live_server.url

    page.goto(f"{base}/accounts/phone/?next=/accounts/home/")
    sign_in_by_code(page, "13800000001")
    page.wait_for_url(f"{base}/accounts/home/")
    assert fits_the_phone(page)
    screenshot(page, "my-data-0-home")
    page.locator("[data-testid=my-data-link]").click()
    page.wait_for_url(f"{base}/accounts/me/data/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("[data-testid=account-phone]").inner_text() == "13800000001"
    assert page.locator(f"[data-testid=my-data-case][data-number='{case.number}']").is_visible()
    assert "新城一村 1号楼 101" in page.locator("[data-testid=section-residencies]").inner_text()
    assert page.locator("[data-testid=section-sign_in_codes]").get_attribute("data-count") == "1"
    assert fits_the_phone(page)
    screenshot(page, "my-data-1-page")

    with page.expect_download() as download_info:
        page.locator("[data-testid=download-my-data]").click()
    download = download_info.value
    assert re.fullmatch(r"my-data-\d{8}\.json", download.suggested_filename)
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["account"]["mobile_number"] == "13800000001"
    assert [c["number"] for c in data["cases"]] == [case.number]
    assert data["residencies"][0]["unit"] == "新城一村 1号楼 101"
    counts = {
        key: page.locator(f"[data-testid=section-{key}]").get_attribute("data-count")
        for key in ("people", "residencies", "cases", "notifications", "sign_in_codes")
    }
    assert counts == {key: str(len(data[key])) for key in counts}

    # The page is also in the account menu.
    page.locator(".navbar-toggler").click()
    page.locator("[data-testid=user-menu]").click()
    assert page.locator("[data-testid=menu-my-data]").is_visible()
    screenshot(page, "my-data-2-menu")
    assert f"{base}/accounts/me/data/" in accessibility.checked  # axe-core found nothing to fix
