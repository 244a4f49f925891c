"""In Chromium, in Chinese: a whole quarter of property-service assessment as its users run it, on
Monday 2027-01-11 for 2026Q4. 申江物业 (pc) is assessed on three contracts: 新城一村 (c1), 新城二村
(c2, ended 2027-01-01) and 世博家园 (c3, since 2026-12-12).

1. The office (desktop) opens the cycle for 2026Q4 on the assessments page and pulls the figures:
   no rectification order was due (0 late → 整改 10 of 10), no survey was closed (住户满意: nothing to
   measure, scored by hand).
2. The inspector (inspection group 1, covering 世博) scores 世博家园's 保洁 15 of 25 with a reason on the
   page; the office gives every other score through the services (full points, with a reason).
   → 世博家园 15 + 15 + 10 + 5 + 5 + 30 + 10 = 90.0 → 良好 (≥ 85), fee 98 %; the two others 100.0.
3. The office shows the drafts (5 working days).
4. The property manager, on a phone (390 px), finds the cycle, opens 世博家园's draft (90.0) and
   objects with a reason.
5. The office changes 保洁 to 20 with a reason → 95.0 → 优秀 (≥ 95), fee 100 %; once the window has
   passed, closes the objection phase, approves (a quarter: the office) and publishes.
6. The result page shows 95.0 / 优秀 / 100 %; the Excel export and the result letter (PDF) download;
   the published cycle offers no step any more (no second publish)."""

from datetime import timedelta
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from gongzhi.assessments.models import Assessment, Cycle, Score
from gongzhi.assessments.workflow import CycleState
from gongzhi.browser_testing import screenshot, sign_in, submit

from .factories import assessment_of, score_all, seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen("2027-01-11 10:00")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def no_english_chrome(page) -> None:
    """The page is in Chinese: <html lang> and none of the app's English step labels."""
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    body = page.locator("main").inner_text()
    for english in ("Pull the platform figures", "Show the drafts", "Publish", "Score", "Grade", "Objection"):
        assert english not in body, english


def act(page, action: str) -> None:
    submit(page, page.locator(f"[data-testid=act-{action}]"))


def test_a_whole_quarter_of_property_service(live_server, world, clock, desktop_page, phone_page, browser):
    base = live_server.url
    schemes = seeded(world)
    pc = world.orgs["pc"]

    # 1. The office opens 2026Q4 and pulls the figures.
    office = desktop_page
    sign_in(office, base, "office")
    office.goto(f"{base}/assessments/")
    form = office.locator("[data-testid=open-cycle]")
    form.locator("select[name=scheme]").select_option(str(schemes["property_service"].uid))
    form.locator("input[name=period]").fill("2026Q4")
    submit(office, form.locator("button[type=submit]"))
    cycle = Cycle.objects.get(subject_kind="property_service", period="2026Q4")
    office.wait_for_url(f"{base}/assessments/cycles/{cycle.uid}/")
    assert office.locator("[data-testid=cycle-state]").inner_text() == zh(CycleState.OPEN.label)
    assert office.locator("[data-testid=results] tbody tr").count() == 3
    no_english_chrome(office)
    screenshot(office, "assessments-quarter-01-opened")
    act(office, "pull")
    assert office.locator("[data-testid=cycle-state]").inner_text() == zh(CycleState.SCORING.label)
    screenshot(office, "assessments-quarter-02-pulled")
    c3 = assessment_of(cycle, organization=pc, compound=world.c3)
    late = c3.scores.get(indicator__source="inspections.rectifications_late")
    survey = c3.scores.get(indicator__source="surveys.satisfaction")
    assert (late.count, late.points) == (0, D("10.0"))  # 10 − 2 × 0
    assert (survey.value, survey.points) == (None, None)  # nothing to measure: by hand

    # 2. The inspector scores 世博家园's 保洁 with a reason (desktop).
    inspector_context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    inspector = inspector_context.new_page()
    sign_in(inspector, base, "inspector")
    inspector.goto(f"{base}/assessments/cycles/{cycle.uid}/")
    assert inspector.locator("[data-testid=results] tbody tr").count() == 1  # group 1 covers 世博 only
    inspector.get_by_role("link", name="世博家园").click()
    inspector.wait_for_url(f"{base}/assessments/a/{c3.uid}/")
    first = inspector.locator("[data-testid=score-form]").first
    first.locator("input[name$=points]").fill("15")
    first.locator("textarea[name$=reason]").fill("垃圾分类点周边有散落垃圾，楼道保洁不到位")
    submit(inspector, first.locator("[data-testid=save-score]"))
    cleaning = Score.objects.get(assessment=c3, indicator__text="公共区域保洁、垃圾分类与清运")
    assert (cleaning.points, cleaning.scored_by) == (D("15.0"), world.users["inspector"])
    assert "垃圾分类点周边有散落垃圾" in inspector.locator("main").inner_text()
    no_english_chrome(inspector)
    screenshot(inspector, "assessments-quarter-03-inspector-scored")
    inspector_context.close()
    score_all(world, cycle)  # every other score: its full points, with a reason
    # 世博家园: 15 + 15 + 10 + 5 + 5 + 30 + 10 = 90.0 → 良好, 98 %
    assert (Assessment.objects.get(pk=c3.pk).total, Assessment.objects.get(pk=c3.pk).band) == (D("90.0"), "良好")

    # 3. The office shows the drafts.
    office.goto(f"{base}/assessments/cycles/{cycle.uid}/")
    drafts = office.locator("form").filter(has=office.locator("input[name=days]"))
    assert drafts.locator("input[name=days]").input_value() == "5"
    submit(office, drafts.locator("[data-testid=act-show_drafts]"))
    cycle.refresh_from_db()
    assert cycle.state == CycleState.OBJECTIONS and cycle.objection_until is not None
    assert office.locator("[data-testid=cycle-state]").inner_text() == zh(CycleState.OBJECTIONS.label)
    no_english_chrome(office)
    screenshot(office, "assessments-quarter-04-drafts-shown")

    # 4. The property manager, on a phone, sees its draft and objects.
    phone = phone_page
    sign_in(phone, base, "property_manager")
    phone.goto(f"{base}/assessments/")
    assert fits_the_phone(phone)
    phone.locator("[data-testid=cycles] a").first.click()
    phone.wait_for_url(f"{base}/assessments/cycles/{cycle.uid}/")
    assert phone.locator("[data-testid=results] tbody tr").count() == 3  # the company's three contracts
    assert phone.locator("[data-testid=cycle-actions]").count() == 0
    assert fits_the_phone(phone)
    no_english_chrome(phone)
    screenshot(phone, "assessments-quarter-05-phone-cycle")
    phone.get_by_role("link", name="世博家园").click()
    phone.wait_for_url(f"{base}/assessments/a/{c3.uid}/")
    assert phone.locator("[data-testid=total]").inner_text() == "90.0"
    assert phone.locator("[data-testid=score-form]").count() == 0
    assert fits_the_phone(phone)
    screenshot(phone, "assessments-quarter-06-phone-draft")
    objection = phone.locator("[data-testid=objection-form]")
    objection.locator("textarea[name=reason]").fill("保洁扣分过重：散落垃圾为当日清运车延误所致，已于次日清理")
    submit(phone, objection.locator("[data-testid=send-objection]"))
    assert "当日清运车延误" in phone.locator("[data-testid=objection]").inner_text()
    assert phone.locator("[data-testid=objection-form]").count() == 0  # one objection per assessment
    assert fits_the_phone(phone)
    no_english_chrome(phone)
    screenshot(phone, "assessments-quarter-07-phone-objected")

    # 5. The office decides (保洁 → 20), closes the objection phase after the window, approves, publishes.
    office.goto(f"{base}/assessments/a/{c3.uid}/")
    decision = office.locator("[data-testid=decision-form]")
    decision.locator("textarea[name=reason]").fill("核实清运车延误属实，保洁调整为20分")
    decision.locator("select[name=score]").select_option(str(cleaning.pk))
    decision.locator("input[name=points]").fill("20")
    screenshot(office, "assessments-quarter-08-deciding")
    submit(office, decision.locator("button[type=submit]"))
    assert office.locator("[data-testid=total]").inner_text() == "95.0"  # 20 + 15 + 10 + 5 + 5 + 30 + 10
    assert "保洁调整为20分" in office.locator("[data-testid=objection]").inner_text()
    no_english_chrome(office)
    screenshot(office, "assessments-quarter-09-decided")

    clock.move_to(f"{cycle.objection_until + timedelta(days=1)} 10:00")
    sign_in(office, base, "office")  # days later: the session (12 hours) has expired
    office.goto(f"{base}/assessments/cycles/{cycle.uid}/")
    act(office, "close_objections")
    assert office.locator("[data-testid=cycle-state]").inner_text() == zh(CycleState.DECIDED.label)
    act(office, "approve")
    assert office.locator("[data-testid=cycle-state]").inner_text() == zh(CycleState.APPROVED.label)
    screenshot(office, "assessments-quarter-10-approved")
    act(office, "publish")
    assert office.locator("[data-testid=cycle-state]").inner_text() == zh(CycleState.PUBLISHED.label)
    no_english_chrome(office)
    screenshot(office, "assessments-quarter-11-published")

    # 6. The results, the downloads, and no second publish.
    rows = office.locator("[data-testid=results] tbody tr")
    # ranks: 新城一村 and 新城二村 100.0 share rank 1, 世博家园 95.0 is 3rd
    assert [rows.nth(i).locator("td").nth(0).inner_text() for i in range(3)] == ["1", "1", "3"]
    assert rows.nth(2).locator("td").nth(2).inner_text() == "95.0"
    assert rows.nth(2).locator("td").nth(3).inner_text() == "优秀"
    assert rows.nth(2).locator("td").nth(4).inner_text() == "100%"
    assert office.locator("[data-testid=act-publish]").count() == 0
    assert office.locator("[data-testid=cycle-actions]").count() == 0

    export = office.request.get(f"{base}/assessments/cycles/{cycle.uid}/export.xlsx")
    assert export.status == 200 and export.headers["content-type"] == XLSX
    sheet = load_workbook(BytesIO(export.body())).active
    values = list(sheet.iter_rows(values_only=True))
    c3_row = next(row for row in values if "申江物业 · 世博家园" in row)
    # rank, assessed, score, grade, fee %, failed twice, objection, then the 7 indicators' points
    assert c3_row[0] == 3 and c3_row[2:5] == (95, "优秀", 100) and c3_row[6] == "是"  # objected
    assert [float(p) for p in c3_row[7:14]] == [20.0, 15.0, 10.0, 5.0, 5.0, 30.0, 10.0]

    office.goto(f"{base}/assessments/a/{c3.uid}/")
    assert office.locator("[data-testid=total]").inner_text() == "95.0"
    result = office.locator("[data-testid=result]").inner_text()
    assert "优秀" in result and "100%" in result
    no_english_chrome(office)
    screenshot(office, "assessments-quarter-12-result")
    letter_href = office.locator("[data-testid=result] a[href$='letter.pdf']").get_attribute("href")
    letter = office.request.get(f"{base}{letter_href}")
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    body = letter.body()
    assert body.startswith(b"%PDF") and len(body) > 1000

    sign_in(phone, base, "property_manager")
    phone.goto(f"{base}/assessments/a/{c3.uid}/")
    assert phone.locator("[data-testid=total]").inner_text() == "95.0"
    assert fits_the_phone(phone)
    screenshot(phone, "assessments-quarter-13-phone-result")
    stored = Assessment.objects.get(pk=c3.pk)
    assert (stored.total, stored.band, stored.fee_percent, stored.rank) == (D("95.0"), "优秀", 100, 3)
