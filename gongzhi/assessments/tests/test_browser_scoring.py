"""In Chromium, on a phone-size screen (390 px), in Chinese: the inspection group's inspector opens
last quarter's owners'-committee assessment of 世博家园 (in the group's coverage) from the list,
scores a manual indicator with too many points first (refused, the reason typed is kept), then
with its points and reason; the score is saved. No page scrolls sideways."""

import pytest

from gongzhi.assessments.models import Score
from gongzhi.browser_testing import screenshot, sign_in, submit

from .factories import assessment_of, opened

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_assessor_scores_a_manual_indicator_on_a_phone(live_server, world, phone_page):
    cycle = opened(world, "owners_committee")
    assessment = assessment_of(cycle, organization=world.orgs["oc3"])
    page = phone_page
    base = live_server.url
    sign_in(page, base, "inspector")
    page.goto(f"{base}/assessments/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert fits_the_phone(page)
    page.locator("[data-testid=cycles] a").first.click()
    page.wait_for_url(f"**/assessments/cycles/{cycle.uid}/")
    assert fits_the_phone(page)
    screenshot(page, "assessments-0-cycle")
    page.get_by_text("世博家园业委会").click()
    page.wait_for_url(f"**/assessments/a/{assessment.uid}/")
    assert fits_the_phone(page)
    screenshot(page, "assessments-1-assessment")

    form = page.locator("[data-testid=score-form]").first
    form.locator("input[name$=points]").fill("30")
    form.locator("textarea[name$=reason]").fill("管理规约已在公告栏公示")
    submit(page, form.locator("[data-testid=save-score]"))
    refused = page.locator("[data-testid=score-form] .invalid-feedback").first
    assert "0" in refused.inner_text() and "8" in refused.inner_text()
    assert (
        page.locator("[data-testid=score-form] textarea[name$=reason]").first.input_value() == "管理规约已在公告栏公示"
    )
    assert fits_the_phone(page)
    screenshot(page, "assessments-2-refused")

    form = page.locator("[data-testid=score-form]").first
    form.locator("input[name$=points]").fill("7.5")
    submit(page, form.locator("[data-testid=save-score]"))
    page.wait_for_url(f"**/assessments/a/{assessment.uid}/**")
    assert fits_the_phone(page)
    screenshot(page, "assessments-3-saved")
    score = Score.objects.get(assessment=assessment, indicator__text="管理规约、议事规则公开")
    assert (str(score.points), score.reason, score.scored_by) == (
        "7.5",
        "管理规约已在公告栏公示",
        world.users["inspector"],
    )
    assert "管理规约已在公告栏公示" in page.content()
