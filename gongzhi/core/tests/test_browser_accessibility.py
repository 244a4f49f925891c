"""Accessibility in a real browser: axe-core (WCAG 2.0/2.1 A and AA) checks every page the browser
tests load (the `accessibility` fixture of conftest.py). Here: the check fails a test at its next step
when a page has violations; the office's main pages on a desktop screen, and the property manager's
on a phone (menu open), pass it. Screenshots go to test-artifacts/screenshots/."""

import re

import pytest

from gongzhi.browser_testing import AccessibilityError, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen("2026-11-27 10:00")]

PROBE = "http://a11y.test/"


def probe(page, body: str) -> None:
    """Serve `body` as the page at PROBE (no server: Playwright answers the request)."""
    page.route(
        PROBE,
        lambda route: route.fulfill(
            content_type="text/html; charset=utf-8",
            body=f'<!doctype html><html lang="en"><head><title>Probe</title></head><body><main>{body}</main></body></html>',
        ),
    )


def test_a_page_with_violations_fails_the_test_at_its_next_step(desktop_page, accessibility):
    page = desktop_page
    probe(page, "<h1>Fine</h1><p>Black on white.</p>")
    page.goto(PROBE)
    page.locator("h1").click()  # checked before the click: no violation
    assert accessibility.checked == [PROBE]

    page.unroute(PROBE)
    probe(page, '<h1>Faint</h1><p style="color:#bbb">Light grey on white.</p><img src="/photo.jpg">')
    page.reload()
    with pytest.raises(AccessibilityError) as failed:
        page.locator("h1").click()
    report = str(failed.value)
    assert f"on {PROBE}" in report
    assert "- color-contrast (serious)" in report and '<p style="color:#bbb">Light grey on white.</p>' in report
    assert "- image-alt (critical)" in report and '<img src="/photo.jpg">' in report
    assert accessibility.checked == [PROBE, PROBE]


def nav_links(page, base) -> list[str]:
    hrefs = page.locator(
        "#gz-nav a.nav-link[href^='/'], #gz-nav [data-nav-group] + .dropdown-menu a[href^='/']"
    ).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [f"{base}{href}" for href in dict.fromkeys(hrefs)]


@pytest.fixture
def town_at_work(world, clock):
    """A case with the property company, last month's meeting of 新城 held with approved minutes, this
    month's planned: the office's and the property manager's pages have rows to show."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import Category
    from gongzhi.cases.services import Report, submit_case
    from gongzhi.meetings import services
    from gongzhi.meetings.models import Minutes

    install_default_categories(actor=None, town=world.town)
    submit_case(
        actor=None,
        report=Report(
            compound=world.c1,
            category=Category.objects.get(town=world.town, code="REPAIR"),
            description="3号楼二层楼道水管漏水，地面积水",
            reporter_name="居民甲",
            reporter_phone="13800000001",
        ),
        channel="qr",
        reporter_user=world.users["resident"],
    )
    secretary = world.users["party_secretary"]
    services.settings_for(world.town.pk)
    clock.move_to("2026-10-20 13:00")
    held = services.schedule_meeting(
        actor=secretary,
        neighborhood=world.n1,
        title="新城十月联席会议",
        starts_at=timezone.make_aware(datetime(2026, 10, 20, 14, 0)),
        place="居委会",
        regular=True,
    )
    clock.move_to("2026-10-20 14:00")
    m = services.open_meeting(actor=secretary, meeting=held, expected_version=held.version)
    m = services.record_attendance(
        actor=secretary, meeting=m, marks={i.pk: ("present", "") for i in m.invitees.all()}, expected_version=m.version
    )
    m = services.end_meeting(actor=secretary, meeting=m, expected_version=m.version)
    minutes = Minutes.objects.get(meeting=m)
    services.approve_minutes(actor=secretary, minutes=minutes, expected_version=minutes.version)
    clock.move_to("2026-11-27 10:00")
    services.schedule_meeting(
        actor=secretary,
        neighborhood=world.n1,
        title="新城十一月联席会议",
        starts_at=timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), datetime.min.time()))
        + timedelta(hours=14),
    )


def test_the_offices_main_pages_pass_axe(live_server, world, town_at_work, desktop_page, accessibility):
    page, base = desktop_page, live_server.url
    sign_in(page, base, "office")
    links = nav_links(page, base)
    assert len(links) >= 6
    for url in [*links, f"{base}/meetings/compliance/", f"{base}/meetings/resolutions/", f"{base}/notifications/"]:
        response = page.goto(url)
        assert response.status == 200, url
    page.locator("[data-testid=user-menu]").click()  # the user menu, open
    accessibility.check_now(page)
    screenshot(page, "a11y-office-menu")
    assert set(links) <= set(accessibility.checked)


def test_the_property_managers_phone_pages_pass_axe(live_server, world, town_at_work, phone_page, accessibility):
    from gongzhi.cases.models import Case

    page, base = phone_page, live_server.url
    sign_in(page, base, "property_manager")
    page.locator(".navbar-toggler").click()
    page.locator("#gz-nav.show").wait_for()
    accessibility.check_now(page)  # the red bar's menu, open on the phone
    screenshot(page, "a11y-manager-menu")
    links = nav_links(page, base)
    case = Case.objects.get()
    for url in [*links, f"{base}{case.get_absolute_url()}"]:
        response = page.goto(url)
        assert response.status == 200, url
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    screenshot(page, "a11y-manager-case")
    assert re.search(case.number, page.locator("main").inner_text())
    assert set(links) <= set(accessibility.checked)
