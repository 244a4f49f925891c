"""In Chromium, on a phone-size screen (390 px), in Chinese: the property company's compound
manager opens a record about the company from its file, objects with an empty reason first (refused,
nothing lost), then with a reason and a PDF; the record waits for the office's decision. No page
scrolls sideways."""

import pytest

from gongzhi.browser_testing import screenshot, sign_in, submit
from gongzhi.credit.models import CreditRecord
from gongzhi.credit.workflow import RecordState

from .factories import by_hand, name_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n% objection evidence\n%%EOF\n"


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_property_manager_objects_to_a_record_on_a_phone(live_server, world, phone_page, tmp_path):
    name_manager(world)
    record = by_hand(world, compound=world.c1, text="未按约定时间清运建筑垃圾")
    evidence = tmp_path / "清运记录.pdf"
    evidence.write_bytes(PDF)
    page = phone_page
    base = live_server.url
    sign_in(page, base, "property_manager")
    page.goto(f"{base}/credit/companies/{world.orgs['pc'].uid}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert fits_the_phone(page)
    screenshot(page, "credit-1-file")
    page.get_by_text("未按约定时间清运建筑垃圾").click()
    page.wait_for_url(f"**/credit/records/{record.uid}/")
    assert fits_the_phone(page)

    form = page.locator("[data-testid=objection-form]")
    form.locator("input[type=file]").set_input_files(str(evidence))
    submit(page, page.locator("[data-testid=send-objection]"))  # no reason: refused
    assert page.locator("[data-testid=objection-form] .invalid-feedback, [data-testid=objection-form] .alert").count()
    assert CreditRecord.objects.get(pk=record.pk).state == RecordState.ACTIVE
    assert fits_the_phone(page)

    page.locator("[data-testid=objection-form] textarea[name=reason]").fill("建筑垃圾已于当日下午清运完毕，附清运单")
    page.locator("[data-testid=objection-form] input[type=file]").set_input_files(str(evidence))
    submit(page, page.locator("[data-testid=send-objection]"))
    page.wait_for_url(f"**/credit/records/{record.uid}/")
    assert page.locator("[data-testid=objection-form]").count() == 0
    assert fits_the_phone(page)
    screenshot(page, "credit-2-objected")
    record = CreditRecord.objects.get(pk=record.pk)
    assert record.state == RecordState.OBJECTED
    assert record.objection.reason == "建筑垃圾已于当日下午清运完毕，附清运单"
    assert record.evidence.filter(purpose="objection").get().name == "清运记录.pdf"
    assert "建筑垃圾已于当日下午清运完毕" in page.content()
