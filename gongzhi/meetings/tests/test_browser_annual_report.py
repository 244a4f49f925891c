"""In a real browser (Debian's Chromium through Playwright), in Chinese, on a phone-size screen (390 px:
compound managers work from their phones): the compound manager goes from the home page to the
annual report in one click, saves a draft with an attachment, comes back later, finishes and
submits it. Selectors are data-testid attributes, so the test holds before and after the
catalogues change. Screenshots go to test-artifacts/screenshots/."""

import pytest

from gongzhi.browser_testing import screenshot
from gongzhi.meetings.models import AnnualReport, AnnualReportFile, ReportState

from .annual_reports_world import *  # noqa: F403 - the fixtures
from .annual_reports_world import FROZEN, PDF
from .test_browser_meetings import sign_in, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen(FROZEN)]


def test_the_compound_manager_drafts_and_submits_the_annual_report_on_a_phone(
    live_server,
    report,  # noqa: F405
    manager,  # noqa: F405
    phone_page,
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    attachment = tmp_path / "2026年度服务总结.pdf"
    attachment.write_bytes(PDF)
    page = phone_page
    page.on("dialog", lambda dialog: dialog.accept())
    base = live_server.url
    url = report.get_absolute_url()
    sign_in(page, base, "property_manager")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    screenshot(page, "annual-report-1-home")

    # One click from the home page's reminder to the report itself.
    reminder = page.locator(f'main a[href="{url}"]').first
    reminder.scroll_into_view_if_needed()
    with page.expect_navigation():
        reminder.click()
    assert page.url == f"{base}{url}"
    assert page.locator("[data-testid=report-form]").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"

    page.locator("textarea[name=service]").fill("全年保洁、绿化、安保按合同执行，报修平均2小时响应。")
    page.locator("input[name=files]").set_input_files(str(attachment))
    screenshot(page, "annual-report-2-draft-filled")
    submit(page, page.locator("[data-testid=save-draft]"))
    assert page.locator("[data-testid=report-state]").inner_text().strip() in ("草稿", "Draft")
    assert page.locator("[data-testid=report-files]").get_by_text("2026年度服务总结.pdf").is_visible()
    saved = AnnualReport.objects.get(pk=report.pk)
    assert saved.state == ReportState.DRAFT and saved.service.startswith("全年保洁")
    assert AnnualReportFile.objects.filter(report=report).count() == 1
    screenshot(page, "annual-report-3-draft-saved")

    # Later: back from the home page, the draft is there to finish.
    page.goto(f"{base}/")
    with page.expect_navigation():
        page.locator(f'main a[href="{url}"]').first.click()
    assert page.locator("textarea[name=service]").input_value().startswith("全年保洁")
    page.locator("textarea[name=management]").fill("完成电梯年检和消防设施维护；整改停车问题。")
    submit(page, page.locator("[data-testid=submit-report]"))
    assert page.locator("[data-testid=report-text]").is_visible()
    assert page.locator("[data-testid=report-form]").count() == 0
    assert page.locator("[data-testid=save-draft]").count() == 0
    done = AnnualReport.objects.get(pk=report.pk)
    assert done.state == ReportState.SUBMITTED and done.reporter.user == manager
    assert "完成电梯年检" in done.management
    screenshot(page, "annual-report-4-submitted")

    # The list of the year shows it, reachable from the meetings' tabs.
    page.goto(f"{base}/meetings/")
    with page.expect_navigation():
        page.locator("[data-testid=tab-annual-reports]").click()
    row = page.locator("[data-testid=annual-report-row]", has_text="新城一村")
    assert row.count() == 1 and row.locator("[data-testid=rating-summary]").inner_text().strip() == "—"
    width = page.evaluate("document.documentElement.scrollWidth")
    table = page.evaluate("document.querySelector('[data-testid=annual-reports]').scrollWidth")
    assert width <= 390 and table <= 390 - 24, f"the list is {table} px wide on a 390 px screen"
    screenshot(page, "annual-report-5-list")
