"""In a real browser on a phone-size screen (Debian's Chromium through Playwright): a resident
scans the compound's QR code, verifies their mobile number by one-time code, reports a leaking
pipe with a photo, follows the tracking link; once the property company has resolved it, the
resident answers "fixed" and rates 满意, and the case closes. No page scrolls sideways.

Selectors are input names and data-testid attributes, so the test holds before and after the
Chinese catalogue is updated. Screenshots go to test-artifacts/screenshots/."""

import re

import pytest
from PIL import Image

from gongzhi.browser_testing import screenshot, sign_in_by_code
from gongzhi.cases import services
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_resident_reports_with_a_photo_follows_the_link_and_rates(
    live_server, world, categories, phone_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "leak.jpg"
    Image.new("RGB", (640, 480), (70, 110, 160)).save(photo, "JPEG")
    page = phone_page

    # The QR code on the notice board opens the compound's report page.
    page.goto(f"{live_server.url}/r/{world.c1.uid}/")
    assert "新城一村" in page.locator("[data-testid=compound-name]").inner_text()
    assert fits_the_phone(page)
    screenshot(page, "resident-report-1-qr-page")

    # Verify the mobile number by one-time code, and come back to the form.
    page.locator("[data-testid=verify-phone]").click()
    sign_in_by_code(page, "13800000001")
    page.wait_for_url(re.compile(rf"/r/{world.c1.uid}/$"))
    assert page.locator("[data-testid=report-form]").is_visible()
    assert fits_the_phone(page)

    # Report the leaking pipe, with a photo.
    page.locator("select[name=category]").select_option(categories["REPAIR"].uid)
    page.locator("textarea[name=description]").fill("3号楼二层楼道水管漏水，地面积水")
    page.locator("select[name=building]").select_option(world.unit(world.c1).building.uid)
    page.locator("input[name=unit_number]").fill("101")
    page.locator("input[name=photos]").set_input_files(str(photo))
    assert page.locator("[data-photo-previews] img").count() == 1
    screenshot(page, "resident-report-2-form")
    page.locator("[data-testid=submit-report]").click()
    page.wait_for_url(re.compile(r"/t/[0-9a-z]+/$"))
    case = Case.objects.get()
    assert case.channel == Case.Channel.QR and case.photos.count() == 1
    assert case.reporter_user == world.users["resident"]
    assert page.locator("[data-testid=case-state]").get_attribute("data-state") == State.SUBMITTED
    assert case.number in page.locator("main").inner_text()
    assert page.locator(".gz-photos img").count() == 1
    assert fits_the_phone(page)
    screenshot(page, "resident-report-3-tracking")

    # Later, from "my reports", the resident follows the link to the case.
    page.goto(f"{live_server.url}/my/cases/")
    assert fits_the_phone(page)
    page.locator(f"[data-testid=my-case][data-number='{case.number}']").click()
    page.wait_for_url(re.compile(rf"/t/{case.tracking_token}/$"))

    # The property company accepts and resolves it.
    manager = world.users["property_manager"]
    case = services.accept_case(actor=manager, case=case, expected_version=case.version)
    services.resolve_case(actor=manager, case=case, resolution="已更换水管接头", expected_version=case.version)
    page.reload()
    assert page.locator("[data-testid=case-state]").get_attribute("data-state") == State.RESOLVED
    assert page.locator("[data-testid=feedback-form]").is_visible()
    assert fits_the_phone(page)

    # "Is it fixed?" yes, and 满意.
    page.locator("[data-testid=fixed-yes] + label").click()
    page.locator("[data-testid=rating-satisfied] + label").click()
    page.locator("textarea[name=comment]").fill("修得很快，谢谢")
    screenshot(page, "resident-report-4-feedback")
    page.locator("[data-testid=send-feedback]").click()
    page.wait_for_url(re.compile(rf"/t/{case.tracking_token}/$"))
    assert page.locator("[data-testid=case-state]").get_attribute("data-state") == State.CLOSED
    assert page.locator("[data-testid=feedback-form]").count() == 0
    assert fits_the_phone(page)
    screenshot(page, "resident-report-5-closed")
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.fixed is True and case.rating == Case.Rating.SATISFIED


def test_a_resident_reports_from_the_home_page(live_server, world, categories, phone_page):
    """Issue 10, finding 3: from the platform's home page, not only the QR poster."""
    page = phone_page
    page.goto(f"{live_server.url}/accounts/phone/")
    sign_in_by_code(page, "13800000001")
    page.wait_for_url(f"{live_server.url}/")
    unit = world.unit(world.c1)
    button = page.locator("[data-testid=report-from-home]")
    assert button.count() == 1 and unit.number in button.inner_text()
    assert fits_the_phone(page)
    screenshot(page, "resident-home-report-1-home")
    button.click()
    page.wait_for_url(re.compile(rf"/r/{world.c1.uid}/"))
    assert page.locator("select[name=building]").input_value() == unit.building.uid
    assert page.locator("input[name=unit_number]").input_value() == unit.number
    page.locator("select[name=category]").select_option(categories["REPAIR"].uid)
    page.locator("textarea[name=description]").fill("家门口楼道灯坏了，晚上看不清")
    screenshot(page, "resident-home-report-2-form")
    page.locator("[data-testid=submit-report]").click()
    page.wait_for_url(re.compile(r"/t/[0-9a-z]+/$"))
    case = Case.objects.get()
    assert case.unit == unit and case.channel == Case.Channel.QR
    assert fits_the_phone(page)
