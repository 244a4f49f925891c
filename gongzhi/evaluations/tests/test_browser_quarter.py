"""In Chromium, in Chinese, at desktop width: the office opens the quarter's inspection-evaluation,
and the residents' committee of 新城 submits its report; the neighborhood's page then shows it
received and the other parties' reports still missing. Selectors are data-testid attributes and
form field names, so the test holds before and after the Chinese catalogue is updated."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gongzhi.browser_testing import PHONE, screenshot, sign_in, submit
from gongzhi.evaluations.models import PartyReport, QuarterlyEvaluation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_opens_a_quarter_and_a_party_reports(live_server, world, desktop_page, accessibility):
    page, base = desktop_page, live_server.url
    today = timezone.localdate()
    due = today + timedelta(days=10)

    sign_in(page, base, "office")
    page.goto(f"{base}/evaluations/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.locator("[data-testid=open-quarter]").click()
    page.wait_for_url(f"{base}/evaluations/new/")
    page.locator("select[name=quarter]").select_option("4")
    page.locator("input[name=reports_due]").fill(due.isoformat())
    screenshot(page, "evaluations-0-open")
    submit(page, page.locator("main form button[type=submit]").first)
    evaluation = QuarterlyEvaluation.objects.get()
    assert page.url == f"{base}{evaluation.get_absolute_url()}"
    assert str(evaluation.year) in page.locator("h1").inner_text()  # words follow when the catalogue has them
    screenshot(page, "evaluations-1-quarter")
    page.context.clear_cookies()

    sign_in(page, base, "rc_worker")
    page.goto(f"{base}{evaluation.get_absolute_url()}")
    page.locator("[data-testid=neighborhood-link][data-code=xc]").click()
    page.locator("[data-testid=submit-report]").click()
    page.locator("textarea[name=text]").fill("本季度共走访居民120户，调处诉求35件，组织联席会议3次。")
    submit(page, page.locator("main form button[type=submit]").first)
    report = PartyReport.objects.get()
    page_url = page.url.removeprefix(base)
    assert report.organization == world.orgs["rc1"]
    assert page.locator("[data-testid=party][data-org=rc1]").get_attribute("data-status") == "received"
    assert page.locator("[data-testid=party][data-org=po1]").get_attribute("data-status") == "missing"
    assert page.locator("[data-testid=submit-report]").count() == 0
    assert page.locator("[data-testid=survey]").is_visible()
    screenshot(page, "evaluations-2-neighborhood")
    page.context.clear_cookies()

    # The office records the forum held in 新城 and an opinion asking the property company to act.
    sign_in(page, base, "office")
    page.goto(f"{base}{page_url}")
    page.locator("[data-testid=record-forum]").click()
    page.locator("input[name=place]").fill("新城居委会会议室")
    page.locator("textarea[name=p_rc_cadre]").fill("王芳")
    page.locator("textarea[name=p_owner_rep]").fill("李强、赵丽")
    page.locator("textarea[name=p_congress_delegate]").fill("陈静")
    submit(page, page.locator("main form button[type=submit]").first)
    page.locator("[data-testid=record-opinion]").click()
    page.locator("textarea[name=text]").fill("地下车库照明不足，希望尽快更换灯具。")
    page.locator("select[name=organization]").select_option(world.orgs["pc"].uid)
    page.locator("input[name=asks_for_action]").check()
    submit(page, page.locator("main form button[type=submit]").first)
    assert page.locator("[data-testid=opinion][data-follow-up=yes]").count() == 1
    page.goto(f"{base}{page_url}")
    assert page.locator("[data-testid=forum]").count() == 1
    screenshot(page, "evaluations-3-forum")
    page.set_viewport_size(PHONE)  # the same page on a phone: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "evaluations-4-phone")
