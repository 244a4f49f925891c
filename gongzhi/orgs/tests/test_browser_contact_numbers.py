"""In Chromium, in Chinese (issue 11, finding 4): the residents' committee worker reads a
resident's number in full on request, in place of the masked one, and the reading appears in the
person's history; the cross-appointed committee member is offered no such button."""

import pytest

from gongzhi.browser_testing import screenshot, sign_in
from gongzhi.core.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_number_is_shown_on_request_and_the_reading_recorded(live_server, world, desktop_page):
    page, base = desktop_page, live_server.url
    resident = world.people["resident"]
    sign_in(page, base, "rc_worker")
    page.goto(f"{base}{resident.get_absolute_url()}")
    main = page.locator("main")
    assert "138****0001" in main.inner_text() and "13800000001" not in main.inner_text()
    page.get_by_role("button", name="显示号码").click()
    full = page.locator("[data-testid=full-phone]")
    full.wait_for()
    assert full.inner_text() == "13800000001" and full.get_attribute("href") == "tel:13800000001"
    assert "本次查看已记录" in main.inner_text()
    assert page.url == f"{base}{resident.get_absolute_url()}"  # in place, without leaving the page
    screenshot(page, "contact-number-shown")
    assert AuditEntry.objects.filter(action="orgs.person.view_contact", object_id=str(resident.pk)).count() == 1
    page.reload()
    assert "查看了完整手机号码" in page.locator("main").inner_text()  # in the person's history


def test_no_button_where_the_grant_does_not_reach(live_server, world, desktop_page):
    page, base = desktop_page, live_server.url
    sign_in(page, base, "cross_appointed")
    page.goto(f"{base}{world.people['resident'].get_absolute_url()}")
    assert "138****0001" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="显示号码").count() == 0
