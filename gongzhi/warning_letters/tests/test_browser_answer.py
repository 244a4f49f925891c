"""In Chromium, on a phone-size screen (390 px), in Chinese: the property company's compound manager
finds the warning letter to the company in the list, acknowledges it, answers with a photo but no
text first (refused, the page keeps the form), then with the text and the photo; the letter waits
for the office's verification and shows the answer with the photo; the office verifies it and the
letter is closed. No page scrolls sideways."""

import io

import pytest
from PIL import Image

from gongzhi.browser_testing import screenshot, sign_in, submit
from gongzhi.warning_letters.models import Letter
from gongzhi.warning_letters.workflow import LetterState

from .factories import sent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def _jpeg(path):
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (60, 120, 90)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_the_property_manager_acknowledges_and_answers_a_warning_letter_on_a_phone(
    live_server, world, phone_page, tmp_path
):
    letter = sent(world, compound=world.c1, text="3号楼楼道堆放杂物，消防通道堵塞，经提醒未清理。")
    picture = _jpeg(tmp_path / "清理后.jpg")
    page = phone_page
    base = live_server.url
    sign_in(page, base, "property_manager")
    page.goto(f"{base}/warnings/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert fits_the_phone(page)
    screenshot(page, "warnings-1-list")
    page.get_by_text("3号楼楼道堆放杂物").first.click()
    page.wait_for_url(f"**/warnings/letters/{letter.uid}/")
    assert page.locator("[data-testid=letter-number]").inner_text() == letter.number_label
    assert fits_the_phone(page)
    screenshot(page, "warnings-2-letter")

    submit(page, page.locator("[data-testid=acknowledge]"))
    page.wait_for_url(f"**/warnings/letters/{letter.uid}/")
    assert Letter.objects.get(pk=letter.pk).state == LetterState.ACKNOWLEDGED
    form = page.locator("[data-testid=answer-form]")
    form.locator("input[type=file]").set_input_files(picture)
    submit(page, page.locator("[data-testid=send-answer]"))  # no text: refused
    assert page.locator("[data-testid=answer-form] .invalid-feedback, [data-testid=answer-form] .alert").count()
    assert Letter.objects.get(pk=letter.pk).state == LetterState.ACKNOWLEDGED
    assert fits_the_phone(page)
    screenshot(page, "warnings-3-refused")

    page.locator("[data-testid=answer-form] textarea[name=text]").fill(
        "杂物已全部清理，消防通道已划线并设禁停标识，附照片"
    )
    page.locator("[data-testid=answer-form] input[type=file]").set_input_files(picture)
    submit(page, page.locator("[data-testid=send-answer]"))
    page.wait_for_url(f"**/warnings/letters/{letter.uid}/")
    assert page.locator("[data-testid=answer-form]").count() == 0
    assert "杂物已全部清理" in page.locator("[data-testid=letter-answer]").inner_text()
    assert page.locator("img.img-thumbnail").count() == 1
    assert fits_the_phone(page)
    screenshot(page, "warnings-4-answered")
    letter = Letter.objects.get(pk=letter.pk)
    assert letter.state == LetterState.ANSWERED and letter.answered_by == world.users["property_manager"]
    assert letter.evidence.get().name == "清理后.jpg"

    # The office verifies the rectification on its phone (the confirmation accepted): closed.
    page.on("dialog", lambda dialog: dialog.accept())
    page.context.clear_cookies()
    sign_in(page, base, "office")
    page.goto(f"{base}/warnings/letters/{letter.uid}/")
    assert fits_the_phone(page)
    page.locator("textarea[name=note]").fill("现场复核：通道畅通，标识清晰")
    submit(page, page.locator("button[name=outcome][value=verify]"))
    page.wait_for_url(f"**/warnings/letters/{letter.uid}/")
    assert fits_the_phone(page)
    screenshot(page, "warnings-5-verified")
    assert Letter.objects.get(pk=letter.pk).state == LetterState.CLOSED
