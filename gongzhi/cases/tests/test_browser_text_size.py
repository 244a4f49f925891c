"""Residents are often elderly and set their phone's text large. In a real browser on a phone-size
screen with the text at 200 % (the browser's own text-size setting, which every rem-, em- and
%-sized text follows, as a phone's setting does): the sign-in by mobile number, the resident's home,
the report form reached by the compound's QR link and the case's tracking page keep everything
within the screen's width, and no button, link or field is cut off. Screenshots go to
test-artifacts/screenshots/ (looked at when the test was written)."""

import re

import pytest
from PIL import Image

from gongzhi.browser_testing import ARTIFACTS, PHONE, sign_in_by_code
from gongzhi.cases import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen("2026-11-27 10:00")]

# What can go wrong at large text: the page scrolls sideways; a control sits (partly) outside the
# screen's width; a control's text overflows its own box; a box that hides its overflow (without
# scrolling) cuts a control off.
LAYOUT_PROBLEMS = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) problems.push(`the page is ${page}px wide on a ${width}px screen`);
  const show = el => el.outerHTML.replace(/\\s+/g, " ").slice(0, 140);
  const controls = document.querySelectorAll(
    "main a, main button, main .btn, main label, main input:not([type=hidden]), main select, main textarea");
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || getComputedStyle(el).visibility === "hidden") continue;
    if (el.closest(".visually-hidden, .btn-check")) continue;
    if (box.left < -0.5 || box.right > width + 0.5)
      problems.push(`outside the screen (${Math.round(box.left)} to ${Math.round(box.right)} of ${width}px): ${show(el)}`);
    const block = getComputedStyle(el).display !== "inline";
    if (block && el.matches("a, button, .btn, label") &&
        (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
      problems.push(`its text overflows it (${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}): ${show(el)}`);
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX === "visible" && style.overflowY === "visible") continue;
      if (/auto|scroll/.test(style.overflowX + style.overflowY)) break;  // reached by scrolling that box
      const clip = up.getBoundingClientRect();
      if (box.left < clip.left - 0.5 || box.right > clip.right + 0.5 || box.top < clip.top - 0.5 || box.bottom > clip.bottom + 0.5)
        problems.push(`cut off by <${up.tagName.toLowerCase()} class="${up.className}">: ${show(el)}`);
    }
  }
  return problems;
}"""


def text_at_200_percent(page) -> None:
    """The browser's text-size setting at 200 % (default 16px → 32px), for this page's tab."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})


def screenshot_by_screens(page, name: str) -> None:
    """The whole page, a screen at a time, stitched together: Playwright's full-page screenshot of a
    phone page lays it out again without the text-size setting, so it would show the text at 100 %."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    screen = page.viewport_size["height"]
    shots = []
    for top in range(0, height, screen):
        page.evaluate(f"window.scrollTo(0, {top})")
        path = ARTIFACTS / f"{name}-part.png"
        page.screenshot(path=str(path))
        shots.append((page.evaluate("window.scrollY"), Image.open(path).copy()))
        path.unlink()
    page.evaluate("window.scrollTo(0, 0)")
    scale = shots[0][1].width / page.viewport_size["width"]
    whole = Image.new("RGB", (shots[0][1].width, round(height * scale)), "white")
    for top, shot in shots:
        whole.paste(shot, (0, round(top * scale)))
    whole.save(ARTIFACTS / f"{name}.png")


def check_large_text(page, name: str) -> None:
    # The text really is twice the size: the body's and the first button's (so a size in px, which
    # the setting leaves alone, would fail here).
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "32px", page.url
    button = page.locator("main .btn").first
    if button.count():
        assert float(button.evaluate("b => parseFloat(getComputedStyle(b).fontSize)")) >= 28, page.url
    problems = page.evaluate(LAYOUT_PROBLEMS)
    screenshot_by_screens(page, f"text-200-{name}")
    assert problems == [], f"at 200 % text on {page.url}:\n" + "\n".join(problems)


def test_resident_pages_stay_usable_at_200_percent_text(live_server, world, categories, submit, phone_page):
    page, base = phone_page, live_server.url
    assert page.viewport_size == PHONE
    case = submit()
    manager = world.users["property_manager"]
    case = services.accept_case(actor=manager, case=case, expected_version=case.version)
    services.resolve_case(actor=manager, case=case, resolution="已更换水管接头", expected_version=case.version)
    text_at_200_percent(page)

    page.goto(f"{base}/accounts/phone/?next=/")
    check_large_text(page, "1-sign-in-by-mobile")
    page.locator("input[name=phone]").fill("13800000001")
    sign_in_by_code(page, "13800000001")
    page.wait_for_url(f"{base}/")
    check_large_text(page, "2-home")

    page.locator("[data-testid=report-from-home]").click()
    page.wait_for_url(re.compile(rf"/r/{world.c1.uid}/"))
    assert page.locator("[data-testid=report-form]").is_visible()
    check_large_text(page, "3-report-form")

    page.goto(f"{base}{case.tracking_url()}")
    assert page.locator("[data-testid=feedback-form]").is_visible()
    check_large_text(page, "4-case-with-feedback")
    # The answer buttons are within reach: choosing one works.
    page.locator("[data-testid=fixed-yes] + label").click()
    assert page.locator("[data-testid=fixed-yes]").is_checked()
