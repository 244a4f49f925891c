"""In Chromium at 390 px, in Chinese (issue 10, finding 6): an organisation picker lists the
neighborhood's four parties first, and one search box per list narrows it as one types."""

import pytest
from django.urls import reverse

from gongzhi.browser_testing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english():
    """Walked in Chinese, the default language (the meetings tests' English fixture is off here)."""
    yield


def test_the_pickers_put_the_parties_first_and_filter_as_one_types(live_server, world, phone_page):
    page = phone_page
    sign_in(page, live_server.url, "rc_worker")
    page.goto(live_server.url + reverse("meetings:congress_task_new"))
    lead = page.locator("select[name=lead]")
    groups = lead.locator("optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert groups[0] == "本居民区四方"
    boxes = page.locator("input[type=search]")
    assert boxes.count() == 2  # one for the lead, one for the assisting organisations
    assisting = page.locator("input[name=co_organizations]")
    total = assisting.count()
    boxes.nth(1).fill("物业")
    visible = [
        name
        for name in assisting.evaluate_all(
            "xs => xs.filter(x => x.offsetParent).map(x => x.closest('label').textContent)"
        )
    ]
    assert 0 < len(visible) < total and all("物业" in text for text in visible)
    boxes.nth(1).fill("")
    assert len(assisting.evaluate_all("xs => xs.filter(x => x.offsetParent)")) == total
