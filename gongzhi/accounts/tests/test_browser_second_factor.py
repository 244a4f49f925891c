"""In Chromium, in Chinese (issue 11, finding 2): where the town asks for it, the office signs in
with the password and then the code texted to their mobile number."""

import re

import pytest

from gongzhi.accounts.sms import MemoryBackend
from gongzhi.browser_testing import screenshot, sent_code
from gongzhi.places.models import Town
from gongzhi.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_staff_sign_in_with_password_and_code(live_server, world, desktop_page, settings):
    settings.SMS_BACKEND = "gongzhi.accounts.sms.MemoryBackend"
    Town.objects.filter(pk=world.town.pk).update(staff_second_factor=True)
    office = world.users["office"]
    office.phone = "13912340000"
    office.save(update_fields=["phone"])
    page = desktop_page
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill("office")
    page.locator("input[name=password]").fill(PASSWORD)
    outbox = len(MemoryBackend.outbox)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/login/code/$"))
    assert "139****0000" in page.locator("main").inner_text()
    screenshot(page, "second-factor-1-code-asked")
    page.goto(f"{base}/")  # not signed in until the code is given
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.goto(f"{base}/accounts/login/code/")
    page.locator("input[name=code]").fill(sent_code(outbox, "13912340000"))
    page.locator("[data-testid=second-factor] button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    assert "您好" in page.locator("h1").inner_text()
    screenshot(page, "second-factor-2-signed-in")
