"""`results.satisfaction_with(party_kind, compound_id, quarter)`: one party's satisfaction as an
indicator for the assessments, on hand-built answers with the expected values written out."""

import pytest

from gongzhi.surveys import services
from gongzhi.surveys.models import Scale, SurveySettings
from gongzhi.surveys.results import satisfaction_with

from .factories import all_answers, fill, open_survey

pytestmark = pytest.mark.django_db


def _answer(survey, row, party_org, office):
    answers = all_answers(survey, "satisfied")
    answers["party_org"] = party_org
    services.record_answer(actor=office, survey=survey, unit=row.unit, channel="door", answers=answers)


@pytest.fixture
def closed(world):
    """新城二村 (c2) in 2026Q4, 3-level scale: four households of its 2号楼 (10 units) answer about
    the party organisation 满意, 基本满意, 不满意 and 不知道; closed with households still to visit."""
    office = world.users["office"]
    fill(world.c2, {"2号楼": 10})
    survey = open_survey(world, world.c2, scale=Scale.THREE)
    rows = list(survey.units.filter(status="pending", stratum__number="2号楼").order_by("order"))[:4]
    for row, level in zip(rows, ("satisfied", "basic", "dissatisfied", "dont_know"), strict=True):
        _answer(survey, row, level, office)
    return services.close_survey(actor=office, survey=survey, expected_version=survey.version)


def test_the_towns_definition_with_n_and_its_interval(world, closed):
    figure = satisfaction_with("party_org", world.c2.pk, "2026Q4")
    assert figure.survey == closed and figure.party_kind == "party_org"
    assert figure.definition == "r12345" and figure.label.startswith("12345 style (satisfied + 0.9 ×")
    assert figure.valid == 3  # "don't know" is not a valid answer
    # (1 + 0.9 + 0) / 3 = 0.6333…; one building, equal weights: Wilson on n = 3 (z = 1.959964).
    assert figure.estimate.value == pytest.approx(1.9 / 3)
    assert figure.estimate.n_eff == pytest.approx(3)
    assert (figure.estimate.low, figure.estimate.high) == pytest.approx((0.189689, 0.927245), abs=1e-6)
    assert figure.percent() == (63.3, 19.0, 92.7)
    assert figure.partial  # closed before every sampled household was visited
    assert satisfaction_with("property_company", world.c2.pk, "2026Q4").estimate.value == 1.0  # all 满意


def test_it_follows_the_towns_definition(world, closed):
    office = world.users["office"]
    settings = SurveySettings.for_town(world.town.pk)
    services.save_settings(actor=office, town=world.town, definition="strict", expected_version=settings.version)
    figure = satisfaction_with("party_org", world.c2.pk, "2026Q4")
    assert figure.definition == "strict" and figure.estimate.value == pytest.approx(1 / 3)
    assert (figure.estimate.low, figure.estimate.high) == pytest.approx((0.061492, 0.792340), abs=1e-6)
    services.save_settings(actor=office, town=world.town, definition="index", expected_version=settings.version + 1)
    figure = satisfaction_with("party_org", world.c2.pk, "2026Q4")
    assert figure.estimate.value == pytest.approx(0.5)  # (100 + 50 + 0) / 3, read ×100 as 50.0
    assert figure.percent()[0] == 50.0


def test_none_without_a_closed_survey_or_a_valid_answer(world, closed):
    assert satisfaction_with("party_org", world.c2.pk, "2026Q3") is None  # no survey that quarter
    assert satisfaction_with("party_org", world.c1.pk, "2026Q4") is None  # no survey of that compound
    office = world.users["office"]
    still_open = open_survey(world, world.c3, seed="c3")
    row = still_open.units.filter(status="pending").first()
    _answer(still_open, row, "satisfied", office)
    assert satisfaction_with("party_org", world.c3.pk, "2026Q4") is None  # open: the figure still moves


def test_none_when_nobody_could_answer_or_the_party_is_not_asked(world):
    office = world.users["office"]
    survey = open_survey(world, world.c2, quarter="2027Q1", seed="q1")
    row = survey.units.filter(status="pending").first()
    _answer(survey, row, "dont_know", office)
    services.close_survey(actor=office, survey=survey, expected_version=survey.version)
    assert satisfaction_with("party_org", world.c2.pk, "2027Q1") is None  # only "don't know"
    assert satisfaction_with("owners_committee", world.c2.pk, "2027Q1").valid == 1
    only_company = services.create_questionnaire(
        actor=office, town=world.town, name="物业", scale=Scale.THREE, parties=["property_company"], services=[]
    )
    only_company = services.publish_questionnaire(
        actor=office, questionnaire=only_company, expected_version=only_company.version
    )
    other = services.create_survey(
        actor=office, compound=world.c1, quarter="2027Q1", questionnaire=only_company, seed="c1"
    )
    other = services.draw_sample(actor=office, survey=other)
    other = services.open_survey(actor=office, survey=other, expected_version=other.version)
    services.record_answer(
        actor=office, survey=other, unit=other.units.filter(status="pending").first().unit, channel="door",
        answers={"property_company": "satisfied"},
    )  # fmt: skip
    services.close_survey(actor=office, survey=other, expected_version=other.version)
    assert satisfaction_with("party_org", world.c1.pk, "2027Q1") is None  # not asked
    assert satisfaction_with("property_company", world.c1.pk, "2027Q1").estimate.value == 1.0


def test_a_party_and_a_quarter_are_checked(world):
    with pytest.raises(ValueError):
        satisfaction_with("service_1", world.c2.pk, "2026Q4")
    with pytest.raises(ValueError):
        satisfaction_with("party_org", world.c2.pk, "2026-4")


def _closed_in(world, compound, actor, town, party_org_levels, quarter="2026Q4"):
    """A closed survey of the compound (its two households, both answering)."""
    q = services.create_questionnaire(
        actor=actor, town=town, name="满意度", scale=Scale.FIVE, parties=["party_org"], services=[]
    )
    q = services.publish_questionnaire(actor=actor, questionnaire=q, expected_version=q.version)
    survey = services.create_survey(actor=actor, compound=compound, quarter=quarter, questionnaire=q, seed="p")
    survey = services.draw_sample(actor=actor, survey=survey)
    survey = services.open_survey(actor=actor, survey=survey, expected_version=survey.version)
    for row, level in zip(survey.units.filter(status="pending").order_by("order"), party_org_levels, strict=True):
        services.record_answer(actor=actor, survey=survey, unit=row.unit, channel="door", answers={"party_org": level})
    return services.close_survey(actor=actor, survey=survey, expected_version=survey.version)


def test_a_place_is_the_plain_mean_of_its_compounds_figures(world, closed):
    """`place_satisfaction`: 新城二村's 63.3 % (above) and 新城一村's 100 % → 81.7 %; the latest
    quarter with a closed survey is taken; each figure is the compound's `satisfaction_with`."""
    from gongzhi.surveys.models import Survey
    from gongzhi.surveys.results import place_satisfaction

    office = world.users["office"]
    _closed_in(world, world.c1, office, world.town, ("satisfied", "very_satisfied"))
    _closed_in(world, world.c3, office, world.town, ("dissatisfied", "dissatisfied"), quarter="2026Q3")
    place = place_satisfaction(Survey.objects.filter(town=world.town))
    assert (place.quarter, place.surveys, place.partial, place.definition) == ("2026Q4", 2, 1, "r12345")
    party_org = next(p for p in place.parties if p.party_kind == "party_org")
    expected = [satisfaction_with("party_org", c.pk, "2026Q4") for c in (world.c2, world.c1)]
    assert party_org.figures == tuple(expected)  # lowest first
    assert party_org.value == pytest.approx((1.9 / 3 + 1.0) / 2) and party_org.percent == 81.7
    assert place_satisfaction(Survey.objects.filter(town=world.town), "2026Q3").parties[0].percent == 0.0
    # c1's questionnaire asks about the party organisation only: the company's mean is c2's alone
    company = next(p for p in place.parties if p.party_kind == "property_company")
    assert [f.survey.compound for f in company.figures] == [world.c2]


def test_no_mean_over_towns_that_define_satisfaction_differently(world, closed):
    from gongzhi.surveys.models import Survey, SurveySettings
    from gongzhi.surveys.results import place_satisfaction

    outsider = world.users["outsider"]
    _closed_in(world, world.c4, outsider, world.other, ("satisfied", "satisfied"))
    assert place_satisfaction(Survey.objects.all()).parties[0].percent == pytest.approx(81.7)  # both 12345 style
    settings = SurveySettings.for_town(world.other.pk)
    services.save_settings(actor=outsider, town=world.other, definition="strict", expected_version=settings.version)
    place = place_satisfaction(Survey.objects.all())
    assert place.definition == "" and place.label == ""
    party_org = place.parties[0]
    assert party_org.value is None and len(party_org.figures) == 2  # listed, not averaged
    assert place_satisfaction(Survey.objects.none()).quarter is None
