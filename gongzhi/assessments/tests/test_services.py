"""The assessments' services, allowed and refused: schemes (weights, frozen once in use, new
versions), a quarter's property-service cycle and a year's neighborhood cycle from open to
published, manual scores (range, reason, two assessors → version conflict), objections (window,
once, own organisation only), decisions, approval (annual: the leadership group), publication
(frozen, re-opening refused, a credit record for a failure) and the two-periods flag."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.assessments import scoring, services
from gongzhi.assessments.models import Assessment, Cycle, Objection, Scheme, Score
from gongzhi.assessments.workflow import CycleState
from gongzhi.core.records import ConcurrentEditError
from gongzhi.credit.models import CreditRecord

from .factories import assessment_of, drafts_shown, manual_score, opened, pdf, score_all, seeded

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2027-01-11 10:00")]


def close(world, clock, cycle):
    clock.move_to(f"{cycle.objection_until + timedelta(days=1)} 10:00")
    cycle.refresh_from_db()
    return services.close_objections(actor=world.users["office"], cycle=cycle, version=cycle.version)


# --- Schemes -------------------------------------------------------------------------------------


def test_the_default_schemes_are_seeded_once_and_add_up(world):
    schemes = seeded(world)
    assert set(schemes) == {"property_service", "owners_committee", "compound", "party_org", "residents_committee"}
    for scheme in schemes.values():
        assert sum(i.max_points for i in scheme.indicators.all()) == 100
    ps = schemes["property_service"]
    assert ps.period_kind == "quarter"
    assert [(b.label, b.from_score, b.fee_percent) for b in ps.bands.all()] == [
        ("优秀", 95, 100), ("良好", 85, 98), ("合格", 75, 95), ("一般", 65, 90), ("较差", 60, 80), ("不合格", 0, 70),
    ]  # fmt: skip
    assert services.seed_default_schemes(actor=world.users["office"], town=world.town) == []


def test_weights_that_do_not_sum_are_refused_and_nothing_changes(world):
    draft = services.new_version(actor=world.users["office"], scheme=seeded(world)["party_org"])
    lines = "联席会议 | 联席会议规范率 | 30 | formula meetings.compliance 50 100\n党建 | 党建引领 | 60 | manual"
    with pytest.raises(ValidationError) as refused:
        services.edit_scheme(
            actor=world.users["office"], scheme=draft, version=draft.version, name="党组织考评", period_kind="year",
            total_weight=100, indicators=lines, bands="合格 | 60\n不合格 | 0 | | fail",
        )  # fmt: skip
    assert "The indicators' points add up to 90; the scheme requires 100." in refused.value.messages
    assert draft.indicators.count() == 5
    saved = services.edit_scheme(
        actor=world.users["office"], scheme=draft, version=draft.version, name="党组织考评", period_kind="year",
        total_weight=90, indicators=lines, bands="合格 | 60\n不合格 | 0 | | fail",
    )  # fmt: skip
    assert saved.number == 2 and saved.indicators.count() == 2 and saved.total_weight == 90


def test_a_scheme_in_use_never_changes_but_a_new_version_can(world):
    scheme = seeded(world)["property_service"]
    with pytest.raises(ValidationError, match="never changes"):
        services.edit_scheme(
            actor=world.users["office"], scheme=scheme, version=scheme.version, name="x", period_kind="quarter",
            total_weight=100, indicators="保洁 | 保洁 | 100 | manual", bands="合格 | 0",
        )  # fmt: skip
    draft = services.new_version(actor=world.users["office"], scheme=scheme)
    with pytest.raises(ValidationError, match="already exists"):
        services.new_version(actor=world.users["office"], scheme=scheme)
    services.put_in_use(actor=world.users["office"], scheme=draft, version=draft.version)
    scheme.refresh_from_db()
    assert scheme.state == "retired"
    assert Scheme.objects.get(pk=draft.pk).state == "in_use"


def test_bad_rule_lines_are_refused_with_their_line(world):
    draft = services.new_version(actor=world.users["office"], scheme=seeded(world)["compound"])
    with pytest.raises(ValidationError) as refused:
        services.edit_scheme(
            actor=world.users["office"], scheme=draft, version=draft.version, name="小区", period_kind="half_year",
            total_weight=100, indicators="检查 | 检查得分 | 100 | formula no.such.figure 60 95", bands="合格 | 0",
        )  # fmt: skip
    assert refused.value.message_dict["indicators"] == ["Line 1: unknown figure no.such.figure."]


def test_only_the_office_edits_schemes(world):
    scheme = seeded(world)["property_service"]
    for persona in ("leader", "inspector", "property_manager", "outsider"):
        with pytest.raises(PermissionDenied):
            services.new_version(actor=world.users[persona], scheme=scheme)


# --- A quarter's property-service assessment ------------------------------------------------------


def test_a_quarter_of_property_service_from_open_to_published(world, clock):
    cycle = opened(world)
    assert cycle.period == "2026Q4" and cycle.state == CycleState.SCORING
    # every contract active in the quarter: c1, c2 (ended 2027-01-01) and c3 (since 2026-12-12)
    assert sorted(a.compound.code for a in cycle.assessments.all()) == ["sb1", "xc1", "xc2"]
    c1 = assessment_of(cycle, compound=world.c1)
    # no survey and no rectification order: satisfaction has nothing to measure (by hand),
    # rectifications late: 0 events, all 10 points
    late = c1.scores.get(indicator__source="inspections.rectifications_late")
    assert (late.value, late.count, late.points) == (D(0), 0, D("10.0"))
    survey = c1.scores.get(indicator__source="surveys.satisfaction")
    assert survey.value is None and survey.points is None and survey.by_hand
    with pytest.raises(ValidationError, match="still to be given"):
        drafts_shown(world, cycle)

    # c1: cleaning 20 of 25, the rest full → 95 → 优秀, 100 %; c2: all half → 50 + 10 → 55 → 不合格
    for s in c1.scores.filter(points__isnull=True).select_related("indicator"):
        points = D(20) if s.indicator.text.startswith("公共区域保洁") else s.indicator.max_points
        services.save_score(actor=world.users["office"], score=s, version=s.version, points=points, reason="巡查记录")
    c2 = assessment_of(cycle, compound=world.c2)
    for s in c2.scores.filter(points__isnull=True).select_related("indicator"):
        services.save_score(
            actor=world.users["office"], score=s, version=s.version, points=s.indicator.max_points / 2, reason="较差"
        )
    score_all(world, cycle)  # c3: full points
    assert scoring.result_of(Assessment.objects.get(pk=c1.pk)) == scoring.Result(D("95.0"), "优秀", 100, False)
    assert scoring.result_of(Assessment.objects.get(pk=c2.pk)) == scoring.Result(D("55.0"), "不合格", 70, True)

    cycle = drafts_shown(world, cycle)
    assert cycle.state == CycleState.OBJECTIONS
    assert cycle.objection_until > clock.today
    objected = services.object_to_assessment(
        actor=world.users["property_manager"], assessment=c2, version=Assessment.objects.get(pk=c2.pk).version,
        reason="保洁记录齐全，评分偏低", evidence=[pdf()],
    )  # fmt: skip
    assert Objection.objects.get(assessment=c2).evidence.count() == 1
    with pytest.raises(ValidationError, match="still to be decided"):
        close(world, clock, cycle)
    cleaning = c2.scores.get(indicator__text__startswith="公共区域保洁")
    services.decide_objection(
        actor=world.users["office"], assessment=objected, version=objected.version, reason="复核保洁记录后调整",
        score=cleaning, points=D(25),
    )  # fmt: skip
    # 55 − 12.5 + 25 = 67.5 → 一般, 90 %
    assert scoring.result_of(Assessment.objects.get(pk=c2.pk)) == scoring.Result(D("67.5"), "一般", 90, False)
    cycle = close(world, clock, Cycle.objects.get(pk=cycle.pk))
    with pytest.raises(PermissionDenied):
        services.approve(actor=world.users["inspector"], cycle=cycle, version=cycle.version)
    cycle = services.approve(actor=world.users["office"], cycle=cycle, version=cycle.version)  # a quarter: the office
    cycle = services.publish(actor=world.users["office"], cycle=cycle, version=cycle.version)
    assert cycle.state == CycleState.PUBLISHED
    ranked = {a.compound.code: (a.rank, a.total, a.band, a.fee_percent) for a in cycle.assessments.all()}
    assert ranked == {
        "sb1": (1, D("100.0"), "优秀", 100),
        "xc1": (2, D("95.0"), "优秀", 100),
        "xc2": (3, D("67.5"), "一般", 90),
    }
    assert not CreditRecord.objects.filter(category="assessments.failed").exists()  # nobody failed
    # the top band (优秀) is a good record about the company, once per assessment: sb1 and xc1
    good = CreditRecord.objects.filter(category="assessments.excellent")
    assert sorted(good.values_list("compound__code", "kind", "points")) == [("sb1", "good", 2), ("xc1", "good", 2)]
    assert not CreditRecord.objects.filter(category="assessments.excellent", compound__code="xc2").exists()


def test_a_failed_property_service_writes_one_credit_record_and_two_quarters_flag(world, clock):
    for period in ("2026Q3", "2026Q4"):
        cycle = opened(world, period=period)
        score_all(world, cycle, points=D(0), reason="未达标")
        cycle = drafts_shown(world, cycle)
        cycle = close(world, clock, cycle)
        cycle = services.approve(actor=world.users["office"], cycle=cycle, version=cycle.version)
        cycle = services.publish(actor=world.users["office"], cycle=cycle, version=cycle.version)
    c1 = assessment_of(cycle, compound=world.c1)
    assert (c1.total, c1.band, c1.fails, c1.failed_twice) == (D("10.0"), "不合格", True, True)
    c3 = assessment_of(cycle, compound=world.c3)  # no contract in 2026Q3: not two in a row
    assert c3.fails and not c3.failed_twice
    records = CreditRecord.objects.filter(category="assessments.failed")
    assert records.count() == 5  # 2 in 2026Q3 (c1, c2), 3 in 2026Q4
    assert records.filter(source_key=f"assessments:{c1.uid}", compound=world.c1, kind="bad").exists()


def test_a_published_cycle_is_frozen_and_cannot_be_reopened(world, clock):
    cycle = opened(world)
    score_all(world, cycle)
    cycle = close(world, clock, drafts_shown(world, cycle))
    cycle = services.reopen(actor=world.users["office"], cycle=cycle, version=cycle.version)  # before: allowed
    assert cycle.state == CycleState.SCORING
    cycle = close(world, clock, drafts_shown(world, cycle))
    cycle = services.approve(actor=world.users["office"], cycle=cycle, version=cycle.version)
    cycle = services.publish(actor=world.users["office"], cycle=cycle, version=cycle.version)
    c1 = assessment_of(cycle, compound=world.c1)
    before = scoring.result_of(c1)
    # later data: a score row changed behind the services' back, a new contract — nothing moves
    Score.objects.filter(assessment=c1).update(points=D(0))
    assert (
        scoring.result_of(Assessment.objects.get(pk=c1.pk)) == before == scoring.Result(D("100.0"), "优秀", 100, False)
    )
    with pytest.raises(ValidationError, match="published: it is frozen"):
        services.reopen(actor=world.users["office"], cycle=cycle, version=cycle.version)
    with pytest.raises(ValidationError, match="published: it is frozen"):
        services.pull_figures(actor=world.users["office"], cycle=cycle, version=cycle.version)
    score = manual_score(c1)
    with pytest.raises(ValidationError, match="only while the cycle is being scored"):
        services.save_score(actor=world.users["office"], score=score, version=score.version, points=1, reason="改")


def test_the_period_must_have_ended_and_be_opened_once(world):
    scheme = seeded(world)["property_service"]
    with pytest.raises(ValidationError, match="not ended yet"):
        services.open_cycle(actor=world.users["office"], scheme=scheme, period="2027Q1")
    with pytest.raises(ValidationError, match="Write the period"):
        services.open_cycle(actor=world.users["office"], scheme=scheme, period="2026")
    services.open_cycle(actor=world.users["office"], scheme=scheme, period="2026Q4")
    with pytest.raises(ValidationError, match="already been opened"):
        services.open_cycle(actor=world.users["office"], scheme=scheme, period="2026q4")
    with pytest.raises(PermissionDenied):
        services.open_cycle(actor=world.users["leader"], scheme=scheme, period="2026Q3")


# --- Scores ---------------------------------------------------------------------------------------


def test_two_assessors_on_one_score_the_second_is_refused_and_nothing_is_lost(world):
    cycle = opened(world)
    c3 = assessment_of(cycle, compound=world.c3)  # 世博家园: the inspector's group covers 世博
    score = manual_score(c3)
    stale = score.version
    services.save_score(actor=world.users["inspector"], score=score, version=stale, points=D("22.5"), reason="楼道整洁")
    with pytest.raises(ConcurrentEditError):
        services.save_score(actor=world.users["office"], score=score, version=stale, points=D(10), reason="有堆物")
    score.refresh_from_db()
    assert (score.points, score.reason, score.scored_by) == (D("22.5"), "楼道整洁", world.users["inspector"])


def test_a_score_outside_its_range_or_without_reason_is_refused(world):
    cycle = opened(world)
    score = manual_score(assessment_of(cycle, compound=world.c1))
    for points in (D(-1), D(26), D("10.25")):
        with pytest.raises(ValidationError, match="Points are from 0 to 25"):
            services.save_score(
                actor=world.users["office"], score=score, version=score.version, points=points, reason="x"
            )
    with pytest.raises(ValidationError, match="needs its reason"):
        services.save_score(actor=world.users["office"], score=score, version=score.version, points=D(5), reason=" ")
    score.refresh_from_db()
    assert score.points is None


def test_an_assessor_scores_only_in_the_coverage_and_a_figure_is_not_overwritten(world):
    cycle = opened(world)
    c1 = assessment_of(cycle, compound=world.c1)  # 新城: not the inspector's group
    with pytest.raises(PermissionDenied):
        services.save_score(actor=world.users["inspector"], score=manual_score(c1), version=1, points=D(1), reason="x")
    for persona in ("leader", "property_manager", "party_secretary"):
        with pytest.raises(PermissionDenied):
            services.save_score(actor=world.users[persona], score=manual_score(c1), version=1, points=1, reason="x")
    late = c1.scores.get(indicator__source="inspections.rectifications_late")
    with pytest.raises(ValidationError, match="scored from its figure"):
        services.save_score(actor=world.users["office"], score=late, version=late.version, points=D(1), reason="x")


# --- Objections -----------------------------------------------------------------------------------


def test_an_objection_once_within_the_window_by_the_assessed_only(world, clock):
    cycle = opened(world)
    score_all(world, cycle)
    c1 = assessment_of(cycle, compound=world.c1)
    with pytest.raises(PermissionDenied):  # not shown yet: the company does not see its draft
        services.object_to_assessment(actor=world.users["property_manager"], assessment=c1, version=c1.version,
                                      reason="x")  # fmt: skip
    cycle = drafts_shown(world, cycle, days=3)
    for persona in ("oc_member", "party_secretary", "inspector"):
        with pytest.raises(PermissionDenied):
            services.object_to_assessment(actor=world.users[persona], assessment=c1, version=c1.version, reason="x")
    with pytest.raises(ValidationError, match="Say what is wrong"):
        services.object_to_assessment(actor=world.users["property_manager"], assessment=c1, version=c1.version,
                                      reason="")  # fmt: skip
    clock.move_to(f"{cycle.objection_until + timedelta(days=1)} 09:00")
    with pytest.raises(ValidationError, match=f"The objection window closed on {cycle.objection_until}"):
        services.object_to_assessment(actor=world.users["property_manager"], assessment=c1, version=c1.version,
                                      reason="太晚了")  # fmt: skip
    assert not Objection.objects.exists()
    clock.move_to(f"{cycle.objection_until} 17:00")
    done = services.object_to_assessment(actor=world.users["property_manager"], assessment=c1, version=c1.version,
                                         reason="扣分依据不足")  # fmt: skip
    with pytest.raises(ValidationError, match="one objection per assessment"):
        services.object_to_assessment(actor=world.users["property_manager"], assessment=done, version=done.version,
                                      reason="再次")  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.decide_objection(actor=world.users["leader"], assessment=done, version=done.version, reason="x")
    decided = services.decide_objection(actor=world.users["office"], assessment=done, version=done.version,
                                        reason="扣分有检查记录为据")  # fmt: skip
    assert Objection.objects.get(assessment=decided).decision == "upheld"
    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_objection(actor=world.users["office"], assessment=decided, version=decided.version, reason="x")


# --- A year's neighborhood assessment -------------------------------------------------------------


def test_a_year_of_residents_committees_is_approved_by_the_leadership_group(world, clock):
    cycle = opened(world, "residents_committee")
    assert cycle.period == "2026"
    assert sorted(a.organization.code for a in cycle.assessments.all()) == ["rc1", "rc2"]
    rc1 = assessment_of(cycle, organization=world.orgs["rc1"])
    # no case, no meeting, no resolution in 2026: every figure has nothing to measure
    assert all(s.value is None and s.points is None for s in rc1.scores.all())
    score_all(world, cycle, points=None)
    cycle = close(world, clock, drafts_shown(world, cycle))
    for persona in ("office", "admin", "inspector"):
        with pytest.raises(PermissionDenied):
            services.approve(actor=world.users[persona], cycle=cycle, version=cycle.version)
    cycle = services.approve(actor=world.users["leader"], cycle=cycle, version=cycle.version)
    assert cycle.approved_by == world.users["leader"]
    with pytest.raises(PermissionDenied):
        services.publish(actor=world.users["leader"], cycle=cycle, version=cycle.version)
    cycle = services.publish(actor=world.users["office"], cycle=cycle, version=cycle.version)
    assert [(a.organization.code, a.total, a.band, a.rank) for a in cycle.assessments.order_by("organization__code")] == [
        ("rc1", D("100.0"), "优秀", 1), ("rc2", D("100.0"), "优秀", 1),
    ]  # fmt: skip
