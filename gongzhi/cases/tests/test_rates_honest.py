"""The rates pages show numbers honestly (issue 9): the town's 处置有效率 definition from the same
counters, the composite index (shown, hidden, never over a "—"), the cases confirmed fixed after
重办 and the exclusions beside the rates, the unfinished month marked and not ranked, rankings
sorted by a rate with one kind of organisation at a time and a minimum of cases, and the
drill-down's "not counted, and why".

The story, in 浦江镇, October 2026 (finished) and November 2026 (today is 11-27: not finished):

新城一村 (repair → 申江物业, property company): P1–P5 resolved in time, confirmed fixed, 满意 (P5
after a commitment given in time and extended once); R reopened (不满意) then fixed, 基本满意;
U resolved, the callback could not reach the resident; N resolved, confirmed fixed and rated 满意
by the reporter who by then works for 申江物业 (recorded, not counted).
新城二村 (security → 新城居委会): S1–S5 resolved in time, fixed, 满意.
世博家园 (security → 世博居委会): K accepted, still open.
November: X (新城一村, 申江物业) accepted.

Expected for October (town): accepted 14, handled in time 13, closed with a valid follow-up 11,
confirmed fixed the first time 10, after 重办 1, closed unreachable 1, answers not counted 1,
满意 10, 基本满意 1."""

from datetime import date
from decimal import Decimal

import pytest

from gongzhi.cases import services
from gongzhi.cases.models import Case, CaseSettings
from gongzhi.cases.rates import Definition, three_rates
from gongzhi.cases.reports import Line, rank_lines
from gongzhi.testing import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-10-12 09:00")]

OCTOBER = "start=2026-10&end=2026-10"
BOTH = "start=2026-10&end=2026-11"


def at(clock, month, day, hour=10):
    clock.move_to(f"2026-{month:02d}-{day:02d} {hour:02d}:00")


@pytest.fixture
def client_for(client_for):
    """Clients that read the pages in English (the source strings)."""
    from django.conf import settings

    def make(persona):
        client = client_for(persona)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def story(world, submit, categories, clock):
    from django.contrib.auth import get_user_model

    pm, resident, rc = world.users["property_manager"], world.users["resident"], world.users["rc_worker"]
    security = categories["SECURITY"]
    cases = {}

    def act(key, service, actor, **kwargs):
        cases[key] = service(actor=actor, case=cases[key], expected_version=cases[key].version, **kwargs)

    at(clock, 10, 12)
    repairs = ["P1", "P2", "P3", "P4", "P5", "R", "U", "N"]
    for i, key in enumerate(repairs):
        cases[key] = submit(description=f"{key}：楼道灯不亮", reporter_phone=f"1380000{i:04d}")
    for i in range(1, 6):
        cases[f"S{i}"] = submit(
            description=f"S{i}：夜间噪音扰民", compound=world.c2, category=security, reporter_phone=f"1381000{i:04d}"
        )
    cases["K"] = submit(
        description="K：外来人员翻墙", compound=world.c3, category=security, reporter_phone="13820000001"
    )
    at(clock, 10, 12, 11)
    for key in repairs:
        act(key, services.accept_case, pm)
    for i in range(1, 6):
        act(f"S{i}", services.accept_case, rc)
    act("K", services.accept_case, None)
    at(clock, 10, 13)
    act("P5", services.explain_case, pm, explanation="需要订购灯具配件", committed_date=date(2026, 10, 20))
    act("P5", services.extend_commitment, pm, committed_date=date(2026, 10, 22), reason="配件到货推迟两天")
    for key in ["P1", "P2", "P3", "P4", "R", "U", "N"]:
        act(key, services.resolve_case, pm, resolution="已修复")
    for i in range(1, 6):
        act(f"S{i}", services.resolve_case, rc, resolution="已上门劝导")
    at(clock, 10, 15)
    for key in ["P1", "P2", "P3", "P4"]:
        act(key, services.record_feedback, resident, fixed=True, rating="satisfied")
    for i in range(1, 6):
        act(f"S{i}", services.record_feedback, resident, fixed=True, rating="satisfied")
    act("R", services.record_feedback, resident, fixed=False, rating="unsatisfied")  # 重办
    at(clock, 10, 16)
    act("R", services.resolve_case, pm, resolution="重新更换灯具")
    act("P5", services.resolve_case, pm, resolution="已更换灯具")
    at(clock, 10, 19)
    act("R", services.record_feedback, resident, fixed=True, rating="basic")
    act("P5", services.record_feedback, resident, fixed=True, rating="satisfied")
    # The reporter of N now works for the property company: their answer is recorded, not counted.
    MembershipFactory(person=world.people["resident"], organization=world.orgs["pc"], title="保洁员")
    insider = get_user_model().objects.get(pk=resident.pk)
    act("N", services.record_feedback, insider, fixed=True, rating="satisfied")
    at(clock, 10, 26)
    act("U", services.close_unreachable, rc, note="三次电话未接通")
    at(clock, 11, 2)
    cases["X"] = submit(description="X：电梯故障", reporter_phone="13830000001")
    act("X", services.accept_case, pm)
    at(clock, 11, 27)  # today: November is not finished
    return cases


def page(client, query):
    response = client.get(f"/rates/?{query}")
    assert response.status_code == 200, response.status_code
    return response


def set_town(world, **values):
    CaseSettings.objects.update_or_create(town=world.town, defaults=values)


def effective(row):
    rate = row["rates"][1]
    return rate["text"], [(p["counter"], p["value"]) for p in rate["parts"]], rate["denominator"]["value"]


def test_the_story_counts(world, story):
    assert Case.objects.get(pk=story["N"].pk).feedback_not_counted == Case.NotCounted.HANDLER_MEMBER
    p5 = Case.objects.get(pk=story["P5"].pk)
    assert (p5.commitment_in_time, p5.extension_count, p5.handled_in_time) == (True, 1, True)


def test_first_time_and_every_confirmed_from_the_same_counters(world, story, client_for):
    client = client_for("office")
    town = f"at=town.{world.town.uid}&{OCTOBER}"
    total = page(client, town).context["total"]
    assert effective(total) == ("90.9%", [("confirmed_fixed", 10)], 11)
    extras = {e["counter"]: e["value"] for e in total["rates"][1]["extras"]}
    assert extras == {"confirmed_fixed_reopened": 1, "closed_unreachable": 1, "answer_not_counted": 1}
    assert {e["counter"]: e["value"] for e in total["rates"][2]["extras"]} == {"answer_not_counted": 1}
    counts = dict(total["line"].counts)

    set_town(world, effective_definition="every_confirmed")
    response = page(client, town)
    total = response.context["total"]
    assert total["line"].counts == counts  # the same counters, another numerator
    assert effective(total) == ("100.0%", [("confirmed_any", 11)], 11)
    assert "处置有效 counts every case confirmed fixed, also after 重办" in response.content.decode()
    # The numerator links to the cases behind it: all eleven, R among them.
    listed = client.get(total["rates"][1]["parts"][0]["url"]).context["page_obj"].paginator
    assert listed.count == 11 and story["R"].number in {c.number for c in listed.object_list}
    # Every small figure leads to as many cases as it says.
    for extra in total["rates"][1]["extras"]:
        assert client.get(extra["url"]).context["page_obj"].paginator.count == extra["value"], extra["counter"]


def test_composite_index_shown_with_its_weights_or_not_at_all(world, story, client_for):
    client = client_for("office")
    town = f"at=town.{world.town.uid}&{OCTOBER}"
    response = page(client, town)
    assert response.context["total"]["composite"] is None
    assert "Composite index" not in response.content.decode()

    set_town(world, show_composite=True)  # the default weights 0.10 / 0.50 / 0.40
    response = page(client, town)
    html = response.content.decode()
    # 0.10 × 0.9286 + 0.50 × 0.9091 + 0.40 × 0.9909 = 0.9438
    assert response.context["total"]["composite"]["text"] == "94.4"
    assert "Composite index = 0.10 × 调处率 + 0.50 × 处置有效率 + 0.40 × 群众满意率." in html
    assert [s["key"] for s in response.context["chart"]["series"]][-1] == "composite"
    set_town(world, effective_definition="every_confirmed")
    assert page(client, town).context["total"]["composite"]["text"] == "98.9"  # 0.09286 + 0.5 + 0.39636
    # Never over a rate that is "—": 世博居委会 has nothing closed or rated.
    response = page(client, f"{town}&okind=residents_committee")
    rows = {r["line"].label: r for r in response.context["rankings"][1]["rows"]}
    assert rows["世博居委会"]["rates"][1]["text"] == "—" and rows["世博居委会"]["composite"]["text"] == "—"
    assert rows["新城居委会"]["composite"]["text"] == "100.0"
    # The export has the column, with the weights in its definition row.
    from io import BytesIO

    from openpyxl import load_workbook

    export = client.get(f"/rates/export/?{town}")
    sheet = list(load_workbook(BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert "0.50 × 处置有效率" in sheet[1][0]
    column = sheet[3].index("Composite index (综合指数)")
    october = next(r for r in sheet if r[0] == "2026-10")
    assert october[column] == pytest.approx(0.9892)


def test_unfinished_month_is_flagged_and_not_ranked(world, story, client_for):
    client = client_for("office")
    response = page(client, f"at=town.{world.town.uid}&{BOTH}")
    chart = response.context["chart"]
    assert chart["labels"] == ["2026-10", "2026-11"] and chart["provisional"] == [False, True]
    assert chart["provisional_text"] == "so far (not finished)"
    periods = response.context["periods"]
    assert [p["line"].provisional for p in periods] == [False, True]
    html = response.content.decode()
    assert "so far (not finished)" in html and "Left out, not finished yet: 2026-11." in html
    assert response.context["total"]["line"].counts["accepted"] == 15  # X counts in the total…
    organisations = page(client, f"at=town.{world.town.uid}&{BOTH}&okind=property_company").context["rankings"][1]
    pc = organisations["rows"][0]
    assert pc["line"].counts["accepted"] == 8 and pc["rank"] == 1  # …not in the ranking
    assert "end=2026-10" in pc["rates"][0]["denominator"]["url"]  # its links count what it shows
    # A range of the unfinished month alone: the lines are shown with their numbers so far, unranked.
    response = page(client, f"at=town.{world.town.uid}&start=2026-11&end=2026-11&okind=property_company")
    ranking = response.context["rankings"][1]
    assert ranking["provisional"] and [r["rank"] for r in ranking["rows"]] == [None]
    assert ranking["rows"][0]["line"].counts["accepted"] == 1
    assert "not ranked" in response.content.decode()
    # The quarter containing today is provisional too.
    response = page(client, f"at=town.{world.town.uid}&grain=quarter&start=2026-07&end=2026-12")
    assert [p["line"].provisional for p in response.context["periods"]] == [False, True]
    assert response.context["chart"]["provisional"] == [False, True]


def test_rankings_by_rate_one_kind_at_a_time_with_a_minimum(world, story, client_for):
    client = client_for("office")
    town = f"at=town.{world.town.uid}&{OCTOBER}"
    neighborhoods, organisations = page(client, town).context["rankings"]
    # By 调处率, best first: 新城 (13 accepted) is ranked; 世博 (1) is too few to rank (minimum 5).
    assert [(r["line"].label, r["rank"]) for r in neighborhoods["rows"]] == [("新城", 1), ("世博", None)]
    # One kind at a time, the kind with most lines first; never mixed.
    assert [(k["kind"], k["count"]) for k in organisations["kinds"]] == [
        ("residents_committee", 2),
        ("property_company", 1),
    ]
    assert [(r["line"].label, r["rank"]) for r in organisations["rows"]] == [("新城居委会", 1), ("世博居委会", None)]
    response = page(client, f"{town}&okind=property_company")
    assert [(r["line"].label, r["rank"]) for r in response.context["rankings"][1]["rows"]] == [("申江物业", 1)]
    # The town's minimum is honoured.
    set_town(world, ranking_min_cases=1)
    response = page(client, town)
    neighborhoods, organisations = response.context["rankings"]
    assert [(r["line"].label, r["rank"]) for r in neighborhoods["rows"]] == [("新城", 1), ("世博", 2)]
    assert [(r["line"].label, r["rank"]) for r in organisations["rows"]] == [("新城居委会", 1), ("世博居委会", 2)]
    set_town(world, ranking_min_cases=14)
    neighborhoods = page(client, town).context["rankings"][0]
    assert [r["rank"] for r in neighborhoods["rows"]] == [None, None]  # 新城 has 13 accepted cases


def _line(label, **counts):
    definition = Definition("2026.3", Decimal("0.9"), 1)
    return Line(label, label, date(2026, 10, 1), date(2026, 10, 1), counts, three_rates(counts, definition))


def test_rank_numbers_ties_and_tie_breakers():
    a = _line("A", accepted=5, handled_in_time=4, closed_valid=2, confirmed_fixed=2)
    b = _line("B", accepted=5, handled_in_time=4, closed_valid=2, confirmed_fixed=1)  # 调处率 tie, lower 处置有效率
    c = _line("C", accepted=10, handled_in_time=8, closed_valid=4, confirmed_fixed=4)  # same rates as A
    d = _line("D", accepted=2, handled_in_time=2)  # 100 %, on too few cases
    e = _line("E", accepted=6, handled_in_time=6)  # best 调处率, nothing closed
    ranked = rank_lines([a, b, c, d, e], "-handling", 5)
    assert [(r.line.label, r.rank) for r in ranked] == [("E", 1), ("A", 2), ("C", 2), ("B", 4), ("D", None)]
    ascending = rank_lines([a, b, c, d, e], "handling", 5)
    assert [(r.line.label, r.rank) for r in ascending] == [("B", 4), ("A", 2), ("C", 2), ("E", 1), ("D", None)]
    # By 处置有效率: E has nothing to measure, never ranked; D neither.
    by_effective = rank_lines([a, b, c, d, e], "-effective", 1)
    assert [(r.line.label, r.rank) for r in by_effective] == [("A", 1), ("C", 1), ("B", 3), ("D", None), ("E", None)]
    # Sorted by name, each line keeps its rank by 调处率.
    assert [(r.line.label, r.rank) for r in rank_lines([e, d, c], "name", 5)] == [("C", 2), ("D", None), ("E", 1)]


def test_drill_down_not_counted_and_why(world, story, client_for):
    client = client_for("office")

    def drill(counter):
        response = client.get(
            "/rates/cases/", {"at": f"town.{world.town.uid}", "counter": counter, "start": "2026-10", "end": "2026-10"}
        )
        assert response.status_code == 200
        return response

    response = drill("closed_valid")
    assert response.context["page_obj"].paginator.count == 11  # as many as the number it was opened from
    excluded = response.context["excluded"]
    assert excluded["total"] == 2
    assert {g["counter"]: g["count"] for g in excluded["groups"]} == {"closed_unreachable": 1, "answer_not_counted": 1}
    reasons = {c.number: c.exclusion_reasons for c in excluded["rows"]}
    assert reasons == {
        story["U"].number: ["closed: the resident could not be reached"],
        story["N"].number: ["The answer came from a member of the handling organisation"],
    }
    html = response.content.decode()
    assert "Not counted, and why" in html
    for group in excluded["groups"]:
        assert client.get(group["url"]).context["page_obj"].paginator.count == group["count"]
    assert drill("rated").context["excluded"]["total"] == 2
    assert drill("confirmed_fixed_reopened").context["page_obj"].paginator.count == 1
    # Behind 调处率: each case's commitment and extensions, no exclusion section.
    response = drill("handled_in_time")
    assert response.context["excluded"] is None and response.context["show_commitment"]
    assert response.context["page_obj"].paginator.count == 13
    html = response.content.decode()
    assert "2026-10-22" in html and "given in time" in html
    p5 = next(c for c in response.context["page_obj"].object_list if c.pk == story["P5"].pk)
    assert p5.extension_count == 1


def test_drill_down_exclusions_come_from_the_counters_and_their_total_is_bounded(world, story, client_for, monkeypatch):
    """The counts of what is not counted are the counters (the lists behind their links have as
    many cases), not a count of the cases; how many in all is counted up to the lists' limit, and
    beyond it said as "more than" (issue 15: at city level each count read millions of cases)."""
    client = client_for("office")
    query = {"at": f"town.{world.town.uid}", "counter": "closed_valid", "start": "2026-10", "end": "2026-10"}
    unreachable = Case.objects.get(pk=story["U"].pk)
    # The counters, not the cases: a case edited behind the counters' back changes no count shown.
    Case.objects.filter(pk=unreachable.pk).update(followup_valid=True)
    excluded = client.get("/rates/cases/", query).context["excluded"]
    assert {g["counter"]: g["count"] for g in excluded["groups"]} == {"closed_unreachable": 1, "answer_not_counted": 1}
    assert excluded["total"] == 1 and excluded["total_text"] == "1"  # the cases listed are the cases
    Case.objects.filter(pk=unreachable.pk).update(followup_valid=False)
    monkeypatch.setattr("gongzhi.cases.views.rates.COUNT_LIMIT", 1)
    response = client.get("/rates/cases/", query)
    excluded = response.context["excluded"]
    assert excluded["total"] == 2 and excluded["total_text"] == "more than 1" and excluded["more"] is False
    assert "(more than 1)" in response.content.decode()
