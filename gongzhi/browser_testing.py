"""Playwright driving Debian's Chromium (never a downloaded browser), for the browser tests.
Screenshots go to test-artifacts/screenshots/ (kept by CI as artefacts)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from gongzhi.accounts.sms import MemoryBackend

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def launch(playwright):
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"Chromium not found at {CHROMIUM}. Install Debian's package (apt-get install chromium) "
            "or set CHROMIUM_PATH; .ci/run does this for you."
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sent_code(since: int, phone: str) -> str:
    """The one-time code last texted to `phone` (the test SMS backend keeps what it sent)."""
    for sms in reversed(MemoryBackend.outbox[since:]):
        found = re.search(r"\b(\d{6})\b", sms.message)
        if sms.phone == phone and found:
            return found.group(1)
    raise AssertionError("no one-time code was sent")


def sign_in_by_code(page, phone: str) -> None:
    """On the mobile-number sign-in page: ask for a code, enter it, and submit (the page then goes
    where the sign-in was asked from)."""
    page.wait_for_url(re.compile(r"/accounts/phone/"))
    page.locator("input[name=phone]").fill(phone)
    outbox = len(MemoryBackend.outbox)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/phone/verify/"))
    page.locator("input[name=code]").fill(sent_code(outbox, phone))
    page.locator("main form").first.locator("button[type=submit]").click()
