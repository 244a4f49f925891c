"""In Chromium, in Chinese (issue 10): the chair opens a meeting three days early and is warned,
marks everyone present at once, sees all four parties here, corrects a named vote before the
ballot closes, and prints minutes that sign off one line per party; and a neighborhood whose
owners sit through owner representatives passes a major matter. Screenshots go to
test-artifacts/screenshots/."""

import re
from datetime import datetime, timedelta

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.browser_testing import ARTIFACTS, screenshot, sign_in, submit
from gongzhi.meetings import services
from gongzhi.meetings.models import Ballot, MatterKind, Minutes, Vote
from gongzhi.orgs.models import Membership
from gongzhi.testing import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _english():
    """These pages are walked in Chinese, the default language (the meetings tests' English
    fixture is switched off here)."""
    yield


def _meeting(world, days: int):
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), datetime.min.time()))
    return services.schedule_meeting(
        actor=world.users["party_secretary"],
        neighborhood=world.n1,
        title="新城联席会议",
        starts_at=start + timedelta(hours=14),
        place="居委会会议室",
    )


def _pdf_text_and_picture(path, name: str) -> str:
    pdf = pypdfium2.PdfDocument(str(path))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    for number, page in enumerate(pdf, start=1):
        page.render(scale=1.5).to_pil().save(ARTIFACTS / f"{name}-page-{number}.png")
    return text


def test_the_chair_opens_early_corrects_a_vote_and_prints_a_line_per_party(
    live_server, world, desktop_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    # 新城's party secretary also chairs 新城居委会: one person, two parties.
    MembershipFactory(
        person=world.people["party_secretary"],
        organization=world.orgs["rc1"],
        title="居委会主任",
        position=Membership.Position.HEAD,
    )
    meeting = _meeting(world, days=3)
    services.propose_item(actor=world.users["party_secretary"], meeting=meeting, title="增设非机动车棚")
    page = desktop_page
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    base = live_server.url
    sign_in(page, base, "party_secretary")
    page.goto(f"{base}{meeting.get_absolute_url()}")
    parties = page.locator("[data-testid=four-parties]")
    assert "党组织" in parties.inner_text() and "居委会" in parties.inner_text()
    submit(page, page.locator("[data-testid=send-invitations]"))
    submit(page, page.locator("[data-testid=open-meeting]"))
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    assert day in dialogs[-1] and "3" in dialogs[-1]  # warned: the meeting was called for three days on

    submit(page, page.locator("[data-testid=all-present]"))
    page.wait_for_selector("[data-testid=all-four-here]")
    assert page.locator("[data-testid=all-four-here]").inner_text().strip() == "四方均已到会"
    screenshot(page, "parties-1-all-four-here")

    page.locator("[data-testid=agenda-item]", has_text="增设非机动车棚").click()
    submit(page, page.locator("[data-testid=open-ballot]"))
    while page.locator("[data-testid=vote-yes]").count():
        submit(page, page.locator("[data-testid=vote-yes]").first)
    voters = page.locator("[data-testid=vote] tbody tr")
    first = voters.first
    first.locator("summary").click()
    submit(page, first.locator("[data-testid=correct-no]"))
    assert Vote.objects.filter(choice="no").count() == 1
    screenshot(page, "parties-2-vote-corrected")
    submit(page, page.locator("[data-testid=close-vote]"))
    ballot = Ballot.objects.get()
    assert ballot.no == 1 and ballot.yes == ballot.votes.count() - 1

    page.goto(f"{base}{meeting.get_absolute_url()}")
    submit(page, page.locator("[data-testid=end-meeting]"))
    page.locator("[data-testid=minutes-link]").click()
    submit(page, page.locator("[data-testid=approve-minutes]"))
    minutes = Minutes.objects.get(meeting=meeting)
    assert "四方均已到会。" in minutes.text
    with page.expect_download() as download:
        page.locator("[data-testid=minutes-pdf]").click()
    path = tmp_path / "minutes.pdf"
    download.value.save_as(path)
    text = _pdf_text_and_picture(path, "parties-3-minutes-sign-off")
    secretary = world.people["party_secretary"].name
    for label, names in (("党组织", "新城党总支"), ("居委会", "新城居委会"), ("业委会", "新城一村业委会")):
        assert re.search(label + r"\s*" + names, text), f"no sign-off line for {label}"
    assert text.count(secretary) >= 3  # chair, and the sign-off lines of both parties she sat for
    screenshot(page, "parties-4-minutes-approved")


def test_owner_representatives_pass_a_major_matter(live_server, world, desktop_page):
    """新城一村 has no owners' committee: the office records its owner representatives, who sit
    for the owners; a major matter then passes under the default rule (all four parties)."""
    services.settings_for(world.town.pk)  # the town's meeting rules and kinds of major matter
    kind = MatterKind.objects.get(town=world.town, name="房屋维修")
    page = desktop_page
    page.on("dialog", lambda dialog: dialog.accept())
    base = live_server.url
    sign_in(page, base, "office")
    committee = world.orgs["oc1"]
    page.goto(f"{base}{reverse('orgs:organization_edit', args=[committee.uid])}")
    page.locator("input[name=name]").fill("新城一村业主代表")
    page.locator("input[name=owner_representatives]").check()
    screenshot(page, "parties-5-owner-representatives-recorded")
    submit(page, page.locator("main form button[type=submit]").first)
    committee.refresh_from_db()
    assert committee.owner_representatives and committee.name == "新城一村业主代表"

    meeting = _meeting(world, days=0)
    item = services.propose_item(
        actor=world.users["oc_member"], meeting=meeting, title="一村外立面维修", major_kind=kind, compound=world.c1
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
    page.context.clear_cookies()
    sign_in(page, base, "party_secretary")
    page.goto(f"{base}{meeting.get_absolute_url()}")
    assert "业委会（业主代表）" in page.locator("[data-testid=four-parties]").inner_text()
    submit(page, page.locator("[data-testid=send-invitations]"))
    submit(page, page.locator("[data-testid=open-meeting]"))
    submit(page, page.locator("[data-testid=all-present]"))
    page.wait_for_selector("[data-testid=all-four-here]")
    screenshot(page, "parties-6-owner-representatives-at-the-meeting")
    page.locator("[data-testid=agenda-item]", has_text="一村外立面维修").click()
    submit(page, page.locator("[data-testid=open-ballot]"))
    while page.locator("[data-testid=vote-yes]").count():
        submit(page, page.locator("[data-testid=vote-yes]").first)
    submit(page, page.locator("[data-testid=close-vote]"))
    page.wait_for_selector("[data-testid=ballot-result]")
    assert "border-success" in page.locator("[data-testid=ballot-result]").get_attribute("class")
    assert Ballot.objects.get().passed and Ballot.objects.get().major
    screenshot(page, "parties-7-major-matter-passed")
