"""In Chromium, in Chinese: the leader (desktop) opens 督办, sees the overdue case, rectification
order and warning letter of 浦江镇, urges the case — first with nothing written (refused, nothing
sent), then with what is asked — finds it on the "urged" tab, and the case's own history says
the town urged it. The members of the case's handling organisation are notified. Clock:
2026-12-07, all three overdue."""

import pytest

from gongzhi.browser_testing import screenshot, sign_in, submit
from gongzhi.notifications.models import Notification
from gongzhi.notifications.services import users_of
from gongzhi.supervision.models import Urging

from .factories import START, Overdue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen(START)]


def test_the_leader_urges_an_overdue_case(live_server, world, desktop_page, clock):
    overdue = Overdue(world, clock)
    case = overdue.case
    page = desktop_page
    base = live_server.url
    sign_in(page, base, "leader")
    page.goto(f"{base}/supervision/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    for code in ("case", "order", "letter"):
        assert page.locator(f"[data-testid=overdue-{code}] [data-testid=urge-link]").count() == 1, code
    screenshot(page, "supervision-1-overdue")

    page.locator("[data-testid=overdue-case] [data-testid=urge-link]").click()
    page.wait_for_url(f"{base}/supervision/urge/case/{case.uid}/")
    submit(page, page.locator("[data-testid=urge]"))  # nothing written: refused in place
    assert page.locator("[data-testid=urge-form] .invalid-feedback, [data-testid=urge-form] .text-danger").count() >= 1
    assert not Urging.objects.exists()
    page.locator("textarea[name=note]").fill("请三日内受理并联系居民")
    screenshot(page, "supervision-2-urge-form")
    submit(page, page.locator("[data-testid=urge]"))
    page.wait_for_url(f"{base}/supervision/?show=urged")
    assert "请三日内受理并联系居民" in page.locator("[data-testid=urgings]").inner_text()
    screenshot(page, "supervision-3-urged")

    urging = Urging.objects.get()
    assert (urging.kind, urging.object_id, urging.urged_by) == ("case", case.pk, world.users["leader"])
    told = set(Notification.objects.filter(text__contains="请三日内受理").values_list("user_id", flat=True))
    assert told == set(users_of([case.handler_id])) and told

    page.goto(f"{base}{case.get_absolute_url()}")
    assert "镇里督办" in page.content()  # on the case's own history
    # and the case's page offers to urge it again
    assert page.locator("[data-testid=supervision-section] [data-testid=urge-link]").count() == 1
    screenshot(page, "supervision-4-case-history")
