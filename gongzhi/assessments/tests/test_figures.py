"""Figures pulled from the platform's records, through the other apps' one function each: an
inspection of 世博家园 with a rectification order left unanswered feeds the quarter's property-service
deductions and the half-year's compound scores (with the records behind them); once the cycle is
published, answering the order changes nothing."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from gongzhi.assessments import scoring, services
from gongzhi.assessments.models import Assessment
from gongzhi.inspections.models import RectificationOrder
from gongzhi.inspections.tests.factories import inspected_with_order

from .factories import assessment_of, drafts_shown, opened, score_all

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-16 10:00")]


def test_an_unanswered_order_and_an_inspection_score_become_points(world, clock):
    inspection, order = inspected_with_order(world)
    assert order.compound == world.c3 and order.responsible == world.orgs["pc"]
    clock.move_to("2027-01-11 10:00")

    cycle = opened(world, "property_service", "2026Q4")
    c3 = assessment_of(cycle, compound=world.c3)
    late = c3.scores.get(indicator__source="inspections.rectifications_late")
    assert (late.count, late.points) == (1, D("8.0"))  # 10 − 2 × 1
    assert late.records == [[f"{order.due_on:%Y-%m-%d} · 3号楼楼道堆放杂物", f"/inspections/orders/{order.uid}/"]]
    c1 = assessment_of(cycle, compound=world.c1)
    assert c1.scores.get(indicator__source="inspections.rectifications_late").points == D("10.0")

    half = opened(world, "compound", "2026H2")
    sb = assessment_of(half, compound=world.c3)
    figure = sb.scores.get(indicator__source="inspections.score")
    assert figure.value == inspection.score and figure.count == 1
    expected = scoring.points_for(figure.indicator, inspection.score, 1, None)
    assert figure.points == expected
    on_time = sb.scores.get(indicator__source="inspections.rectifications_on_time")
    assert (on_time.value, on_time.count, on_time.denominator, on_time.points) == (D("0.00"), 0, 1, D("0.0"))

    # run the quarter to publication, then answer the order: the stored numbers stay
    score_all(world, cycle)
    cycle = drafts_shown(world, cycle)
    clock.move_to(f"{cycle.objection_until + timedelta(days=1)} 10:00")
    cycle.refresh_from_db()
    cycle = services.close_objections(actor=world.users["office"], cycle=cycle, version=cycle.version)
    cycle = services.approve(actor=world.users["office"], cycle=cycle, version=cycle.version)
    cycle = services.publish(actor=world.users["office"], cycle=cycle, version=cycle.version)
    result = scoring.result_of(Assessment.objects.get(pk=c3.pk))
    assert result == scoring.Result(D("98.0"), "优秀", 100, False)
    RectificationOrder.objects.filter(pk=order.pk).update(answered_at=timezone.now() - timedelta(days=60))
    assert scoring.result_of(Assessment.objects.get(pk=c3.pk)) == result
    assert c3.scores.get(indicator__source="inspections.rectifications_late").count == 1


@pytest.mark.frozen("2027-01-11 10:00")
def test_the_three_rates_are_summed_over_the_period_for_the_organisation(world):
    """Counters of 新城居委会 (rc1) in 2026, hand-built: March 6 accepted, 5 in time; October 4
    accepted, 3 in time; 2025-12 left out. 调处率 = 8 ÷ 10 = 80 % → (80 − 60) ÷ 40 × 20 = 10 points.
    Ratings 5 满意, 4 基本满意, 1 不满意 → (5 + 0.9 × 4) ÷ 10 = 86 % → (86 − 60) ÷ 40 × 20 = 13 points."""
    from datetime import date

    from gongzhi.cases.models import CaseStats

    rc1 = world.orgs["rc1"]
    row = {"town": world.town, "neighborhood": world.n1, "compound": world.c1, "organization": rc1}
    CaseStats.objects.create(**row, period=date(2026, 3, 1), accepted=6, handled_in_time=5, rated_satisfied=5)
    CaseStats.objects.create(
        **row, period=date(2026, 10, 1), accepted=4, handled_in_time=3, rated_basic=4, rated_unsatisfied=1
    )
    CaseStats.objects.create(**row, period=date(2025, 12, 1), accepted=9, handled_in_time=0)
    cycle = opened(world, "residents_committee", "2026")
    a = assessment_of(cycle, organization=rc1)
    handling = a.scores.get(indicator__source="cases.handling")
    assert (handling.value, handling.denominator, handling.points) == (D("80.0"), 10, D("10.0"))
    assert handling.figure_text == "8 of 10 accepted cases handled in time (definition 2026.3)"
    assert handling.link.startswith(f"/rates/?at=organization.{rc1.uid}&start=2026-01&end=2026-12")
    satisfaction = a.scores.get(indicator__source="cases.satisfaction")
    assert (satisfaction.value, satisfaction.denominator, satisfaction.points) == (D("86.0"), 10, D("13.0"))
    effective = a.scores.get(indicator__source="cases.effective")
    assert effective.value is None and effective.points is None  # nothing closed: scored by hand
    other = assessment_of(cycle, organization=world.orgs["rc2"])
    assert other.scores.get(indicator__source="cases.handling").value is None


@pytest.mark.frozen("2026-03-02 10:00")
def test_resolutions_carried_out_on_time(world, clock):
    """新城居委会 leads three tasks of the residents' congress due in 2026: two reported carried out
    by their due date, one after it → 2 of 3 = 66.67 % → (66.67 − 50) ÷ 50 × 10 = 3.3 points."""
    from datetime import date

    from gongzhi.meetings.services.resolutions import record_congress_task, report_progress

    rc_worker = world.users["rc_worker"]
    tasks = [
        record_congress_task(
            actor=rc_worker,
            neighborhood=world.n1,
            held_on=date(2026, 3, 1),
            title="居民代表会议",
            text=text,
            due=due,
        )  # fmt: skip
        for text, due in (
            ("加装电梯意见征询", date(2026, 4, 10)),
            ("楼道堆物清理", date(2026, 5, 20)),
            ("非机动车棚改造", date(2026, 6, 30)),
        )  # fmt: skip
    ]
    clock.move_to("2026-04-08 10:00")
    report_progress(actor=rc_worker, resolution=tasks[0], text="已完成征询", done=True)
    clock.move_to("2026-05-20 16:00")
    report_progress(actor=rc_worker, resolution=tasks[1], text="已清理完毕", done=True)
    clock.move_to("2026-07-03 10:00")
    report_progress(actor=rc_worker, resolution=tasks[2], text="车棚已改造", done=True)
    clock.move_to("2027-01-11 10:00")
    cycle = opened(world, "residents_committee", "2026")
    figure = assessment_of(cycle, organization=world.orgs["rc1"]).scores.get(
        indicator__source="meetings.resolutions_on_time"
    )
    assert (figure.value, figure.count, figure.denominator, figure.points) == (D("66.67"), 2, 3, D("3.3"))
    assert [label for label, _url in figure.records] == [
        f"{tasks[2].number} · 2026-06-30", f"{tasks[0].number} · 2026-04-10", f"{tasks[1].number} · 2026-05-20",
    ]  # fmt: skip
