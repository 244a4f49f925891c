"""The three rates on a hand-built set of cases whose expected numbers are written here, the
assessment window, and the counters kept by the services against a full re-count."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Q

from gongzhi.cases import services, stats
from gongzhi.cases.models import CaseSettings, CaseStats
from gongzhi.cases.rates import Definition, summed, three_rates

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-01 09:00")]  # the story is in November 2026


def test_period_of_calendar_months_and_of_a_19th_to_18th_window():
    assert stats.period_of(date(2026, 11, 30), 1) == date(2026, 11, 1)
    assert stats.period_of(date(2026, 11, 18), 19) == date(2026, 11, 1)
    assert stats.period_of(date(2026, 11, 19), 19) == date(2026, 12, 1)
    assert stats.period_of(date(2026, 12, 25), 19) == date(2027, 1, 1)
    assert stats.period_range(date(2026, 12, 1), 19) == (date(2026, 11, 19), date(2026, 12, 18))
    assert stats.period_range(date(2026, 2, 1), 1) == (date(2026, 2, 1), date(2026, 2, 28))
    assert stats.period_range(date(2026, 1, 1), 19) == (date(2025, 12, 19), date(2026, 1, 18))


def test_three_rates_formula_on_written_counts():
    definition = Definition("2026.1", Decimal("0.9"), 1)
    rates = three_rates(
        {
            "accepted": 8,
            "handled_in_time": 6,
            "closed_valid": 5,
            "confirmed_fixed": 4,
            "rated_satisfied": 3,
            "rated_basic": 2,
            "rated_unsatisfied": 1,
        },
        definition,
    )
    assert rates.handling.value == Decimal("0.7500")  # 6 ÷ 8
    assert rates.effective.value == Decimal("0.8000")  # 4 ÷ 5
    assert rates.satisfaction.value == Decimal("0.8000")  # (3 + 0.9 × 2) ÷ 6 = 4.8 ÷ 6
    assert rates.satisfaction.percent == Decimal("80.0")
    empty = three_rates({}, definition)
    assert empty.handling.value is None and empty.handling.denominator == 0


def at(clock, day: int, hour: int = 10):
    clock.move_to(f"2026-11-{day:02d} {hour:02d}:00")


@pytest.fixture
def story(world, submit, clock):
    """Six cases of 新城一村 handled by the property company in November 2026:
    A resolved in time, confirmed fixed, 满意; B resolved in time, confirmed fixed, 基本满意;
    C resolved late, reopened (不满意, not fixed); D resolved in time, callback could not reach
    the resident; E accepted, still open; F never accepted (rejected). Expected for November:
    accepted 5 (A–E); handled in time 3 (A, B, D); closed with a valid follow-up 2 (A, B);
    confirmed fixed 2; ratings 满意 1, 基本满意 1, 不满意 1."""
    pm, resident, rc = world.users["property_manager"], world.users["resident"], world.users["rc_worker"]

    def day(d, hour=10):
        at(clock, d, hour)

    day(2)
    cases = {k: submit(description=f"诉求{k}：楼道灯不亮") for k in "ABCDEF"}
    day(3)
    for k in "ABCDE":
        cases[k] = services.accept_case(actor=pm, case=cases[k], expected_version=cases[k].version)
    cases["F"] = services.reject_case(
        actor=rc, case=cases["F"], reason="与其他诉求重复的测试", expected_version=cases["F"].version
    )
    day(4)
    for k in "ABD":
        cases[k] = services.resolve_case(
            actor=pm, case=cases[k], resolution="已修复", expected_version=cases[k].version
        )
    day(20)  # after the 5 working days
    cases["C"] = services.resolve_case(
        actor=pm, case=cases["C"], resolution="已修复", expected_version=cases["C"].version
    )
    day(23)
    cases["A"] = services.record_feedback(
        actor=resident, case=cases["A"], fixed=True, rating="satisfied", expected_version=cases["A"].version
    )
    cases["B"] = services.record_feedback(
        actor=resident, case=cases["B"], fixed=True, rating="basic", expected_version=cases["B"].version
    )
    cases["C"] = services.record_feedback(
        actor=resident, case=cases["C"], fixed=False, rating="unsatisfied", expected_version=cases["C"].version
    )
    cases["D"] = services.close_unreachable(
        actor=rc, case=cases["D"], note="三次电话未接通", expected_version=cases["D"].version
    )
    return cases


def november(world, **filters):
    rows = summed(Q(town=world.town, period=date(2026, 11, 1), **filters))[0]
    return three_rates(rows, Definition("2026.1", Decimal("0.90"), 1))


def test_rates_on_the_story(world, story):
    rates = november(world)
    assert rates.counts["submitted"] == 6
    assert (rates.handling.numerator, rates.handling.denominator) == (3, 5)
    assert (rates.effective.numerator, rates.effective.denominator) == (2, 2)
    assert rates.satisfaction.numerator == Decimal("1.90") and rates.satisfaction.denominator == 3
    assert rates.handling.percent == Decimal("60.0")
    assert rates.effective.percent == Decimal("100.0")
    assert rates.satisfaction.percent == Decimal("63.3")
    assert rates.counts["reopened"] == 1 and rates.counts["overdue"] == 1  # C resolved late
    # Per organisation: all with the property company; none with the residents' committee.
    assert november(world, organization=world.orgs["pc"]).counts == rates.counts
    assert november(world, organization=world.orgs["rc1"]).counts["accepted"] == 0


def test_counters_equal_a_full_recount(world, story):
    live = {
        (r.organization_id, r.compound_id, r.period): [getattr(r, n) for n in CaseStats.COUNTERS]
        for r in CaseStats.objects.all()
    }
    stats.rebuild([world.town.pk])
    rebuilt = {
        (r.organization_id, r.compound_id, r.period): [getattr(r, n) for n in CaseStats.COUNTERS]
        for r in CaseStats.objects.all()
    }
    assert {k: v for k, v in live.items() if any(v)} == rebuilt


def test_reassignment_moves_the_counts(world, story):
    case = story["E"]
    services.reassign_case(
        actor=world.users["rc_worker"],
        case=case,
        organization=world.orgs["rc1"],
        reason="由居委会协调处理",
        expected_version=case.version,
    )
    assert november(world, organization=world.orgs["rc1"]).counts["accepted"] == 1
    assert november(world, organization=world.orgs["pc"]).counts["accepted"] == 4


def test_a_19th_window_recounts_the_town(world, story, django_capture_on_commit_callbacks):
    from gongzhi.cases.configuration import update_case_settings

    settings, _ = CaseSettings.objects.get_or_create(town=world.town)
    with django_capture_on_commit_callbacks(execute=True):  # the recount is a task queued after commit
        update_case_settings(
            actor=world.users["office"],
            town=world.town,
            data={"period_start_day": 19},
            expected_version=settings.version,
        )
    # Feedback on 11/23 now falls in the December assessment month (11/19–12/18).
    dec = summed(Q(town=world.town, period=date(2026, 12, 1)))[0]
    assert dec["rated_satisfied"] == 1 and dec["closed_valid"] == 2
    assert summed(Q(town=world.town, period=date(2026, 11, 1)))[0]["accepted"] == 5


def test_drill_down_finds_exactly_the_cases_behind_each_counter(world, story):
    from gongzhi.cases.models import Case
    from gongzhi.cases.selectors import behind

    counts = summed(Q(town=world.town, period=date(2026, 11, 1)))[0]
    for counter in CaseStats.COUNTERS:
        found = Case.objects.filter(behind(counter, date(2026, 11, 1), date(2026, 11, 30)), town=world.town).count()
        assert found == counts[counter], counter


def test_a_case_fixed_only_after_reopening_is_not_effective(world, story, clock):
    pm, resident = world.users["property_manager"], world.users["resident"]
    at(clock, 25)
    case = story["C"]  # reopened on 11/23
    case = services.resolve_case(actor=pm, case=case, resolution="重新更换", expected_version=case.version)
    case = services.record_feedback(
        actor=resident, case=case, fixed=True, rating="basic", expected_version=case.version
    )
    rates = november(world)
    assert (rates.effective.numerator, rates.effective.denominator) == (2, 3)  # C closed, but not fixed first time


def test_town_rollup_equals_the_sum_of_rows(world, story):
    from django.db.models import Sum

    from gongzhi.cases.models import CaseTownStats

    for row in CaseTownStats.objects.all():
        sums = CaseStats.objects.filter(town=row.town, period=row.period).aggregate(
            **{n: Sum(n) for n in CaseStats.COUNTERS}
        )
        assert [getattr(row, n) for n in CaseStats.COUNTERS] == [sums[n] for n in CaseStats.COUNTERS]
    stats.rebuild([world.town.pk])
    assert CaseTownStats.objects.filter(town=world.town, period=date(2026, 11, 1)).get().accepted == 5
