"""In Chromium, in Chinese: a 好管家 round for 2026 from opening to the public page, on Wednesday
2027-01-20. 申江物业 (pc) serves 新城一村 (c1, all year), 新城二村 (c2) and 世博家园 (c3, from
2026-12-21); the property_manager persona runs 新城一村 for it.

The figures (factories.company_year): 申江物业 (96 + 90 + 94 + 92 + 98) ÷ 5 = 94.0, credit 80 + 2 × 5
= 90 → AAA (90); its manager, 新城一村 only, (96 + 94) ÷ 2 = 95.0. Both eligible (≥ 85).

1. The office (desktop) opens the 好管家 round for 2026 from the form.
2. The inspector (group 1, covering 世博 n2), on a 390 px phone, opens the round from the list: it
   sees the company (which serves 世博家园) and not the manager (新城一村), and nominates the company.
3. The office nominates the manager and submits the proposal.
4. The leader (desktop) approves.
5. The office announces.
6. The public page (anonymous, 390 px) lists the two winners.

Selected by data-testid, URLs and the names of organisations and people (the catalogue of the
awards' strings may not be compiled): never by UI text."""

import pytest
from django.utils import translation

from gongzhi.awards.models import Candidate, Round
from gongzhi.awards.workflow import RoundState
from gongzhi.browser_testing import DESKTOP, PHONE, screenshot, sign_in, submit
from gongzhi.credit.models import CreditRecord
from gongzhi.credit.tests.factories import name_manager

from .factories import TODAY, YEAR, company_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.frozen(TODAY)]


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def chinese(page) -> None:
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def state(page) -> str:
    return page.locator("[data-testid=round-state]").inner_text().strip()


def candidate_names(page) -> list[str]:
    return [
        name.strip()
        for name in page.locator("[data-testid=candidates] tbody tr td:nth-child(2) > a:first-child").all_inner_texts()
    ]


def test_a_good_manager_round_from_the_form_to_the_public_page(live_server, world, desktop_page, phone_page, browser):
    base = live_server.url
    manager = name_manager(world)
    company_year(world)
    company_name = "申江物业"
    manager_name = f"{manager.name}（申江物业）"

    # 1. The office opens the 好管家 round for 2026 from the form.
    office = desktop_page
    office.on("dialog", lambda dialog: dialog.accept())
    sign_in(office, base, "office")
    office.goto(f"{base}/awards/")
    chinese(office)
    screenshot(office, "awards-01-office-empty-list")
    office.locator("[data-testid=open-round]").click()
    office.wait_for_url(f"{base}/awards/new/")
    office.locator("select[name=kind]").select_option("good_manager")
    assert office.locator("input[name=year]").input_value() == str(YEAR)  # last year by default in January
    office.locator("input[name=year]").fill(str(YEAR))
    screenshot(office, "awards-02-office-open-form")
    submit(office, office.locator("main form button[type=submit]"))
    r = Round.objects.get()
    assert (r.year, r.kind, r.state) == (YEAR, "good_manager", RoundState.OPEN)
    office.wait_for_url(f"{base}/awards/rounds/{r.uid}/")
    assert state(office) == zh(RoundState.OPEN.label)
    assert candidate_names(office) == [company_name, manager_name]
    assert office.locator("[data-testid=submit-form]").count() == 0  # nobody proposed yet: a note instead
    assert office.locator("[data-testid=nothing-to-submit]").count() == 1
    assert office.locator("[data-testid=approve-form]").count() == 0
    screenshot(office, "awards-03-office-round-opened")

    # 2. The inspector, on a phone, opens the round from the list and nominates the company.
    inspector = phone_page
    sign_in(inspector, base, "inspector")
    inspector.goto(f"{base}/awards/")
    chinese(inspector)
    assert fits_the_phone(inspector)
    screenshot(inspector, "awards-04-inspector-list")
    inspector.locator(f"[data-testid=rounds] a[href='/awards/rounds/{r.uid}/']").click()
    inspector.wait_for_url(f"{base}/awards/rounds/{r.uid}/")
    assert candidate_names(inspector) == [company_name]  # 世博家园's company, not 新城一村's manager
    for step in ("submit-form", "approve-form", "send-back-form", "announce-form"):
        assert inspector.locator(f"[data-testid={step}]").count() == 0, step
    assert fits_the_phone(inspector)
    screenshot(inspector, "awards-05-inspector-round")
    pc = Candidate.objects.get(round=r, organization=world.orgs["pc"])
    inspector.locator("[data-testid=candidates]").get_by_role("link", name=company_name, exact=True).click()
    inspector.wait_for_url(f"{base}/awards/candidates/{pc.uid}/")
    assert inspector.locator("[data-testid=figure]").inner_text() == "94.0"
    assert inspector.locator("[data-testid=records] li").count() == 5
    form = inspector.locator("[data-testid=nominate-form]")
    form.locator("textarea[name=reason]").fill("世博家园接管后垃圾分类达标率100%，全年零投诉")
    assert fits_the_phone(inspector)
    screenshot(inspector, "awards-06-inspector-nominating")
    submit(inspector, form.locator("[data-testid=nominate]"))
    inspector.wait_for_url(f"{base}/awards/rounds/{r.uid}/")
    pc.refresh_from_db()
    assert (pc.nominated_by, pc.rank, pc.proposed) == (world.users["inspector"], 1, True)
    # on the phone the row says it is proposed; the reason is on the candidate's page
    assert "申江物业 拟表彰" in inspector.locator("[data-testid=candidates]").inner_text()
    assert fits_the_phone(inspector)
    screenshot(inspector, "awards-07-inspector-nominated")

    # 3. The office nominates the manager and submits.
    m = Candidate.objects.get(round=r, person=manager)
    office.goto(f"{base}/awards/rounds/{r.uid}/")
    office.locator("[data-testid=candidates]").get_by_role("link", name=manager_name, exact=True).click()
    office.wait_for_url(f"{base}/awards/candidates/{m.uid}/")
    assert office.locator("[data-testid=figure]").inner_text() == "95.0"
    form = office.locator("[data-testid=nominate-form]")
    form.locator("textarea[name=reason]").fill("新城一村加装电梯6台，物业费收缴率98%")
    submit(office, form.locator("[data-testid=nominate]"))
    office.wait_for_url(f"{base}/awards/rounds/{r.uid}/")
    m.refresh_from_db()
    assert (m.nominated_by, m.rank, m.proposed) == (world.users["office"], 1, True)
    screenshot(office, "awards-08-office-nominated")
    submit(office, office.locator("[data-testid=submit]"))  # confirmed in the dialog
    assert state(office) == zh(RoundState.SUBMITTED.label)
    assert Round.objects.get(pk=r.pk).state == RoundState.SUBMITTED
    for step in ("submit-form", "approve-form", "send-back-form", "announce-form"):
        assert office.locator(f"[data-testid={step}]").count() == 0, step
    screenshot(office, "awards-09-office-submitted")

    # 4. The leader approves (desktop).
    leader_context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    leader = leader_context.new_page()
    leader.on("dialog", lambda dialog: dialog.accept())
    sign_in(leader, base, "leader")
    assert f"/awards/rounds/{r.uid}/" in (leader.locator("main").inner_html())  # the home page's item
    leader.goto(f"{base}/awards/rounds/{r.uid}/")
    assert leader.locator("[data-testid=approve-form]").count() == 1
    assert leader.locator("[data-testid=send-back-form]").count() == 1
    assert leader.locator("[data-testid=submit-form]").count() == 0
    chinese(leader)
    screenshot(leader, "awards-10-leader-before-approval")
    submit(leader, leader.locator("[data-testid=approve]"))
    assert state(leader) == zh(RoundState.APPROVED.label)
    assert leader.locator("[data-testid=approve-form]").count() == 0
    screenshot(leader, "awards-11-leader-approved")
    leader_context.close()
    assert set(Candidate.objects.filter(round=r, awarded=True).values_list("pk", flat=True)) == {pc.pk, m.pk}

    # 5. The office announces.
    office.goto(f"{base}/awards/rounds/{r.uid}/")
    form = office.locator("[data-testid=announce-form]")
    form.locator("textarea[name=text]").fill("经浦江镇四位一体领导小组审定，现予公布。")
    submit(office, form.locator("[data-testid=announce]"))
    assert state(office) == zh(RoundState.ANNOUNCED.label)
    assert office.locator("[data-testid=announce-form]").count() == 0
    screenshot(office, "awards-12-office-announced")
    # a good credit record (+10 grade points) for the company and one for the manager
    assert set(CreditRecord.objects.filter(category="awards.award").values_list("kind", "manager_id")) == {
        ("good", None),
        ("good", manager.pk),
    }

    # 6. The public page, anonymous, on a phone.
    public_context = browser.new_context(
        viewport=PHONE, locale="zh-CN", device_scale_factor=2, is_mobile=True, has_touch=True
    )
    public = public_context.new_page()
    public.goto(f"{base}/awards/public/{world.town.code}/")
    chinese(public)
    announced = public.locator("[data-testid=announced]")
    assert announced.count() == 1
    winners = [w.strip() for w in announced.locator("li").all_inner_texts()]
    assert winners == [company_name, manager_name]
    assert "经浦江镇四位一体领导小组审定，现予公布。" in announced.inner_text()
    assert f"{YEAR} · " in announced.locator("h2").inner_text()
    assert fits_the_phone(public)
    screenshot(public, "awards-13-public-phone")
    public_context.close()
