"""In Chromium, on a phone-size screen, in Chinese (issue 12): a resident opens their household's
one-time link (as from the QR slip), answers every question with a tap, leaves a comment and sends;
opening the same link again is refused in words, and nothing more is written. No page scrolls
sideways; axe-core checks every page. Selectors are data-testid attributes."""

import pytest

from gongzhi.browser_testing import screenshot
from gongzhi.surveys import services
from gongzhi.surveys.models import Response, SampledUnit

from .factories import fill, open_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_resident_answers_by_link_once(live_server, world, phone_page, accessibility):
    fill(world.c3, {"2号楼": 40})
    survey = open_survey(world)
    row = survey.units.filter(status=SampledUnit.Status.PENDING).first()
    url = f"{live_server.url}/surveys/a/{services.link_token(row)}/"
    page = phone_page

    page.goto(url)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("[data-testid=question]").count() == len(survey.questionnaire.questions)
    assert fits_the_phone(page)
    screenshot(page, "survey-link-0-questions")
    # Sending with a question left out is refused, with the answers given so far kept.
    page.locator("[data-testid=question]").nth(0).locator("label").nth(1).click()  # 满意
    with page.expect_navigation():
        page.locator("[data-testid=send]").click()
    assert page.locator(".invalid-feedback").count() == len(survey.questionnaire.questions) - 1
    assert page.locator("[data-testid=question]").nth(0).locator("input").nth(1).is_checked()
    assert not Response.objects.exists()
    questions = page.locator("[data-testid=question]")
    for i in range(1, questions.count()):
        questions.nth(i).locator("label").nth(i % 3).click()
    page.locator("textarea[name=comment]").fill("电梯经常停，希望尽快大修。")
    screenshot(page, "survey-link-1-filled")
    with page.expect_navigation():
        page.locator("[data-testid=send]").click()
    assert page.locator("[data-testid=thanks]").is_visible()
    assert fits_the_phone(page)
    screenshot(page, "survey-link-2-thanks")
    answer = Response.objects.get()
    assert answer.channel == "link" and answer.answers["party_org"] == "satisfied"
    assert answer.comment == "电梯经常停，希望尽快大修。"

    # The same link again: refused in words, no form.
    page.goto(url)
    assert page.locator("[data-testid=refusal]").is_visible()
    assert page.locator("[data-testid=answer-form]").count() == 0
    assert fits_the_phone(page)
    screenshot(page, "survey-link-3-reused")
    assert Response.objects.count() == 1
    assert url in accessibility.checked


def test_a_surveyor_records_at_the_door_on_a_phone(live_server, world, phone_page, accessibility):
    from gongzhi.browser_testing import sign_in

    fill(world.c3, {"2号楼": 40})
    survey = open_survey(world)
    row = survey.units.filter(status=SampledUnit.Status.PENDING, stratum__number="2号楼").first()
    page = phone_page
    sign_in(page, live_server.url, "inspector")
    page.goto(f"{live_server.url}/surveys/{survey.uid}/")
    screenshot(page, "survey-surveyor-0-survey")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 8)"
    )
    assert fits_the_phone(page), wide
    page.goto(f"{live_server.url}/surveys/{survey.uid}/units/{row.uid}/")
    questions = page.locator("[data-testid=question]")
    for i in range(questions.count()):
        questions.nth(i).locator("label").nth(2).click()  # 基本满意
    assert fits_the_phone(page)
    screenshot(page, "survey-surveyor-1-unit")
    with page.expect_navigation():
        page.locator("[data-testid=answer-form] button[type=submit]").click()
    answer = Response.objects.get()
    assert (answer.channel, answer.surveyor, answer.answers["property_company"]) == (
        "door",
        world.users["inspector"],
        "basic",
    )
