"""The awards' pages (Django test client, English): the office's list and opening a round by form
(a refused round keeps what was chosen), the round page group by group with ranks and eligibility,
its Excel, the candidate page with every exclusion drilling down to its record, nominating from
the page, the controls each role sees at each step, the leadership group's sending back, the
public page and the home-page items. Clock: 2027-01-20, the year awarded 2026."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.assessments.models import Assessment
from gongzhi.awards import attention, services
from gongzhi.awards.models import Candidate, Round
from gongzhi.core.scope import get_scope
from gongzhi.credit.tests.factories import by_hand, name_manager
from gongzhi.warning_letters.models import Measure
from gongzhi.warning_letters.tests.factories import sent

from .factories import TODAY, YEAR, candidate, company_year, open_round, stewards_year

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(TODAY)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STEWARD = "2026 Good steward award (好当家)"


def client_for(world, persona) -> Client:
    client = Client()
    if persona is not None:
        client.force_login(world.users[persona])
    return client


def html(response) -> str:
    return unescape(response.content.decode())


class _Tables(HTMLParser):
    """The round page's groups: each `<h2>` heading, then the rows (cell texts) of the candidates'
    table after it (none when the group is empty)."""

    def __init__(self):
        super().__init__()
        self.groups: list[tuple[str, list[list[str]]]] = []
        self._h2 = None
        self._in_table = False
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2":
            self._h2 = []
        elif tag == "table" and attrs.get("data-testid") == "candidates":
            self._in_table = True
        elif self._in_table and tag == "tr":
            self._row = []
        elif self._row is not None and tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "h2" and self._h2 is not None:
            self.groups.append(("".join(self._h2).strip(), []))
            self._h2 = None
        elif tag == "table":
            self._in_table = False
        elif tag == "td" and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:  # the heading row has <th> only
                self.groups[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._h2 is not None:
            self._h2.append(data)
        if self._cell is not None:
            self._cell.append(data)


def groups(response) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return {label: rows for label, rows in parser.groups if label in GROUP_LABELS}


GROUP_LABELS = {"Party organisations", "Residents' committees", "Property companies", "Compound managers"}


def nominate(world, c, who="office", reason="全年零投诉，组织居民议事会12次"):
    c.refresh_from_db()
    return services.nominate(actor=world.users[who], candidate=c, version=c.version, reason=reason)


def fresh(r: Round) -> Round:
    return Round.objects.get(pk=r.pk)


# --- The list and opening a round ------------------------------------------------------------------


def test_the_list_empty_then_a_round_with_its_counts(world):
    office = client_for(world, "office")
    page = html(office.get(reverse("awards:home")))
    assert "No award round yet." in page
    assert 'data-testid="open-round"' in page and 'data-testid="rounds"' not in page
    stewards_year(world, po1="92.0", po2="80.0", rc1="88.0", rc2="95.0")
    r = open_round(world, "good_steward")
    nominate(world, candidate(r, organization=world.orgs["po1"]))
    page = html(office.get(reverse("awards:home")))
    assert "No award round yet." not in page
    assert f"{YEAR} · Good steward award (好当家)" in page and "Nominations open" in page
    # 4 candidates (po1, po2, rc1, rc2); po2's 80.0 < 85: 3 eligible; po1 nominated, rank 1 of 2 places
    assert "Candidates: 4 · eligible: 3 · nominated: 1 · proposed: 1 · awarded: 0" in page
    assert reverse("awards:round", args=[r.uid]) in page
    # the leader reads the list, without the office's button
    page = html(client_for(world, "leader").get(reverse("awards:home")))
    assert "Candidates: 4 · eligible: 3" in page and 'data-testid="open-round"' not in page


def test_the_list_pages_the_rounds_and_reads_the_same_statements_with_more(world):
    """A city's rounds are paged (core.pages) and their candidates counted by the database: the
    statements do not grow with the rounds (issue 15)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.awards.models import AwardKind
    from gongzhi.core.pages import PAGE_SIZE

    stewards_year(world)
    r = open_round(world, "good_steward")
    office = client_for(world, "office")

    def statements():
        office.get(reverse("awards:home"))
        with CaptureQueriesContext(connection) as queries:
            page = html(office.get(reverse("awards:home")))
        return len(queries), page

    few, page = statements()
    assert "Candidates: 4 · eligible: 3" in page and "Page 1 of" not in page
    Round.objects.bulk_create(
        Round(town=world.town, year=year, kind=kind, reference_date=r.reference_date)
        for year in range(YEAR - PAGE_SIZE, YEAR)
        for kind in (AwardKind.GOOD_STEWARD, AwardKind.GOOD_MANAGER)
    )
    many, page = statements()
    assert many == few
    assert "Page 1 of 3" in page and f"{2 * PAGE_SIZE + 1} records" in page
    assert "Candidates: 4 · eligible: 3" in page  # the newest round first, its counts as before


def test_opening_a_round_by_form_and_the_refusals_keep_what_was_chosen(world):
    stewards_year(world)
    office = client_for(world, "office")
    form = html(office.get(reverse("awards:round_new")))
    assert 'name="year" value="2026"' in form  # January 2027: last year by default
    done = office.post(reverse("awards:round_new"), {"kind": "good_steward", "year": "2026"})
    r = Round.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("awards:round", args=[r.uid])
    assert (r.year, r.kind, r.state, r.places, r.opened_by) == (2026, "good_steward", "open", 2, world.users["office"])
    page = html(office.get(done["Location"]))
    assert f"{STEWARD} opened: 4 candidates checked." in page  # po1, po2, rc1, rc2

    again = office.post(reverse("awards:round_new"), {"kind": "good_steward", "year": "2026"})
    assert again.status_code == 400
    page = html(again)
    assert "The Good steward award (好当家) of 2026 is already open." in page
    assert '<option value="good_steward" selected>' in page and 'name="year" value="2026"' in page
    too_late = office.post(reverse("awards:round_new"), {"kind": "excellent_company", "year": "2028"})
    page = html(too_late)
    assert too_late.status_code == 400 and "Choose a year that has begun, from 2000 on." in page
    assert '<option value="excellent_company" selected>' in page and 'name="year" value="2028"' in page
    assert Round.objects.count() == 1


# --- The round page, its Excel, a candidate ----------------------------------------------------------


def test_the_round_page_group_by_group_with_ranks_and_eligibility(world):
    stewards_year(world, po1="92.0", po2="80.0", rc1="88.0", rc2="95.0")
    r = open_round(world, "good_steward")
    nominate(world, candidate(r, organization=world.orgs["po1"]), reason="党建引领小区治理成效显著")
    nominate(world, candidate(r, organization=world.orgs["rc1"]))
    nominate(world, candidate(r, organization=world.orgs["rc2"]))
    response = client_for(world, "office").get(reverse("awards:round", args=[r.uid]))
    assert response.status_code == 200
    # cells: rank, candidate (with its badge), figure, eligibility, why nominated (no credit file for these)
    assert groups(response) == {
        "Party organisations": [
            ["1", "新城党总支 Proposed", "92.0", "Eligible", "党建引领小区治理成效显著"],
            # 80.0 < 85: not eligible, not ranked; no nomination link for what may not be nominated
            ["—", "世博党总支", "80.0", "1 exclusion: The year's assessment figure 80.0 is below the minimum 85.", "—"],
        ],
        # both nominated, 2 places: 95.0 first, 88.0 second, both proposed
        "Residents' committees": [
            ["1", "世博居委会 Proposed", "95.0", "Eligible", "全年零投诉，组织居民议事会12次"],
            ["2", "新城居委会 Proposed", "88.0", "Eligible", "全年零投诉，组织居民议事会12次"],
        ],
    }
    page = html(response)
    assert "Nominations open" in page and "2027-01-20" in page  # the state, the reference day
    for name in ("po1", "po2", "rc1", "rc2"):
        assert reverse("awards:candidate", args=[candidate(r, organization=world.orgs[name]).uid]) in page


def test_an_eligible_candidate_not_nominated_yet_has_its_nomination_link(world):
    stewards_year(world, po1="92.0")
    r = open_round(world, "good_steward")
    po1 = candidate(r, organization=world.orgs["po1"])
    response = client_for(world, "office").get(reverse("awards:round", args=[r.uid]))
    assert groups(response)["Party organisations"][0] == ["—", "新城党总支 Nominate", "92.0", "Eligible", "—"]
    assert f'href="{reverse("awards:candidate", args=[po1.uid])}#nominate"' in response.content.decode()


def failing_company(world):
    """申江物业 in 2026: 2026Q3 新城一村 50.0 failed, the others 90.0, 94.0, 92.0, 98.0 → mean
    (50 + 90 + 94 + 92 + 98) ÷ 5 = 424 ÷ 5 = 84.8 < 85; credit 80 + 10 (five top-band records)
    − 35 = 55 → C; a measures letter taking away award eligibility sent 2026-11-02."""
    company_year(world, q3=("50.0", "90.0"), q4=("94.0", "92.0", "98.0"), fails={(f"{YEAR}Q3", world.c1.code)})
    by_hand(world, points=35)
    return world


def test_the_candidate_page_shows_every_exclusion_with_its_link(world, clock):
    manager = name_manager(world)
    failing_company(world)
    clock.move_to("2026-11-02 10:00")
    letter = sent(world, level="measures", measures=[Measure.ELIGIBILITY], compound=world.c1)
    clock.move_to(TODAY)
    r = open_round(world, "good_manager")
    pc = candidate(r, organization=world.orgs["pc"])
    failed = Assessment.objects.get(cycle__period=f"{YEAR}Q3", organization=world.orgs["pc"], compound=world.c1)
    office = client_for(world, "office")
    response = office.get(reverse("awards:candidate", args=[pc.uid]))
    assert response.status_code == 200
    page = html(response)
    assert '<span data-testid="figure">84.8</span>' in page
    # 80 + 10 (five top-band records) − 35 by hand − 10 (the measures letter's own bad record) = 45 → C
    assert "Credit on the reference day: C (45)" in page
    exclusions = page.split('data-testid="exclusions">')[1].split("</ul>")[0]
    company_file = reverse("credit:company", args=[world.orgs["pc"].uid])
    letter_url = reverse("warnings:letter", args=[letter.uid])
    assert exclusions == (
        f'<li><a href="{reverse("assessments:assessment", args=[failed.uid])}">'
        f"Failed the {YEAR}Q3 assessment (50.0, 优秀).</a></li>"
        "<li>The year's assessment figure 84.8 is below the minimum 85.</li>"
        f'<li><a href="{company_file}">Credit grade C on the reference day.</a></li>'
        f'<li><a href="{letter_url}">Warning letter {letter.number_label}: loss of award eligibility.</a></li>'
    )
    assert page.count('href="/assessments/a/') == 6  # the five assessments behind the figure, and the failed one
    assert 'data-testid="nominate-form"' not in page  # not eligible: nothing to nominate
    # the drill-down: every record behind an exclusion opens for the office
    for url in (reverse("assessments:assessment", args=[failed.uid]), company_file, letter_url):
        assert office.get(url).status_code == 200, url
    # the round page: the count and the first reason
    row = groups(office.get(reverse("awards:round", args=[r.uid])))["Property companies"][0]
    # the credit twice: under the name for phones, in its column on wider screens
    assert row[:5] == [
        "—",
        "申江物业 Credit: C (45)",
        "84.8",
        "C (45)",
        f"4 exclusions: Failed the {YEAR}Q3 assessment (50.0, 优秀).",
    ]
    # the manager of 新城一村: (50 + 94) ÷ 2 = 72.0, the failed quarter, below 85, the letter about c1
    m = candidate(r, person=manager)
    assert [e[0] for e in m.exclusions] == ["failed", "below_score", "measures"]
    page = html(office.get(reverse("awards:candidate", args=[m.uid])))
    assert '<span data-testid="figure">72.0</span>' in page
    assert f'<a href="{letter_url}">Warning letter {letter.number_label}: loss of award eligibility.</a>' in page


def test_the_excel_of_a_round_with_figures_and_exclusion_texts(world):
    stewards_year(world, po1="92.0", po2="80.0", rc1="88.0", rc2="95.0")
    r = open_round(world, "good_steward")
    nominate(world, candidate(r, organization=world.orgs["po1"]), reason="党建引领")
    response = client_for(world, "office").get(reverse("awards:round_export", args=[r.uid]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f'attachment; filename="awards-{YEAR}-good_steward.xlsx"'
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:7] == (
        "Group",
        "Candidate",
        "The year's assessment figure",
        "Assessments",
        "Credit on the reference day",
        "Eligible",
        "Why not eligible",
    )
    by_name = {row[1]: row for row in rows[1:]}
    assert len(rows) == 5  # the heading and four candidates
    po1, po2 = by_name["新城党总支"], by_name["世博党总支"]
    # group, name, figure, assessments, eligible, why not, nominated, why, rank, proposed
    assert (po1[0], po1[2], po1[3], po1[5], po1[7], po1[8], po1[9], po1[10]) == (
        "Party organisations", 92.0, 1, "yes", "yes", "党建引领", 1, "yes"
    )  # fmt: skip
    assert (po2[2], po2[5], po2[6]) == (80.0, "no", "The year's assessment figure 80.0 is below the minimum 85.")
    assert by_name["世博居委会"][2] == 95.0 and by_name["新城居委会"][2] == 88.0


def test_the_excel_joins_every_exclusion(world):
    failing_company(world)
    r = open_round(world, "good_manager")
    response = client_for(world, "leader").get(reverse("awards:round_export", args=[r.uid]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    pc = next(row for row in rows if row[1] == "申江物业")
    assert (pc[0], pc[2], pc[3], pc[4], pc[5]) == ("Property companies", 84.8, 5, "C (55)", "no")
    assert pc[6] == (
        f"Failed the {YEAR}Q3 assessment (50.0, 优秀).；The year's assessment figure 84.8 is below the minimum 85.；"
        "Credit grade C on the reference day."
    )


# --- Nominating from the page ----------------------------------------------------------------------


def test_a_nomination_without_a_reason_is_refused_and_the_form_shown_again(world):
    stewards_year(world)
    r = open_round(world, "good_steward")
    po1 = candidate(r, organization=world.orgs["po1"])
    office = client_for(world, "office")
    url = reverse("awards:candidate_nominate", args=[po1.uid])
    empty = office.post(url, {"version": po1.version, "reason": "   "})
    assert empty.status_code == 400
    page = html(empty)
    assert 'data-testid="nominate-form"' in page and "This field is required." in page
    assert not Candidate.objects.get(pk=po1.pk).nominated
    done = office.post(url, {"version": po1.version, "reason": "带领居民完成加装电梯12台"})
    assert done.status_code == 302 and done["Location"] == reverse("awards:round", args=[r.uid])
    page = html(office.get(done["Location"]))
    assert "新城党总支 nominated." in page
    po1 = Candidate.objects.get(pk=po1.pk)
    assert (po1.nomination, po1.nominated_by, po1.rank, po1.proposed) == (
        "带领居民完成加装电梯12台", world.users["office"], 1, True
    )  # fmt: skip
    page = html(office.get(reverse("awards:candidate", args=[po1.uid])))
    assert 'data-testid="nominate-form"' not in page and "带领居民完成加装电梯12台" in page
    # a second nomination from a page opened before: the form comes back with the reason kept
    again = office.post(url, {"version": po1.version, "reason": "再次推荐：社区微更新"})
    assert again.status_code == 400
    page = html(again)
    assert "新城党总支 is already nominated." in page and "再次推荐：社区微更新" in page


# --- Who sees which controls --------------------------------------------------------------------------

REFRESH = "/refresh/"
SUBMIT = 'data-testid="submit-form"'
APPROVE = 'data-testid="approve-form"'
SEND_BACK = 'data-testid="send-back-form"'
ANNOUNCE = 'data-testid="announce-form"'
STEPS = {"refresh": REFRESH, "submit": SUBMIT, "approve": APPROVE, "send_back": SEND_BACK, "announce": ANNOUNCE}


def controls(world, persona, r) -> set[str]:
    response = client_for(world, persona).get(reverse("awards:round", args=[r.uid]))
    assert response.status_code == 200
    page = response.content.decode()
    return {name for name, mark in STEPS.items() if mark in page}


def test_each_role_sees_only_the_steps_it_may_take(world):
    stewards_year(world, po1="92.0", po2="90.0", rc1="88.0", rc2="95.0")
    office, leader = world.users["office"], world.users["leader"]
    r = open_round(world, "good_steward")
    # nobody proposed yet: no submit button, a note instead
    assert controls(world, "office", r) == {"refresh"}
    assert "Nobody is proposed yet: nominate eligible candidates first." in html(
        client_for(world, "office").get(reverse("awards:round", args=[r.uid]))
    )
    assert controls(world, "leader", r) == set()
    assert controls(world, "inspector", r) == set()
    nominate(world, candidate(r, organization=world.orgs["po1"]))
    assert controls(world, "office", r) == {"refresh", "submit"}
    r = services.submit(actor=office, round_=fresh(r), version=fresh(r).version)
    assert controls(world, "office", r) == set()  # the office carries the permission but is not the group
    assert controls(world, "leader", r) == {"approve", "send_back"}
    assert controls(world, "inspector", r) == set()
    r = services.approve(actor=leader, round_=r, version=r.version)
    assert controls(world, "office", r) == {"announce"}
    assert controls(world, "leader", r) == set()
    assert controls(world, "inspector", r) == set()
    r = services.announce(actor=office, round_=r, version=r.version)
    for persona in ("office", "leader", "inspector"):
        assert controls(world, persona, r) == set(), persona


def test_the_leader_never_nominates_and_the_inspector_only_where_it_covers(world):
    stewards_year(world, po1="92.0", po2="90.0", rc1="88.0", rc2="95.0")
    r = open_round(world, "good_steward")
    po1, po2 = candidate(r, organization=world.orgs["po1"]), candidate(r, organization=world.orgs["po2"])
    rc2 = candidate(r, organization=world.orgs["rc2"])
    nominate_link = "#nominate"
    # the leader: every candidate, no nomination link, no form
    leader = client_for(world, "leader")
    assert nominate_link not in leader.get(reverse("awards:round", args=[r.uid])).content.decode()
    for c in (po1, po2):
        page = leader.get(reverse("awards:candidate", args=[c.uid])).content.decode()
        assert 'data-testid="nominate-form"' not in page
    # the inspector (g1 covers 世博, n2): its two candidates only, each with a nomination link
    inspector = client_for(world, "inspector")
    response = inspector.get(reverse("awards:round", args=[r.uid]))
    assert groups(response) == {
        "Party organisations": [["—", "世博党总支 Nominate", "90.0", "Eligible", "—"]],
        "Residents' committees": [["—", "世博居委会 Nominate", "95.0", "Eligible", "—"]],
    }
    assert response.content.decode().count(nominate_link) == 2
    for c in (po2, rc2):
        page = inspector.get(reverse("awards:candidate", args=[c.uid])).content.decode()
        assert 'data-testid="nominate-form"' in page
    assert inspector.get(reverse("awards:candidate", args=[po1.uid])).status_code == 404  # 新城: not its place
    # the office may nominate 新城党总支; once the round is submitted nobody may
    assert (
        'data-testid="nominate-form"'
        in client_for(world, "office").get(reverse("awards:candidate", args=[po1.uid])).content.decode()
    )
    nominate(world, po2, who="inspector")
    r = services.submit(actor=world.users["office"], round_=fresh(r), version=fresh(r).version)
    for persona in ("office", "inspector"):
        page = client_for(world, persona).get(reverse("awards:candidate", args=[rc2.uid])).content.decode()
        assert 'data-testid="nominate-form"' not in page, persona
        page = client_for(world, persona).get(reverse("awards:round", args=[r.uid])).content.decode()
        assert nominate_link not in page, persona


def test_a_good_manager_round_the_inspector_covers_the_company_not_the_manager(world):
    manager = name_manager(world)  # runs 新城一村 (c1); the company also serves 世博家园 (c3)
    company_year(world)
    r = open_round(world, "good_manager")
    pc, m = candidate(r, organization=world.orgs["pc"]), candidate(r, person=manager)
    inspector = client_for(world, "inspector")
    response = inspector.get(reverse("awards:round", args=[r.uid]))
    # (96 + 90 + 94 + 92 + 98) ÷ 5 = 94.0; credit 80 + 2 × 5 = 90 → AAA
    assert groups(response) == {
        "Property companies": [["—", "申江物业 Nominate Credit: AAA (90)", "94.0", "AAA (90)", "Eligible", "—"]],
        "Compound managers": [],
    }
    assert "No candidate in the places you see." in html(response)
    assert 'data-testid="nominate-form"' in inspector.get(reverse("awards:candidate", args=[pc.uid])).content.decode()
    assert inspector.get(reverse("awards:candidate", args=[m.uid])).status_code == 404
    refused = inspector.post(reverse("awards:candidate_nominate", args=[m.uid]), {"version": m.version, "reason": "好"})
    assert refused.status_code == 404 and not Candidate.objects.get(pk=m.pk).nominated


# --- The leadership group sends back ---------------------------------------------------------------------


def test_sending_back_without_a_reason_is_refused_and_what_was_typed_kept(world):
    stewards_year(world)
    r = open_round(world, "good_steward")
    nominate(world, candidate(r, organization=world.orgs["po1"]))
    r = services.submit(actor=world.users["office"], round_=fresh(r), version=fresh(r).version)
    leader = client_for(world, "leader")
    url = reverse("awards:round_send_back", args=[r.uid])
    empty = leader.post(url, {"version": r.version, "reason": ""})
    assert empty.status_code == 400
    page = html(empty)
    assert SEND_BACK in page and "This field is required." in page
    too_long = "请补充" + "居委会推荐材料" * 286  # 3 + 7 × 286 = 2005 characters
    refused = leader.post(url, {"version": r.version, "reason": too_long})
    assert refused.status_code == 400
    page = html(refused)
    assert "Ensure this value has at most 2000 characters (it has 2005)." in page and too_long in page
    assert fresh(r).state == "submitted"
    done = leader.post(url, {"version": r.version, "reason": "请补充居委会的推荐"})
    assert done.status_code == 302 and done["Location"] == reverse("awards:round", args=[r.uid])
    page = html(client_for(world, "office").get(done["Location"]))
    assert "Sent back by the leadership group: 请补充居委会的推荐" in page
    assert (fresh(r).state, fresh(r).returned_reason) == ("open", "请补充居委会的推荐")


# --- The public page -------------------------------------------------------------------------------------


def test_the_public_page_lists_only_the_announced_winners(world):
    stewards_year(world, po1="92.0", po2="80.0", rc1="88.0", rc2="95.0")
    company_year(world)
    office, leader = world.users["office"], world.users["leader"]
    anonymous = Client()
    url = reverse("awards:public", args=[world.town.code])
    page = html(anonymous.get(url))
    assert "No award announced yet." in page and 'data-testid="announced"' not in page

    steward = open_round(world, "good_steward")
    nominate(world, candidate(steward, organization=world.orgs["po1"]))
    nominate(world, candidate(steward, organization=world.orgs["rc2"]))
    steward = services.submit(actor=office, round_=fresh(steward), version=fresh(steward).version)
    steward = services.approve(actor=leader, round_=steward, version=steward.version)
    manager = open_round(world, "good_manager")  # submitted, not announced: not public
    nominate(world, candidate(manager, organization=world.orgs["pc"]))
    services.submit(actor=office, round_=fresh(manager), version=fresh(manager).version)
    page = html(anonymous.get(url))
    assert "No award announced yet." in page  # approved is not announced
    assert "新城党总支" not in page and "申江物业" not in page

    services.announce(actor=office, round_=steward, version=steward.version, text="经领导小组审定，现予公布。")
    response = anonymous.get(url)
    assert response.status_code == 200
    page = html(response)
    assert "No award announced yet." not in page and page.count('data-testid="announced"') == 1
    assert "2026 · Good steward award (好当家)" in page and "经领导小组审定，现予公布。" in page
    assert "Announced 2027-01-20" in page
    assert "新城党总支" in page and "世博居委会" in page  # the two awarded
    assert "世博党总支" not in page  # not eligible
    assert "新城居委会" not in page  # eligible, not nominated
    assert "申江物业" not in page and "Good manager award" not in page  # submitted only
    # another town's public page has none of it
    page = html(anonymous.get(reverse("awards:public", args=[world.other.code])))
    assert "No award announced yet." in page and "新城党总支" not in page


# --- The home-page items ---------------------------------------------------------------------------------


def texts(world, persona) -> list[str]:
    user = world.users[persona]
    return [item.text for item in attention.items_for(user, get_scope(user), timezone.localdate())]


def test_the_home_page_items_of_each_role(world):
    stewards_year(world, po1="92.0", po2="90.0", rc1="88.0", rc2="95.0")
    office, leader = world.users["office"], world.users["leader"]
    r = open_round(world, "good_steward")
    assert texts(world, "inspector") == [f"{STEWARD}: nominations are open for the places you cover"]
    assert texts(world, "office") == [] and texts(world, "leader") == []
    assert texts(world, "outsider") == []  # another town's office
    nominate(world, candidate(r, organization=world.orgs["rc2"]), who="inspector")
    assert texts(world, "inspector") == []  # it has nominated in its places
    r = services.submit(actor=office, round_=fresh(r), version=fresh(r).version)
    assert texts(world, "leader") == [f"{STEWARD}: the proposal awaits your approval"]
    assert texts(world, "inspector") == []  # the office's items here: see the next test
    home = client_for(world, "leader").get("/")
    assert f"{STEWARD}: the proposal awaits your approval" in html(home)
    assert reverse("awards:round", args=[r.uid]) in home.content.decode()
    r = services.send_back(actor=leader, round_=r, version=r.version, reason="请补充党组织的推荐")
    assert texts(world, "office") == [f"{STEWARD} sent back by the leadership group"]
    assert texts(world, "leader") == []
    r = services.submit(actor=office, round_=fresh(r), version=fresh(r).version)
    r = services.approve(actor=leader, round_=r, version=r.version)
    assert texts(world, "office") == [f"{STEWARD} approved: announce it"]
    assert texts(world, "leader") == []
    home = client_for(world, "office").get("/")
    assert f"{STEWARD} approved: announce it" in html(home)
    services.announce(actor=office, round_=r, version=r.version)
    assert texts(world, "office") == [] and texts(world, "leader") == [] and texts(world, "inspector") == []


def test_the_office_is_not_asked_to_approve_what_only_the_leadership_group_may(world):
    stewards_year(world)
    r = open_round(world, "good_steward")
    nominate(world, candidate(r, organization=world.orgs["po1"]))
    services.submit(actor=world.users["office"], round_=fresh(r), version=fresh(r).version)
    assert texts(world, "leader") == [f"{STEWARD}: the proposal awaits your approval"]
    assert texts(world, "office") == []  # services.may_approve(office, r) is False


def test_the_inspectors_list_counts_only_the_candidates_it_reads(world):
    stewards_year(world, po1="92.0", po2="80.0", rc1="88.0", rc2="95.0")
    open_round(world, "good_steward")
    page = html(client_for(world, "inspector").get(reverse("awards:home")))
    # g1 reads 世博党总支 (80.0: not eligible) and 世博居委会 (95.0: eligible) — not the 4 of the round
    assert "Candidates: 2 · eligible: 1 · nominated: 0 · proposed: 0 · awarded: 0" in page
