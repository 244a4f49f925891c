"""In Chromium, in Chinese, on 2026-10-15: the leadership group's meeting decides on the office's
quarterly report.

1. The office (desktop) schedules the meeting from the form (its title offered), puts the submitted
   report on the agenda from the suggestions and another matter by hand, begins the meeting and
   records the two member units' attendance — first without the name of who came for the police
   (refused, the choices kept), then with it.
2. The leader (desktop) approves the report from its agenda item — the choice the office is not
   shown — and assigns a decision on the other matter to the police, due in November.
3. The office concludes the other matter and closes the meeting with its minutes; the minutes PDF
   is offered; the decision's page, opened by the police's staff on a 390 px phone, says which
   meeting decided it and lets them report progress.

Selected by data-testid, URLs and names (never by UI text)."""

from contextlib import nullcontext

import pytest

from gongzhi.browser_testing import DESKTOP, screenshot, sign_in, submit
from gongzhi.evaluation_reports import services as report_services
from gongzhi.evaluation_reports.tests.factories import started, with_cases
from gongzhi.leadership.models import GroupMeeting
from gongzhi.meetings.models import Resolution

from .factories import TODAY, units

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen(TODAY)]


def item(page, n):
    return page.locator("[data-testid=item]").nth(n)


def test_the_group_decides_on_the_report_at_its_meeting(live_server, world, desktop_page, phone_page, browser):
    base = live_server.url
    units(world)
    with_cases(world)
    # outside a test transaction the assembly job runs when its request commits: nothing to capture
    report = started(world, lambda execute=True: nullcontext())
    report = report_services.submit(actor=world.users["office"], report=report, version=report.version)

    # 1. The office schedules, builds the agenda, begins, records attendance.
    office = desktop_page
    office.on("dialog", lambda dialog: dialog.accept())
    sign_in(office, base, "office")
    office.goto(f"{base}/leadership/")
    assert office.locator("html").get_attribute("lang") == "zh-hans"
    office.locator("[data-testid=new-meeting]").click()
    office.wait_for_url(f"{base}/leadership/new/")
    assert "2026" in office.locator("input[name=title]").input_value()
    office.locator("input[name=starts_at]").fill("2026-10-15T14:30")
    office.locator("input[name=place]").fill("镇政府三楼会议室")
    submit(office, office.locator("main form button[type=submit]"))
    meeting = GroupMeeting.objects.get()
    office.wait_for_url(f"{base}/leadership/{meeting.uid}/")
    submit(office, office.locator("[data-testid=suggest-report] button"))
    add_other = office.locator("[data-testid=add-other]")
    office.locator("[data-testid=suggestions] details summary").click()
    office.locator("[data-testid=suggestions] input[name=title]").fill("小区停车难问题综合治理")
    submit(office, add_other)
    assert office.locator("[data-testid=item]").count() == 2
    screenshot(office, "leadership-1-agenda")
    submit(office, office.locator("[data-testid=hold]"))
    assert GroupMeeting.objects.get().state == "held"
    police, civ = (meeting.attendance.get(label=label) for label in ("陈行派出所", "文明办"))
    office.locator(f"select[name=status_{police.pk}]").select_option("present")
    office.locator(f"select[name=status_{civ.pk}]").select_option("excused")
    submit(office, office.locator("[data-testid=save-attendance]"))  # who came for the police: not said
    assert office.locator(f"select[name=status_{civ.pk}]").input_value() == "excused"  # kept
    office.locator(f"input[name=who_{police.pk}]").fill("王所长")
    submit(office, office.locator("[data-testid=save-attendance]"))
    police.refresh_from_db()
    assert (police.status, police.attendee) == ("present", "王所长")
    assert item(office, 0).locator("input[name=decision][value=approve]").count() == 0  # the group decides

    # 2. The leader approves the report and assigns a decision.
    leader = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    leader.on("dialog", lambda dialog: dialog.accept())
    sign_in(leader, base, "leader")
    leader.goto(f"{base}/leadership/{meeting.uid}/")
    first = item(leader, 0)
    first.locator("details:has([data-testid=conclude]) summary").click()
    first.locator("input[name=decision][value=approve]").check()
    first.locator("textarea[name=conclusion]").fill("会议审议通过本季度评估报告，同意印发。")
    submit(leader, first.locator("[data-testid=conclude]"))
    report.refresh_from_db()
    assert report.state == "approved" and report.approved_by == world.users["leader"]
    second = item(leader, 1)
    second.locator("details:has([data-testid=decide]) summary").click()
    second.locator("textarea[name=text]").fill("制定小区停车综合治理方案，清理占用消防通道车辆。")
    second.locator("select[name=lead]").select_option(world.orgs["police"].uid)
    second.locator("input[name=due]").fill("2026-11-30")
    submit(leader, second.locator("[data-testid=decide]"))
    resolution = Resolution.objects.get()
    assert resolution.body_id and resolution.lead == world.orgs["police"]
    screenshot(leader, "leadership-2-decided")
    leader.context.close()

    # 3. The office concludes the matter and closes the meeting.
    office.reload()
    second = item(office, 1)
    second.locator("details:has([data-testid=conclude]) summary").click()
    second.locator("textarea[name=conclusion]").fill("由派出所牵头开展停车秩序综合治理。")
    submit(office, second.locator("[data-testid=conclude]"))
    office.locator("details:has([data-testid=close]) summary").click()
    office.locator("textarea[name=minutes]").fill("会议听取了办公室汇报，审议通过季度评估报告，研究了停车难问题。")
    submit(office, office.locator("[data-testid=close]"))
    assert GroupMeeting.objects.get().state == "closed"
    assert office.locator("[data-testid=minutes-pdf]").count() == 1
    screenshot(office, "leadership-3-closed")

    phone = phone_page
    sign_in(phone, base, "gov_staff")
    phone.goto(f"{base}{resolution.get_absolute_url()}")
    assert phone.locator("[data-testid=body-decision]").count() == 1
    assert phone.locator("[data-testid=decided-at]").count() == 0  # the police reads the decision, not the meeting
    assert phone.locator("textarea[name=text]").count() == 1  # progress
    screenshot(phone, "leadership-4-police-phone")
