"""In Chromium, in Chinese: the office's 2026Q3 report from draft to distribution, on 2026-10-15,
and a recipient reading it on a phone.

1. The office (desktop) starts the report from the form: the figures are assembled (the job runs
   when the request commits) and the charts are on the page; it writes the overview and submits.
2. The leader (desktop) approves: the report is frozen and its PDF and Word files are made.
3. The office distributes it to the seed's list (seven organisations of the test town) and opens
   the transmittal list: nobody has read it yet.
4. 新城党总支's secretary, on a 390 px phone, finds it under the reports received, reads 新城's
   section (not 世博's) and confirms.
5. The office's transmittal list shows the receipt.

Selected by data-testid, URLs and names (never by UI text)."""

import pytest

from gongzhi.browser_testing import DESKTOP, screenshot, sign_in, submit
from gongzhi.evaluation_reports.models import Delivery, Report

from .factories import QUARTER, TODAY, with_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen(TODAY)]


def state(page) -> str:
    return page.locator("[data-testid=report-state]").inner_text().strip()


def test_the_offices_report_from_draft_to_distribution(live_server, world, desktop_page, phone_page, browser):
    base = live_server.url
    with_cases(world)

    # 1. The office starts, writes and submits.
    office = desktop_page
    office.on("dialog", lambda dialog: dialog.accept())
    sign_in(office, base, "office")
    office.goto(f"{base}/reports/")
    assert office.locator("html").get_attribute("lang") == "zh-hans"
    office.locator("[data-testid=new-report]").click()
    office.wait_for_url(f"{base}/reports/new/")
    office.locator("select[name=kind]").select_option("quarter")
    office.locator("input[name=period]").fill(QUARTER)
    submit(office, office.locator("main form button[type=submit]"))
    report = Report.objects.get()
    office.wait_for_url(f"{base}/reports/{report.uid}/")
    assert state(office) == "草稿"
    assert office.locator("figure.report-chart img").count() == 1  # the rates (no survey closed: no parties chart)
    assert "新城" in office.locator("article.report-body").inner_text()
    overview = office.locator("[data-testid=section-form]").first
    overview.locator("textarea[name=text]").fill("本季度全镇诉求处置总体平稳。")
    submit(office, overview.locator("button[type=submit]"))
    assert office.locator("[data-testid=section-form] textarea").first.input_value() == "本季度全镇诉求处置总体平稳。"
    screenshot(office, "reports-01-office-draft")
    submit(office, office.locator("[data-testid=submit]"))
    assert state(office) == "待审定"

    # 2. The leader approves.
    leader = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    leader.on("dialog", lambda dialog: dialog.accept())
    sign_in(leader, base, "leader")
    leader.goto(f"{base}/reports/{report.uid}/")
    assert leader.locator("[data-testid=section-form]").count() == 0
    submit(leader, leader.locator("[data-testid=approve]"))
    assert state(leader) == "已审定"
    assert leader.locator("[data-testid=frozen]").is_visible()
    assert leader.locator("[data-testid=pdf]").is_visible() and leader.locator("[data-testid=docx]").is_visible()
    screenshot(leader, "reports-02-leader-approved")

    # 3. The office distributes and opens the transmittal list.
    office.goto(f"{base}/reports/{report.uid}/")
    submit(office, office.locator("[data-testid=distribute]"))
    assert state(office) == "已分送"
    office.locator("[data-testid=transmittal-link]").click()
    office.wait_for_url(f"{base}/reports/{report.uid}/transmittal/")
    rows = office.locator("[data-testid=deliveries] tbody tr")
    assert rows.count() == 7
    assert "新城党总支" in office.locator("[data-testid=deliveries]").inner_text()
    screenshot(office, "reports-03-transmittal-unread")

    # 4. The secretary reads it on a phone and confirms.
    phone = phone_page
    sign_in(phone, base, "party_secretary")
    phone.goto(f"{base}/reports/received/")
    delivery = Delivery.objects.get(report=report, organization=world.orgs["po1"])
    phone.locator(f"a[href='/reports/received/{delivery.uid}/']").click()
    phone.wait_for_url(f"{base}/reports/received/{delivery.uid}/")
    body = phone.locator("article.report-body")
    assert phone.locator(f"#nb-{world.n1.uid}").count() == 1 and phone.locator(f"#nb-{world.n2.uid}").count() == 0
    assert "本季度全镇诉求处置总体平稳。" in body.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "reports-04-secretary-phone")
    submit(phone, phone.locator("[data-testid=confirm-read]"))
    assert phone.locator("[data-testid=read]").is_visible()
    delivery.refresh_from_db()
    assert delivery.read_by == world.users["party_secretary"]

    # 5. The office sees the receipt.
    office.reload()
    assert "party_secretary" in office.locator("[data-testid=deliveries]").inner_text()
    screenshot(office, "reports-05-transmittal-read")
