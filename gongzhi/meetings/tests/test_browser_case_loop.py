"""In a real browser, in Chinese (issue 9, the case ↔ joint-meeting loop): a resident reports cars
blocking the fire lane from the compound's QR page on a phone; the property company accepts it;
the residents' committee escalates it to the joint meeting; the party secretary, chairing, puts it
to the vote and adopts a resolution led by the owners' committee; the resident's tracking page
then says "联席会议决议 J…", who leads and by when, and the case is back at work with the lead.
Screenshots go to test-artifacts/screenshots/ (looked at when the walk was written)."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from gongzhi.browser_testing import screenshot, sign_in, sign_in_by_code, submit
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import State
from gongzhi.meetings import services
from gongzhi.meetings.models import Resolution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page, key: str, fields: dict | None = None) -> None:
    """Take an action of the staff case page: open its form, fill it, submit, wait for the answer."""
    form = page.locator(f"form[action$='/act/{key}/']")
    if form.locator("summary").count():
        form.locator("summary").click()
    for name, value in (fields or {}).items():
        form.locator(f"[name={name}]").fill(value)
    submit(page, form.locator("button[type=submit]"))


def test_an_escalated_case_comes_back_with_the_resolution(live_server, world, phone_page, browser, settings, tmp_path):
    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import Category

    install_default_categories(actor=None, town=world.town)
    parking = Category.objects.get(town=world.town, code="PARKING")
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    resident = phone_page

    # The resident reports from the QR page, after verifying their number.
    resident.goto(f"{base}/r/{world.c1.uid}/")
    resident.locator("[data-testid=verify-phone]").click()
    sign_in_by_code(resident, "13800000001")
    resident.wait_for_url(re.compile(rf"/r/{world.c1.uid}/$"))
    resident.locator("select[name=category]").select_option(parking.uid)
    resident.locator("textarea[name=description]").fill("消防通道长期被私家车占用，救护车进不来")
    resident.locator("[data-testid=submit-report]").click()
    resident.wait_for_url(re.compile(r"/t/[0-9a-z]+/$"))
    case = Case.objects.get()
    assert case.handler == world.orgs["pc"]

    # A meeting of the neighborhood is planned for tomorrow.
    secretary = world.users["party_secretary"]
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), datetime.min.time()))
    meeting = services.schedule_meeting(
        actor=secretary, neighborhood=world.n1, title="新城联席会议", starts_at=start + timedelta(hours=14)
    )

    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = staff.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    # The property company accepts it; the residents' committee escalates it.
    sign_in(page, base, "property_manager")
    page.goto(f"{base}{case.get_absolute_url()}")
    act(page, "accept")
    page.context.clear_cookies()
    sign_in(page, base, "rc_worker")
    page.goto(f"{base}{case.get_absolute_url()}")
    act(page, "escalate", {"reason": "车辆占用消防通道，涉及物业、业委会和派出所，需要联席会议协商"})
    case.refresh_from_db()
    assert case.state == State.ESCALATED
    screenshot(page, "loop-1-escalated")

    # The chair opens the meeting, the case is on its agenda; the meeting votes and resolves.
    page.context.clear_cookies()
    sign_in(page, base, "party_secretary")
    services.refresh_agendas()  # the periodic sweep puts what came up on planned agendas
    page.goto(f"{base}{meeting.get_absolute_url()}")
    submit(page, page.locator("[data-testid=send-invitations]"))
    submit(page, page.locator("[data-testid=open-meeting]"))
    page.wait_for_selector("[data-testid=attendance-form]")
    for select in page.locator("[data-testid=attendance-form] select").all():
        select.select_option("present")
    submit(page, page.locator("[data-testid=save-attendance]"))
    page.locator("[data-testid=agenda-item]", has_text=case.number).click()
    submit(page, page.locator("[data-testid=open-ballot]"))
    while page.locator("[data-testid=vote-yes]").count():
        submit(page, page.locator("[data-testid=vote-yes]").first)
    submit(page, page.locator("[data-testid=close-vote]"))
    form = page.locator("[data-testid=resolution-form]")
    form.locator("textarea[name=text]").fill("业委会牵头划定禁停区，派出所配合整治")
    form.locator("select[name=lead]").select_option(world.orgs["oc1"].uid)
    form.locator(f'input[name=co_organizations][value="{world.orgs["police"].uid}"]').check()
    due = timezone.localdate() + timedelta(days=21)
    form.locator("input[name=due]").fill(due.isoformat())
    page.locator("[data-testid=adopt-resolution]").click()
    page.wait_for_url(re.compile(r"/meetings/resolutions/[0-9a-z]{12}/$"))
    resolution = Resolution.objects.get()
    screenshot(page, "loop-2-resolution")

    case.refresh_from_db()
    assert (case.state, case.handler, case.resolve_due) == (State.IN_PROGRESS, world.orgs["oc1"], due)
    assert case.meeting_resolution == resolution.number

    # The owners' committee sees the case back with it, under the resolution.
    page.context.clear_cookies()
    sign_in(page, base, "oc_member")
    page.goto(f"{base}{case.get_absolute_url()}")
    assert resolution.number in page.locator("[data-testid=meeting-resolution]").inner_text()
    assert page.locator("form[action$='/act/resolve/']").count() == 1
    screenshot(page, "loop-3-case-with-the-lead")
    staff.close()

    # The resident's tracking page says what the joint meeting decided, who leads and by when.
    resident.goto(f"{base}{case.tracking_url()}")
    text = resident.locator("main").inner_text()
    assert f"联席会议决议 {resolution.number}" in text
    assert "新城一村业委会" in text and due.isoformat() in text
    assert resident.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(resident, "loop-4-resident-tracking")
