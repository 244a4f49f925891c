"""In a real browser (Debian's Chromium through Playwright): a resident signs in by one-time code
on a phone-size screen; a party secretary signs in and cannot open another neighborhood's
compound. Screenshots are saved to test-artifacts/screenshots/."""

import re

import pytest

from gongzhi.accounts.sms import MemoryBackend
from gongzhi.browser_testing import screenshot
from gongzhi.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_signs_in_by_one_time_code_on_a_phone(live_server, world, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_role("link", name=re.compile("手机号")).click()
    page.get_by_label("手机号码").fill("13800000001")
    screenshot(page, "resident-1-phone-number")
    page.get_by_role("button", name="发送验证码").click()
    page.wait_for_url(re.compile(r"/accounts/phone/verify/"))
    code = re.search(r"\b(\d{6})\b", MemoryBackend.outbox[-1].message).group(1)
    page.get_by_label("验证码").fill(code)
    screenshot(page, "resident-2-code")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    body = page.locator("main").inner_text()
    assert "新城一村" in body and "101" in body
    # The page fits the phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "resident-3-my-home")


def test_party_secretary_cannot_open_another_neighborhoods_compound(live_server, world, desktop_page):
    page = desktop_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("party_secretary")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    screenshot(page, "secretary-1-home")
    page.goto(f"{live_server.url}/places/compounds/{world.c1.uid}/")
    assert "新城一村" in page.locator("h1").inner_text()
    screenshot(page, "secretary-2-own-compound")
    response = page.goto(f"{live_server.url}/places/compounds/{world.c3.uid}/")
    assert response.status == 404
    assert "世博家园" not in page.content()
    screenshot(page, "secretary-3-other-neighborhood-404")
    page.goto(f"{live_server.url}/places/")
    listed = page.locator("table").inner_text()
    assert "新城一村" in listed and "世博家园" not in listed
