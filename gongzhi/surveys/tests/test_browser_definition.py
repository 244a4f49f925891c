"""In Chromium, on a desktop, in Chinese: the office opens the survey settings from the list of
surveys, chooses the strict definition and saves; the results page then names it and shows its
figures first, the two other definitions below in a smaller table. axe-core checks every page.
Selectors are data-testid attributes and form names."""

import pytest

from gongzhi.browser_testing import screenshot, sign_in, submit
from gongzhi.surveys import services
from gongzhi.surveys.models import Scale, SurveySettings

from .factories import all_answers, open_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_chooses_the_towns_definition(live_server, world, desktop_page, accessibility):
    survey = open_survey(world, world.c2, scale=Scale.THREE)
    rows = list(survey.units.filter(status="pending").order_by("order"))
    for row, level in zip(rows, ("satisfied", "basic"), strict=True):
        services.record_answer(actor=world.users["office"], survey=survey, unit=row.unit, channel="door",
                               answers=all_answers(survey, level))  # fmt: skip
    page = desktop_page
    sign_in(page, live_server.url, "office")

    page.goto(f"{live_server.url}/surveys/{survey.uid}/results/")
    headline = page.locator("[data-testid=headline] tbody tr").first
    assert "95.0 %" in headline.inner_text()  # the 12345 style, by default
    screenshot(page, "survey-definition-0-results-12345")

    page.goto(f"{live_server.url}/surveys/")
    with page.expect_navigation():
        page.locator("[data-testid=survey-settings]").click()
    assert page.locator("#definition-r12345").is_checked()
    page.locator("label[for=definition-strict]").click()
    screenshot(page, "survey-definition-1-settings")
    submit(page, page.locator("main form button[type=submit]"))
    assert SurveySettings.for_town(world.town.pk).definition == "strict"

    page.goto(f"{live_server.url}/surveys/{survey.uid}/results/")
    headline = page.locator("[data-testid=headline] tbody tr").first
    assert "50.0 %" in headline.inner_text()
    assert "95.0 %" in page.locator("[data-testid=other-definitions] tbody tr").first.inner_text()
    screenshot(page, "survey-definition-2-results-strict")
