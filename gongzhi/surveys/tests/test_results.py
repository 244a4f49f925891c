"""The survey's numbers (docs/metrics.md, "Satisfaction surveys") on hand-built answers."""

from decimal import Decimal

import pytest

from gongzhi.surveys import sampling, services
from gongzhi.surveys.models import SampledUnit, Scale
from gongzhi.surveys.results import partial_label, score, survey_results

from .factories import all_answers, fill, open_survey

pytestmark = pytest.mark.django_db


def _pending(survey, building):
    return list(survey.units.filter(status="pending", stratum__number=building).order_by("order"))


def _answer(survey, row, party_level, rest="satisfied"):
    answers = all_answers(survey, rest)
    answers["party_org"] = party_level
    services.record_answer(actor=survey.created_by, survey=survey, unit=row.unit, channel="door", answers=answers)


@pytest.fixture
def answered(world):
    """世博家园: buildings of 2, 60 and 30 households; 8 answers, one refusal replaced, one vacant."""
    fill(world.c3, {"2号楼": 60, "3号楼": 30})
    survey = open_survey(world)
    b1, b2, b3 = _pending(survey, "1号楼"), _pending(survey, "2号楼"), _pending(survey, "3号楼")
    _answer(survey, b1[0], "very_satisfied")
    _answer(survey, b1[1], "dont_know")
    for row, level in zip(b2, ["satisfied", "basic", "dissatisfied", "very_dissatisfied"], strict=False):
        _answer(survey, row, level)
    _answer(survey, b3[0], "basic")
    _answer(survey, b3[1], "basic")
    office = world.users["office"]
    services.substitute(actor=office, sampled=b2[4], reason=SampledUnit.Reason.REFUSED)
    services.substitute(actor=office, sampled=b3[2], reason=SampledUnit.Reason.VACANT)
    survey.refresh_from_db()
    return survey


def test_the_three_definitions_with_design_weights(answered):
    results = survey_results(answered)
    party = results.questions[0]
    assert party.key == "party_org"
    assert (party.valid, party.dont_know) == (7, 1)
    assert party.counts["very_satisfied"] == 1 and party.counts["basic"] == 3
    # Weights N_h / valid_h: 1号楼 2/1 = 2, 2号楼 60/4 = 15, 3号楼 30/2 = 15; Σw = 92.
    strict, r12345, index = (party.estimates[d] for d in ("strict", "r12345", "index"))
    assert strict.value == pytest.approx(17 / 92)  # (2·1 + 15·1) / 92
    assert r12345.value == pytest.approx(57.5 / 92)  # (2·1 + 15·(1 + 0.9) + 15·(0.9 + 0.9)) / 92
    assert index.value == pytest.approx(39.5 / 92)  # (2·1 + 15·(0.75 + 0.5 + 0.25 + 0) + 15·(0.5 + 0.5)) / 92
    n_eff = 92**2 / (2**2 + 6 * 15**2)  # Kish: (Σw)² / Σw² = 6.25
    assert strict.n_eff == pytest.approx(n_eff)
    assert (strict.low, strict.high) == pytest.approx(sampling.wilson(17 / 92 * n_eff, n_eff))
    assert results.weighted


def test_response_rate_and_progress(answered):
    results = survey_results(answered)
    assert results.answered == 8
    assert results.approached == 9  # 8 answers and the refusal; the vacant unit is not eligible
    assert results.response_rate == pytest.approx(8 / 9)
    assert results.completion == pytest.approx(8 / answered.target)
    by = {p.stratum: p for p in results.progress}
    assert (by["2号楼"].answered, by["2号楼"].replaced, by["2号楼"].substitutes) == (4, 1, 1)
    assert by["1号楼"].target == 2 and by["1号楼"].pending == 0
    assert sum(p.target for p in results.progress) == answered.target
    assert results.partial
    assert "still open" in partial_label(results)


def test_equal_weights_give_the_plain_proportions(world):
    """3-level scale, one building: strict = satisfied ÷ valid, Wilson on n."""
    survey = open_survey(world, world.c2, scale=Scale.THREE)
    rows = _pending(survey, "1号楼")
    _answer(survey, rows[0], "satisfied", rest="dont_know")
    _answer(survey, rows[1], "basic", rest="dont_know")
    office = world.users["office"]
    survey = services.close_survey(actor=office, survey=survey, expected_version=survey.version)
    results = survey_results(survey)
    party = results.questions[0]
    assert party.estimates["strict"].value == pytest.approx(0.5)
    assert party.estimates["r12345"].value == pytest.approx(0.95)
    assert party.estimates["index"].value == pytest.approx(0.75)
    assert (party.estimates["strict"].low, party.estimates["strict"].high) == pytest.approx(sampling.wilson(1, 2))
    assert not results.weighted and not results.partial
    # A question nobody could answer: no valid answers, the whole range.
    assert results.questions[1].valid == 0
    assert (results.questions[1].estimates["strict"].low, results.questions[1].estimates["strict"].high) == (0, 1)


def test_comparison_with_the_previous_quarter(world):
    office = world.users["office"]
    before = open_survey(world, world.c2, quarter="2026Q3", seed="s")
    rows = _pending(before, "1号楼")
    _answer(before, rows[0], "dissatisfied")
    now = services.create_survey(
        actor=office, compound=world.c2, quarter="2026Q4", questionnaire=before.questionnaire, seed="s"
    )
    results = survey_results(now)
    assert results.questions[0].previous["strict"].value == 0.0


def test_scores_of_each_level():
    w = Decimal("0.9")
    assert [score("strict", 5, lv, w) for lv in ("very_satisfied", "satisfied", "basic")] == [1, 1, 0]
    assert [score("r12345", 3, lv, w) for lv in ("satisfied", "basic", "dissatisfied")] == [1, 0.9, 0]
    assert [score("r12345", 5, "basic", Decimal("0.6"))] == [0.6]  # the town's weight of 基本满意
    assert [score("index", 3, lv, w) for lv in ("satisfied", "basic", "dissatisfied")] == [1, 0.5, 0]


def test_closed_early_results_are_labelled_partial(answered):
    survey = services.close_survey(actor=answered.created_by, survey=answered, expected_version=answered.version)
    assert survey.closed_early
    assert "closed early" in partial_label(survey_results(survey))
