"""In a real browser (Debian's Chromium through Playwright), in Chinese: the chair's day — open the
meeting, take the attendance, put the façade proposal to the vote, adopt the resolution, end the
meeting, approve the minutes and download them as a PDF — on a desktop screen; and a resident
giving an opinion on a written notice from a phone-size screen. Selectors are names and
data-testid attributes, so the tests hold before and after the catalogues change. Screenshots go
to test-artifacts/screenshots/."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from gongzhi.browser_testing import screenshot, sign_in, sign_in_by_code, submit
from gongzhi.meetings import services
from gongzhi.meetings.models import MatterKind, Minutes, Resolution
from gongzhi.notices.models import Opinion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chairs_day(live_server, world, desktop_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    secretary = world.users["party_secretary"]
    services.settings_for(world.town.pk)
    kind = MatterKind.objects.get(town=world.town, name="房屋维修")
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), datetime.min.time()))
    meeting = services.schedule_meeting(
        actor=secretary,
        neighborhood=world.n1,
        title="新城联席会议",
        starts_at=start + timedelta(hours=14),
        place="居委会",
    )
    item = services.propose_item(
        actor=world.users["oc_member"], meeting=meeting, title="外立面粉刷", major_kind=kind, compound=world.c1
    )
    for persona, org in (
        ("party_secretary", "po1"),
        ("rc_worker", "rc1"),
        ("oc_member", "oc1"),
        ("property_manager", "pc"),
    ):
        services.record_position(
            actor=world.users[persona], item=item, organization=world.orgs[org], stance="agree", expected_version=None
        )
    page = desktop_page
    page.on("dialog", lambda dialog: dialog.accept())
    base = live_server.url
    sign_in(page, base, "party_secretary")

    page.goto(f"{base}{meeting.get_absolute_url()}")
    assert "新城联席会议" in page.locator("h1").inner_text()
    screenshot(page, "chair-1-meeting-planned")
    submit(page, page.locator("[data-testid=send-invitations]"))
    submit(page, page.locator("[data-testid=open-meeting]"))
    page.wait_for_selector("[data-testid=attendance-form]")
    for select in page.locator("[data-testid=attendance-form] select").all():
        select.select_option("present")
    screenshot(page, "chair-2-attendance")
    submit(page, page.locator("[data-testid=save-attendance]"))
    assert page.locator("[data-testid=meeting-state]").inner_text().strip() != ""

    page.locator("[data-testid=agenda-item]", has_text="外立面粉刷").click()
    page.wait_for_selector("[data-testid=consultation]")
    submit(page, page.locator("[data-testid=open-ballot]"))
    page.wait_for_selector("[data-testid=vote]")
    while page.locator("[data-testid=vote-yes]").count():
        submit(page, page.locator("[data-testid=vote-yes]").first)
    screenshot(page, "chair-3-votes")
    submit(page, page.locator("[data-testid=close-vote]"))
    page.wait_for_selector("[data-testid=ballot-result]")
    assert "border-success" in page.locator("[data-testid=ballot-result]").get_attribute("class")

    form = page.locator("[data-testid=resolution-form]")
    form.locator("textarea[name=text]").fill("由业委会牵头、物业公司协助完成外立面粉刷")
    form.locator("select[name=lead]").select_option(world.orgs["oc1"].uid)
    form.locator(f'input[name=co_organizations][value="{world.orgs["pc"].uid}"]').check()
    form.locator("input[name=due]").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    page.locator("[data-testid=adopt-resolution]").click()
    page.wait_for_url(re.compile(r"/meetings/resolutions/[0-9a-z]{12}/$"))
    resolution = Resolution.objects.get()
    assert resolution.lead == world.orgs["oc1"] and resolution.major
    screenshot(page, "chair-4-resolution")

    page.goto(f"{base}{meeting.get_absolute_url()}")
    submit(page, page.locator("[data-testid=end-meeting]"))
    page.wait_for_selector("[data-testid=minutes-link]")
    page.locator("[data-testid=minutes-link]").click()
    page.wait_for_selector("[data-testid=approve-minutes]")
    screenshot(page, "chair-5-minutes-draft")
    submit(page, page.locator("[data-testid=approve-minutes]"))
    page.wait_for_selector("[data-testid=minutes-text]")
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.approved and "外立面粉刷" in page.locator("[data-testid=minutes-text]").inner_text()
    with page.expect_download() as download:
        page.locator("[data-testid=minutes-pdf]").click()
    path = tmp_path / "minutes.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    screenshot(page, "chair-6-minutes-approved")


def test_a_resident_comments_on_a_notice_from_a_phone(live_server, world, phone_page):
    from gongzhi.notices.services import create_notice, publish_notice

    closes = timezone.localdate() + timedelta(days=7)
    notice = create_notice(
        actor=world.users["party_secretary"],
        neighborhood=world.n1,
        compounds=[world.c1],
        title="关于外立面粉刷的书面通报",
        body="经联席会议表决通过，拟对全部楼栋外立面重新粉刷。请在意见征询期内提出意见。",
        responsible=world.orgs["oc1"],
        closes_on=closes,
    )
    notice = publish_notice(
        actor=world.users["party_secretary"], notice=notice, closes_on=closes, expected_version=notice.version
    )
    page = phone_page
    base = live_server.url
    page.goto(f"{base}{notice.public_url()}")
    assert "外立面粉刷" in page.locator("[data-testid=notice-title]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "notice-1-public")
    page.locator("[data-testid=verify-phone]").click()
    sign_in_by_code(page, "13800000001")
    page.wait_for_url(re.compile(rf"/notices/p/{notice.uid}/$"))
    form = page.locator("[data-testid=opinion-form]")
    form.locator("textarea[name=text]").fill("希望施工期间做好安全防护，颜色方案先公示。")
    screenshot(page, "notice-2-opinion-form")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"#opinions$"))
    assert Opinion.objects.get(notice=notice).text.startswith("希望施工期间")
    assert "颜色方案先公示" in page.locator("#opinions").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "notice-3-opinion-sent")
