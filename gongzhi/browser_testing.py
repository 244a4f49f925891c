"""Playwright driving Debian's Chromium (never a downloaded browser), for the browser tests.
Screenshots go to test-artifacts/screenshots/ (kept by CI as artefacts)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from gongzhi.accounts.sms import MemoryBackend
from gongzhi.testing import PASSWORD

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


def sign_in(page, base: str, username: str) -> None:
    """Sign a persona in with the test password on the sign-in page, and wait for the home page."""
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/")


def submit(page, locator) -> None:
    """Click a button that posts a form, and wait for the page that answers."""
    with page.expect_navigation():
        locator.click()


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


# Accessibility: axe-core (npm, package.json; `make test` installs it) on every page the browser tests visit.

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what the check holds the pages to.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, summary: n.failureSummary})),
  }));
}"""


class AccessibilityError(AssertionError):
    """axe-core found WCAG 2.1 A/AA violations on a page a browser test visited."""


def axe_violations(page) -> list[dict]:
    """The WCAG 2.0/2.1 A and AA violations axe-core finds on the page as it stands: each a dict of the
    rule `id`, its `impact` and `help`, and the failing `nodes` (`target` selectors, `html`, `summary`).

    axe is evaluated into every frame rather than added as a <script> tag (page.add_script_tag): the
    pages' Content-Security-Policy (script-src 'self', gongzhi.core.middleware) rightly refuses inline
    scripts, and code run through the DevTools protocol is not subject to it."""
    if not AXE.exists():
        raise RuntimeError(f"axe-core is missing ({AXE}): `make test` installs it (npm install --no-audit --no-fund).")
    source = _axe_source()
    for frame in page.frames:
        if not frame.evaluate("typeof window.axe === 'object'"):
            frame.evaluate(source)
    return page.evaluate(_RUN_AXE, WCAG_TAGS)


_axe_cache: dict[str, str] = {}


def _axe_source() -> str:
    if "source" not in _axe_cache:
        _axe_cache["source"] = AXE.read_text(encoding="utf-8")
    return _axe_cache["source"]


def describe_violations(url: str, violations: list[dict], *, nodes_shown: int = 6) -> str:
    """A readable report: the page, then each rule with its failing elements (selector and HTML)."""
    count = sum(len(v["nodes"]) for v in violations)
    lines = [f"axe-core: {len(violations)} WCAG 2.1 A/AA rule(s) violated by {count} element(s) on {url}"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} element(s)]")
        for node in v["nodes"][:nodes_shown]:
            html = node["html"] if len(node["html"]) <= 200 else node["html"][:200] + "…"
            lines.append(f"    {' '.join(node['target'])}")
            lines.append(f"      {html}")
            summary = " ".join((node.get("summary") or "").split())
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > nodes_shown:
            lines.append(f"    … and {len(v['nodes']) - nodes_shown} more")
    return "\n".join(lines)


def _navigating(error: Exception) -> bool:
    text = str(error)
    return any(s in text for s in ("Execution context was destroyed", "navigat", "Frame was detached"))


class AccessibilityChecker:
    """Checks every page a browser test loads, with axe-core.

    Each page's `load` event (main frame) only records the page as loaded: the check itself runs in the
    test's own flow, never inside Playwright's event handler (a handler that drives the page races the
    test, which goes on meanwhile). It runs just before the test next acts on any page — goto, reload,
    a click, filling a field, an evaluate (see `install`) — and when a page or its context closes,
    and at the end of the test; so every page is checked as it loaded, before the test changes it.
    A page with violations fails the test there, with the URL, the rules and the failing elements."""

    # The methods that act on a page (or may change it): the pending pages are checked before them.
    ACTIONS = {
        "Page": (
            "goto reload go_back go_forward set_content close click dblclick fill check uncheck select_option "
            "press type tap hover focus set_input_files dispatch_event drag_and_drop evaluate evaluate_handle "
            "add_script_tag add_style_tag emulate_media"
        ),
        "Locator": (
            "click dblclick fill clear check uncheck set_checked select_option select_text press "
            "press_sequentially type tap hover focus blur set_input_files dispatch_event drag_to evaluate "
            "evaluate_all evaluate_handle"
        ),
        "Keyboard": "down up press type insert_text",
        "Mouse": "click dblclick down up wheel",
        "BrowserContext": "close",
    }

    def __init__(self):
        self._pending: dict = {}  # page → the URL it loaded, not checked yet
        self._busy = False
        self.checked: list[str] = []  # the URLs checked, in order

    def watch(self, page) -> None:
        page.on("load", self._loaded)
        page.on("close", lambda closed: self._pending.pop(closed, None))

    def watch_context(self, context) -> None:
        for page in context.pages:
            self.watch(page)
        context.on("page", self.watch)

    def _loaded(self, page) -> None:
        self._pending[page] = page.url  # only records: see the class's docstring

    def check_pending(self) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            tries = 0
            while self._pending:
                page, _url = self._pending.popitem()
                if page.is_closed():
                    continue
                try:
                    violations = axe_violations(page)
                except Exception as error:  # noqa: BLE001 - only a page navigating away is retried
                    if not _navigating(error) or tries >= 5:
                        raise
                    tries += 1  # the test moved on to another page: check that one once it has loaded
                    page.wait_for_load_state("load")
                    self._pending[page] = page.url
                    continue
                self.checked.append(page.url)
                if violations:
                    raise AccessibilityError(describe_violations(page.url, violations))
        finally:
            self._busy = False

    def check_now(self, page) -> None:
        """Checks the page as it stands now (after opening a menu, say), besides its loads."""
        self.check_pending()
        violations = axe_violations(page)
        self.checked.append(page.url)
        if violations:
            raise AccessibilityError(describe_violations(page.url, violations))

    def install(self, monkeypatch) -> None:
        """For the test: every browser context made watches its pages, and each action first checks
        the pages loaded since the last one (undone by `monkeypatch` after the test)."""
        import functools

        import playwright.sync_api as api

        checker = self

        for class_name, names in self.ACTIONS.items():
            cls = getattr(api, class_name)
            for name in names.split():
                original = getattr(cls, name)

                def action(self, *args, _original=original, _closes=name == "close", **kwargs):
                    if not _closes:
                        checker.check_pending()
                        return _original(self, *args, **kwargs)
                    try:  # the last pages are checked, and closed whatever the check finds
                        checker.check_pending()
                    finally:
                        _original(self, *args, **kwargs)

                monkeypatch.setattr(cls, name, functools.wraps(original)(action))

        new_context = api.Browser.new_context

        @functools.wraps(new_context)
        def watched_context(self, *args, **kwargs):
            context = new_context(self, *args, **kwargs)
            checker.watch_context(context)
            return context

        monkeypatch.setattr(api.Browser, "new_context", watched_context)
