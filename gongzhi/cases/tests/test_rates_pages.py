"""The three-rates pages on a hand-built set of cases whose expected numbers are written here:
each level (town, neighborhood, compound, organisation), quarters and years as sums of months,
"—" for a rate with nothing to measure, scope, the cases behind each number, the Excel export,
and a query count that does not grow with the number of cases."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.cases import services
from gongzhi.cases.models import Case, CaseStats

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-10-01 09:00")]  # the story: October–November 2026


def at(clock, month, day, hour=10):
    clock.move_to(f"2026-{month:02d}-{day:02d} {hour:02d}:00")


@pytest.fixture
def story(world, submit, categories, clock):
    """Cases of 浦江镇 in October and November 2026 (calendar months, 基本满意 weighs 0.90).

    October: G (新城一村, repair → 申江物业) and H (新城二村, security → 新城居委会), submitted on
    Friday 10/9 and accepted on Monday 10/12 — late: Saturday 10/10 is a make-up working day, so
    "1 working day" ended then — resolved in time and confirmed fixed; G rated 满意, H 基本满意.
    November: in 新城一村 (申江物业) A resolved in time, fixed, 满意; B in time, fixed, 基本满意;
    C resolved late, not fixed (reopened), 不满意; D in time, callback could not reach the
    resident; E accepted, open; F rejected, never accepted. In 世博家园 (security → 世博居委会)
    K accepted, still open.

    Expected, October: accepted 2, in time 2, late 2, closed with a valid follow-up 2, fixed 2,
    满意 1, 基本满意 1. November: submitted 7, accepted 6 (A–E, K), in time 3 (A, B, D), closed valid 2 (A,
    B), fixed 2, 满意 1, 基本满意 1, 不满意 1, late 1 (C), reopened 1 (C)."""
    pm, resident, rc = world.users["property_manager"], world.users["resident"], world.users["rc_worker"]
    security = categories["SECURITY"]
    cases = {}

    def act(key, service, actor, **kwargs):
        cases[key] = service(actor=actor, case=cases[key], expected_version=cases[key].version, **kwargs)

    at(clock, 10, 9)
    cases["G"] = submit(description="G：水管漏水", reporter_phone="13800000011")
    cases["H"] = submit(
        description="H：夜间噪音扰民", compound=world.c2, category=security, reporter_phone="13800000012"
    )
    at(clock, 10, 12)
    act("G", services.accept_case, pm)
    act("H", services.accept_case, rc)
    at(clock, 10, 13)
    act("G", services.resolve_case, pm, resolution="已更换水管")
    act("H", services.resolve_case, rc, resolution="已上门劝导")
    at(clock, 10, 15)
    act("G", services.record_feedback, resident, fixed=True, rating="satisfied")
    act("H", services.record_feedback, resident, fixed=True, rating="basic")

    at(clock, 11, 2)
    for k in "ABCDEF":
        cases[k] = submit(description=f"诉求{k}：楼道灯不亮", reporter_phone=f"1380000002{'ABCDEF'.index(k)}")
    at(clock, 11, 3)
    for k in "ABCDE":
        act(k, services.accept_case, pm)
    act("F", services.reject_case, rc, reason="与其他诉求重复的测试")
    at(clock, 11, 4)
    for k in "ABD":
        act(k, services.resolve_case, pm, resolution="已修复")
    at(clock, 11, 5)
    cases["K"] = submit(
        description="K：外来人员翻墙", compound=world.c3, category=security, reporter_phone="13800000031"
    )
    at(clock, 11, 6)
    act("K", services.accept_case, None)
    at(clock, 11, 20)  # after the 5 working days
    act("C", services.resolve_case, pm, resolution="已修复")
    at(clock, 11, 23)
    act("A", services.record_feedback, resident, fixed=True, rating="satisfied")
    act("B", services.record_feedback, resident, fixed=True, rating="basic")
    act("C", services.record_feedback, resident, fixed=False, rating="unsatisfied")
    act("D", services.close_unreachable, rc, note="三次电话未接通")
    # "Today" for the pages: November is finished, so the rankings count it (they leave out the
    # unfinished month); the tests of the unfinished month move the clock back into November.
    at(clock, 12, 2)
    return cases


RANGE = "start=2026-10&end=2026-11"


@pytest.fixture
def client_for(client_for):
    """Signed-in clients that read the pages in English (the source strings), so that the
    assertions on texts and labels hold whatever the catalogues say."""
    from django.conf import settings

    def make(persona):
        client = client_for(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def page(client, query=""):
    response = client.get(f"/rates/?{query}")
    assert response.status_code == 200, response.status_code
    return response


def line(lines, label):
    return next(row for row in lines if row["line"].label == label)


def numbers(row):
    """(percent text, numerator parts, denominator) of each rate of a displayed line."""
    return [(r["text"], [p["value"] for p in r["parts"]], r["denominator"]["value"]) for r in row["rates"]]


def test_town_page_per_month_with_raw_counts(world, story, client_for):
    response = page(client_for("office"), f"at=town.{world.town.uid}&{RANGE}")
    periods = response.context["periods"]
    assert [p["line"].label for p in periods] == ["2026-10", "2026-11"]
    assert numbers(line(periods, "2026-10")) == [("100.0%", [2], 2), ("100.0%", [2], 2), ("95.0%", [1, 1], 2)]
    november = line(periods, "2026-11")
    assert numbers(november) == [("50.0%", [3], 6), ("100.0%", [2], 2), ("63.3%", [1, 1], 3)]
    assert (november["overdue"]["value"], november["reopened"]["value"], november["submitted"]["value"]) == (1, 1, 7)
    total = response.context["total"]
    assert numbers(total) == [("62.5%", [5], 8), ("100.0%", [4], 4), ("76.0%", [2, 2], 5)]
    html = response.content.decode()
    # The definition that produced the numbers, and the raw counts beside the percentages.
    assert (
        "Definition 2026.3: 基本满意 weighs 0.90; 处置有效 counts cases confirmed fixed the first time; calendar months."
        in html
    )
    assert "62.5%" in html and "76.0%" in html
    # The chart's data travel as JSON, with the same numbers as the table.
    chart = response.context["chart"]
    assert chart["labels"] == ["2026-10", "2026-11"]
    assert chart["series"][0]["data"] == [100.0, 50.0]
    assert chart["provisional"] == [False, False]  # both months are finished
    assert [s["key"] for s in chart["series"]] == ["handling", "effective", "satisfaction"]  # no composite
    assert 'id="rates-chart-data"' in html and "<script>" not in html.replace('<script src="', "")


def test_town_page_ranks_neighborhoods_and_organisations(world, story, client_for):
    town = f"at=town.{world.town.uid}&{RANGE}"
    response = page(client_for("office"), town)
    neighborhoods, organisations = response.context["rankings"]
    assert neighborhoods["kind"] == "neighborhood" and organisations["kind"] == "organization"
    rows = {r["line"].label: r for r in neighborhoods["rows"]}
    assert numbers(rows["新城"])[0] == ("71.4%", [5], 7)
    assert numbers(rows["世博"]) == [("0.0%", [0], 1), ("—", [0], 0), ("—", [0, 0], 0)]
    # 新城 is ranked on its 7 accepted cases; 世博 has 1, fewer than the town's minimum (5).
    assert (rows["新城"]["rank"], rows["世博"]["rank"]) == (1, None)
    assert "too few to rank" in response.content.decode()
    # Organisations are ranked one kind at a time: the residents' committees (two lines) first.
    assert [k["kind"] for k in organisations["kinds"]] == ["residents_committee", "property_company"]
    assert {r["line"].label for r in organisations["rows"]} == {"新城居委会", "世博居委会"}
    assert numbers(next(r for r in organisations["rows"] if r["line"].label == "新城居委会")) == [
        ("100.0%", [1], 1),
        ("100.0%", [1], 1),
        ("90.0%", [0, 1], 1),
    ]
    response = page(client_for("office"), f"{town}&okind=property_company")
    orgs = {r["line"].label: r for r in response.context["rankings"][1]["rows"]}
    assert set(orgs) == {"申江物业"}
    assert numbers(orgs["申江物业"]) == [("66.7%", [4], 6), ("100.0%", [3], 3), ("72.5%", [2, 1], 4)]
    assert (orgs["申江物业"]["overdue"]["value"], orgs["申江物业"]["reopened"]["value"]) == (2, 1)  # G, C
    assert orgs["申江物业"]["rank"] == 1  # 6 accepted cases
    # Sorted by a rate, lowest first on request; a line too few to rank, or with "—", comes after
    # the ranked ones.
    from gongzhi.cases.models import CaseSettings

    CaseSettings.objects.update_or_create(town=world.town, defaults={"ranking_min_cases": 1})
    response = page(client_for("office"), f"{town}&osort=handling")
    ranked = response.context["rankings"][1]["rows"]
    assert [(r["line"].label, r["rank"]) for r in ranked] == [("世博居委会", 2), ("新城居委会", 1)]
    response = page(client_for("office"), f"{town}&sort=-effective")
    assert [(r["line"].label, r["rank"]) for r in response.context["rankings"][0]["rows"]] == [
        ("新城", 1),
        ("世博", None),  # nothing to measure: never ranked, never taken as 0
    ]
    response = page(client_for("office"), f"{town}&okind=property_company&osort=-overdue")
    assert response.context["rankings"][1]["rows"][0]["line"].label == "申江物业"


def test_neighborhood_page_of_the_party_secretary(world, story, client_for):
    response = page(client_for("party_secretary"), RANGE)  # their neighborhood by default
    assert response.context["place"].obj == world.n1
    assert numbers(response.context["total"])[0] == ("71.4%", [5], 7)
    compounds, organisations = response.context["rankings"]
    by_name = {r["line"].label: r for r in compounds["rows"]}
    assert numbers(by_name["新城一村"])[0] == ("66.7%", [4], 6)
    assert numbers(by_name["新城二村"]) == [("100.0%", [1], 1), ("100.0%", [1], 1), ("90.0%", [0, 1], 1)]
    assert {k["kind"] for k in organisations["kinds"]} == {"property_company", "residents_committee"}
    # "Which organisation is late": the property company, with the late case behind the number.
    response = page(client_for("party_secretary"), f"{RANGE}&okind=property_company")
    pc = next(r for r in response.context["rankings"][1]["rows"] if r["line"].label == "申江物业")
    assert pc["overdue"]["value"] == 2
    listed = client_for("party_secretary").get(pc["overdue"]["url"])
    assert sorted(c.number for c in listed.context["page_obj"]) == [story["G"].number, story["C"].number]


def test_compound_and_organisation_pages(world, story, client_for):
    response = page(client_for("oc_member"), RANGE)
    assert response.context["place"].obj == world.c1
    assert numbers(response.context["total"]) == [("66.7%", [4], 6), ("100.0%", [3], 3), ("72.5%", [2, 1], 4)]
    assert [r["line"].label for r in response.context["rankings"][0]["rows"]] == ["申江物业"]

    response = page(client_for("property_manager"), RANGE)  # their company by default
    assert response.context["place"].obj == world.orgs["pc"]
    assert numbers(response.context["total"]) == [("66.7%", [4], 6), ("100.0%", [3], 3), ("72.5%", [2, 1], 4)]
    assert [r["line"].label for r in response.context["rankings"][0]["rows"]] == ["新城一村"]

    # An organisation within a neighborhood: the same numbers as its line in the ranking.
    response = page(
        client_for("office"), f"at=organization.{world.orgs['rc1'].uid}~neighborhood.{world.n1.uid}&{RANGE}"
    )
    assert numbers(response.context["total"]) == [("100.0%", [1], 1), ("100.0%", [1], 1), ("90.0%", [0, 1], 1)]


def test_quarters_and_years_add_up_their_months(world, story, client_for):
    client = client_for("office")
    response = page(client, f"at=town.{world.town.uid}&grain=quarter&start=2026-07&end=2026-12")
    periods = response.context["periods"]
    assert [p["line"].label for p in periods] == ["2026 Q3", "2026 Q4"]
    assert numbers(periods[0]) == [("—", [0], 0), ("—", [0], 0), ("—", [0, 0], 0)]
    assert numbers(periods[1]) == [("62.5%", [5], 8), ("100.0%", [4], 4), ("76.0%", [2, 2], 5)]
    assert periods[1]["line"].counts["submitted"] == 9
    # A range inside a quarter is widened to whole quarters.
    response = page(client, f"at=town.{world.town.uid}&grain=quarter&start=2026-11&end=2026-11")
    assert [p["line"].label for p in response.context["periods"]] == ["2026 Q4"]
    response = page(client, f"at=town.{world.town.uid}&grain=year&start=2025-01&end=2026-11")
    years = response.context["periods"]
    assert [p["line"].label for p in years] == ["2025", "2026"]
    assert numbers(years[1]) == numbers(response.context["total"])
    assert years[0]["line"].counts == dict.fromkeys(years[0]["line"].counts, 0)
    # The quarter's drill-down link covers its three months.
    assert "start=2026-10" in periods[1]["rates"][0]["denominator"]["url"]
    assert "end=2026-12" in periods[1]["rates"][0]["denominator"]["url"]


def test_nothing_to_measure_shows_a_dash(world, story, client_for):
    response = page(client_for("office"), f"at=town.{world.town.uid}&start=2026-01&end=2026-03")
    html = response.content.decode()
    assert "—" in html and "0.0%" not in html and "nan%" not in html.lower()
    assert all(r["text"] == "—" for r in response.context["total"]["rates"])
    assert "No case of" in html  # the empty state says what will appear


def test_default_range_is_the_last_twelve_assessment_months(world, story, client_for, clock):
    clock.move_to("2026-11-27 10:00")
    response = page(client_for("office"))
    labels = [p["line"].label for p in response.context["periods"]]
    assert labels[0] == "2025-12" and labels[-1] == "2026-11" and len(labels) == 12
    assert response.context["periods"][-1]["line"].current


def test_scope_other_places_are_not_found(world, story, client_for):
    secretary = client_for("party_secretary")
    for query in (
        f"at=neighborhood.{world.n2.uid}",
        f"at=town.{world.town.uid}",
        f"at=compound.{world.c3.uid}",
        f"at=organization.{world.orgs['rc2'].uid}",
        "at=all",
        "at=neighborhood.nonexistent",
        "at=bogus",
    ):
        assert secretary.get(f"/rates/?{query}").status_code == 404, query
        assert secretary.get(f"/rates/export/?{query}").status_code == 404, query
    assert secretary.get(f"/rates/?at=compound.{world.c1.uid}").status_code == 200
    pc = world.orgs["pc"].uid
    assert secretary.get(f"/rates/?at=organization.{pc}~neighborhood.{world.n1.uid}").status_code == 200
    assert secretary.get(f"/rates/?at=organization.{pc}~compound.{world.c3.uid}").status_code == 404
    drill = f"counter=accepted&start=2026-11&end=2026-11&at=neighborhood.{world.n2.uid}"
    assert secretary.get(f"/rates/cases/?{drill}").status_code == 404
    oc = client_for("oc_member")
    assert oc.get(f"/rates/?at=neighborhood.{world.n1.uid}").status_code == 404
    # The outsider sees their own town, and nothing of ours.
    outsider = client_for("outsider")
    response = page(outsider, RANGE)
    assert response.context["place"].obj == world.other
    html = response.content.decode()
    assert "新城" not in html and "申江物业" not in html and "浦江镇" not in html
    assert all(r["denominator"]["value"] == 0 for r in response.context["total"]["rates"])
    for query in (f"at=town.{world.town.uid}", f"at=organization.{world.orgs['pc'].uid}"):
        assert outsider.get(f"/rates/?{query}").status_code == 404
    assert client_for("gov_staff").get("/rates/").status_code == 404
    assert client_for("resident").get("/rates/").status_code == 404


def drill(client, place, counter, start, end):
    response = client.get("/rates/cases/", {"at": place, "counter": counter, "start": start, "end": end})
    assert response.status_code == 200
    return sorted(c.number for c in response.context["page_obj"].paginator.object_list)


def test_drill_down_lists_exactly_the_cases_behind_each_number(world, story, client_for):
    client = client_for("office")
    town = f"town.{world.town.uid}"
    n = {k: c.number for k, c in story.items()}
    expected = {
        ("handled_in_time", "2026-11"): "ABD",
        ("accepted", "2026-11"): "ABCDEK",
        ("closed_valid", "2026-11"): "AB",
        ("confirmed_fixed", "2026-10"): "GH",
        ("rated", "2026-11"): "ABC",
        ("rated_basic", "2026-10"): "H",
        ("overdue", "2026-11"): "C",
        ("overdue", "2026-10"): "GH",
        ("reopened", "2026-11"): "C",
        ("submitted", "2026-11"): "ABCDEFK",
    }
    for (counter, month), keys in expected.items():
        assert drill(client, town, counter, month, month) == sorted(n[k] for k in keys), counter
    assert drill(client, town, "rated", "2026-10", "2026-11") == sorted(n[k] for k in "GHABC")
    # Each link on the page leads to as many cases as the number it is on.
    response = page(client, f"at={town}&{RANGE}")
    rows = [response.context["total"], *response.context["periods"]]
    rows += [r for ranking in response.context["rankings"] for r in ranking["rows"]]
    for row in rows:
        for rate in row["rates"]:
            for count in [*rate["parts"], rate["denominator"], *rate["extras"]]:
                listed = client.get(count["url"])
                assert listed.context["page_obj"].paginator.count == count["value"], count["url"]
        assert client.get(row["overdue"]["url"]).context["page_obj"].paginator.count == row["overdue"]["value"]
    # Each listed case links to the staff case page.
    listed = client.get(response.context["total"]["rates"][0]["parts"][0]["url"]).content.decode()
    assert reverse("cases:case_detail", args=[story["A"].uid]) in listed
    # Scope still applies: the property company's member sees only its cases, even town-wide numbers.
    assert drill(
        client_for("property_manager"), f"organization.{world.orgs['pc'].uid}", "accepted", "2026-11", "2026-11"
    ) == sorted(n[k] for k in "ABCDE")


def test_excel_export(world, story, client_for):
    response = client_for("party_secretary").get(f"/rates/export/?at=neighborhood.{world.n1.uid}&{RANGE}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    periods, ranking = book.worksheets
    rows = list(periods.iter_rows(values_only=True))
    assert "新城" in rows[0][0] and "2026-10 – 2026-11" in rows[0][0]
    assert "2026.3" in rows[1][0] and "0.90" in rows[1][0] and "first time" in rows[1][0]
    assert rows[3][:4] == ("Assessment month", "first month", "last month", "Handling rate (调处率)")
    november = next(r for r in rows if r[0] == "2026-11")
    data = dict(zip(CaseStats.COUNTERS, november[12:-1], strict=True))
    assert november[3] == pytest.approx(0.6)  # handling rate 3 ÷ 5 in 新城 (K is in 世博)
    assert (november[4], november[5]) == (3, 5)
    assert data["accepted"] == 5 and data["handled_in_time"] == 3 and data["reopened"] == 1
    assert november[9] == pytest.approx(0.6333)  # (1 + 0.9) ÷ 3
    total = rows[-1]
    assert (total[4], total[5]) == (5, 7)
    assert rows[3][-1] == "not finished" and november[-1] is None  # November is finished
    ranked = list(ranking.iter_rows(values_only=True))
    assert "Ranked over 2026-10 – 2026-11." in ranked[2][0]
    assert ranked[3][:4] == ("kind", "name", "type", "rank")
    names = [r[1] for r in ranked[4:]]
    assert set(names) == {"新城一村", "新城二村", "申江物业", "新城居委会"}
    c1 = next(r for r in ranked[4:] if r[1] == "新城一村")
    assert c1[3] == 1  # 6 accepted cases
    c2 = next(r for r in ranked[4:] if r[1] == "新城二村")
    assert c2[3] == "too few to rank"  # 1 accepted case
    assert (c2[4], c2[5], c2[6]) == (1.0, 1, 1) and c2[10] == pytest.approx(0.9)
    empty = client_for("office").get(f"/rates/export/?at=town.{world.town.uid}&start=2026-01&end=2026-01")
    first_month = next(
        r
        for r in load_workbook(io.BytesIO(empty.content)).worksheets[0].iter_rows(values_only=True)
        if r[0] == "2026-01"
    )
    assert first_month[3] == "—"


def test_bad_range_falls_back_with_a_message(world, story, client_for):
    response = page(client_for("office"), f"at=town.{world.town.uid}&start=2026-11&end=2026-01")
    assert "The last month cannot be before the first." in response.content.decode()
    response = page(client_for("office"), f"at=town.{world.town.uid}&start=nonsense")
    assert len(response.context["periods"]) == 12
    assert client_for("office").get("/rates/cases/?counter=bogus&start=2026-11&end=2026-11").status_code == 404


def test_town_page_query_count_does_not_grow_with_cases(world, categories, client_for):
    from gongzhi.cases.services import Report, submit_case

    rc = world.users["rc_worker"]

    def add(n, offset):
        for i in range(n):
            case = submit_case(
                actor=rc,
                channel="phone",
                report=Report(
                    compound=world.c1 if i % 2 else world.c2,
                    category=categories["REPAIR" if i % 3 else "SECURITY"],
                    description=f"测试诉求 {offset + i}",
                    reporter_phone=f"139{offset + i:08d}",
                ),
            )
            if i % 2 == 0:
                services.accept_case(actor=None, case=case, expected_version=case.version)

    client = client_for("office")
    url = f"/rates/?at=town.{world.town.uid}"

    def queries():
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(3, 0)
    few = queries()
    add(27, 100)
    assert Case.objects.count() == 30
    many = queries()
    assert few == many, (few, many)
    assert many <= 20, many


def test_links_on_the_page_keep_to_the_chosen_range(world, story, client_for):
    html = page(client_for("office"), f"at=town.{world.town.uid}&{RANGE}").content.decode()
    links = re.findall(r'href="\?at=([^"&]+)&amp;grain=month&amp;start=2026-10&amp;end=2026-11"', html)
    assert f"neighborhood.{world.n1.uid}" in links
