"""The surveys' services: the draw from the recorded seed, the workflow, answers by every channel
and the bad input of issue 12 (a second answer, a reused link, a unit outside the sample, a closed
survey, a concurrent double submit), substitutions by the recorded rule, and who may do what."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.core.models import AuditEntry
from gongzhi.orgs.models import Residency
from gongzhi.surveys import sampling, services
from gongzhi.surveys.models import AnswerLink, Questionnaire, Response, SampledUnit, Survey
from gongzhi.surveys.workflow import SURVEY_WORKFLOW, SurveyAction, SurveyState
from gongzhi.testing import MembershipFactory

from .factories import all_answers, fill, open_survey, questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def big(world):
    """世博家园 (c3, covered by inspection group g1) with 1 + 60 + 30 units and no confirmed residents."""
    fill(world.c3, {"2号楼": 60, "3号楼": 30})
    return world


def pending(survey):
    return list(survey.units.filter(status=SampledUnit.Status.PENDING).order_by("stratum__number", "order"))


def test_the_draw_follows_the_sampling_functions(big):
    survey = open_survey(big)
    assert survey.frame_source == Survey.FrameSource.ALL_UNITS
    assert survey.frame_size == 92
    assert survey.target == sampling.sample_size(92) == 75
    counts = {}
    for row in pending(survey):
        counts[row.stratum.number] = counts.get(row.stratum.number, 0) + 1
    assert counts == {"1号楼": 2, "2号楼": 49, "3号楼": 24}  # allocate({2, 60, 30}, 75)
    assert sum(counts.values()) == 75
    assert survey.units.count() == 92  # the reserve list is recorded too
    assert AnswerLink.objects.filter(sampled__survey=survey).count() == 75
    # Anyone re-runs it: the building's units sorted by code, shuffled by "seed:building code".
    b2 = survey.units.filter(stratum__number="2号楼").first().stratum
    expected = sampling.shuffled([u.uid for u in b2.units.all()], seed=survey.seed, stratum=b2.uid)[:49]
    assert [r.unit.uid for r in pending(survey) if r.stratum_id == b2.pk] == expected


def test_a_second_draw_gives_the_same_rows_and_the_same_seed_the_same_units(big):
    office = big.users["office"]
    survey = open_survey(big)
    before = list(survey.units.values_list("unit_id", "status", "order"))
    with pytest.raises(ValidationError):
        services.open_survey(actor=office, survey=survey, expected_version=survey.version)
    survey.refresh_from_db()
    services.draw_sample(actor=office, survey=survey)  # idempotent
    assert list(survey.units.values_list("unit_id", "status", "order")) == before
    again = services.create_survey(
        actor=office, compound=big.c3, quarter="2027Q1", questionnaire=survey.questionnaire, seed=survey.seed
    )
    again = services.draw_sample(actor=office, survey=again)
    assert set(again.units.filter(status="pending").values_list("unit_id", flat=True)) == set(
        survey.units.filter(status="pending").values_list("unit_id", flat=True)
    )


def test_the_frame_is_the_occupied_units_when_residents_are_recorded(world):
    """Four of 新城一村's five units have a confirmed resident (80 %, FRAME_MIN_COVERAGE): they are the
    frame, the fifth is not."""
    office = world.users["office"]
    (building,) = fill(world.c1, {"2号楼": 3})
    for unit in building.units.all():
        Residency.objects.create(
            town=world.town,
            person=world.people["resident"],
            unit=unit,
            relation=Residency.Relation.OWNER,
            status=Residency.Status.VERIFIED,
            source=Residency.Source.STAFF,
        )
    q = questionnaire(office, world.town)
    survey = services.create_survey(actor=office, compound=world.c1, quarter="2026Q4", questionnaire=q)
    survey = services.draw_sample(actor=office, survey=survey)
    assert survey.frame_source == Survey.FrameSource.RESIDENCY
    assert survey.frame_size == 4 and survey.target == 4  # everyone in a very small frame
    assert world.unit(world.c1) in {row.unit for row in survey.units.all()}


def test_a_register_covering_few_units_is_not_the_frame(world):
    """One confirmed resident among twelve units (under FRAME_MIN_COVERAGE): every unit is the frame."""
    fill(world.c1, {"9号楼": 10})
    office = world.users["office"]
    q = questionnaire(office, world.town)
    survey = services.create_survey(actor=office, compound=world.c1, quarter="2026Q4", questionnaire=q)
    survey = services.draw_sample(actor=office, survey=survey)
    assert survey.frame_source == Survey.FrameSource.ALL_UNITS
    assert survey.frame_size == 12


def test_every_survey_transition(big):
    """Each action from each state: allowed by the table, or refused with nothing written."""
    for action in SurveyAction:
        for state in SurveyState:
            assert SURVEY_WORKFLOW.allows(action, state) == (
                (action in (SurveyAction.DRAW, SurveyAction.OPEN) and state == SurveyState.DRAFT)
                or (action not in (SurveyAction.DRAW, SurveyAction.OPEN) and state == SurveyState.OPEN)
            )
    office = big.users["office"]
    q = questionnaire(office, big.town)
    draft = services.create_survey(actor=office, compound=big.c3, quarter="2026Q3", questionnaire=q)
    with pytest.raises(ValidationError, match="Draw the sample"):
        services.open_survey(actor=office, survey=draft, expected_version=draft.version)
    with pytest.raises(ValidationError, match="Only an open survey"):
        services.close_survey(actor=office, survey=draft, expected_version=draft.version)
    draft = services.draw_sample(actor=office, survey=draft)
    unit = pending(draft)[0]
    with pytest.raises(ValidationError, match="closed"):
        services.record_answer(actor=office, survey=draft, unit=unit.unit, channel="door", answers=all_answers(draft))
    opened = services.open_survey(actor=office, survey=draft, expected_version=draft.version)
    closed = services.close_survey(actor=office, survey=opened, expected_version=opened.version)
    assert closed.state == SurveyState.CLOSED and closed.closed_early
    with pytest.raises(ValidationError):
        services.open_survey(actor=office, survey=closed, expected_version=closed.version)
    with pytest.raises(ValidationError, match="not open"):
        services.substitute(actor=office, sampled=unit, reason="refused")
    assert not Response.objects.exists()


def test_a_surveyor_records_an_answer_once(big):
    survey = open_survey(big)
    inspector = big.users["inspector"]
    row = pending(survey)[0]
    response = services.record_answer(
        actor=inspector, survey=survey, unit=row.unit, channel="door", answers=all_answers(survey), comment="电梯常坏"
    )
    assert response.surveyor == inspector and response.channel == "door"
    row.refresh_from_db()
    assert row.status == SampledUnit.Status.ANSWERED
    with pytest.raises(ValidationError, match="answered this survey already"):
        services.record_answer(
            actor=inspector, survey=survey, unit=row.unit, channel="telephone", answers=all_answers(survey)
        )
    assert Response.objects.count() == 1
    assert AuditEntry.objects.filter(action="surveys.response.create").count() == 1


def test_incomplete_answers_and_units_outside_the_sample_are_refused(big):
    survey = open_survey(big)
    office = big.users["office"]
    row = pending(survey)[0]
    answers = all_answers(survey)
    answers.pop("property_company")
    with pytest.raises(ValidationError, match="Answer every question"):
        services.record_answer(actor=office, survey=survey, unit=row.unit, channel="door", answers=answers)
    with pytest.raises(ValidationError, match="Answer every question"):
        services.record_answer(
            actor=office, survey=survey, unit=row.unit, channel="door", answers=all_answers(survey, "great")
        )
    reserve = survey.units.filter(status=SampledUnit.Status.RESERVE).first()
    with pytest.raises(ValidationError, match="not in the survey's sample"):
        services.record_answer(
            actor=office, survey=survey, unit=reserve.unit, channel="door", answers=all_answers(survey)
        )
    with pytest.raises(ValidationError, match="not in the survey's sample"):
        services.record_answer(
            actor=office, survey=survey, unit=big.unit(big.c1), channel="door", answers=all_answers(survey)
        )
    assert not Response.objects.exists()


def test_a_concurrent_double_submit_writes_one_answer(big):
    survey = open_survey(big)
    row = pending(survey)[0]
    # The other submit won between our check and our insert: the unique constraint decides.
    Response.objects.create(survey=survey, sampled=row, unit=row.unit, channel="link", answers=all_answers(survey))
    with mock.patch.object(services, "_has_answer", return_value=False):
        with pytest.raises(ValidationError, match="answered this survey already"):
            services.record_answer(
                actor=big.users["office"], survey=survey, unit=row.unit, channel="door", answers=all_answers(survey)
            )
    assert Response.objects.count() == 1


def test_the_link_answers_once(big):
    survey = open_survey(big)
    row = pending(survey)[0]
    token = services.link_token(row)
    assert len(token) == 22  # 128 bits
    assert not AnswerLink.objects.filter(token_hash=token).exists()  # only the hash is stored
    assert services.sampled_for_token(token) == row
    response = services.answer_by_link(token=token, answers=all_answers(survey, "basic"))
    assert response.channel == "link" and response.surveyor is None
    with pytest.raises(ValidationError, match="used already"):
        services.answer_by_link(token=token, answers=all_answers(survey))
    with pytest.raises(ValidationError, match="not valid"):
        services.answer_by_link(token=token[:-1] + "x", answers=all_answers(survey))
    assert Response.objects.count() == 1


def test_a_link_of_a_closed_survey_writes_nothing(big):
    survey = open_survey(big)
    row = pending(survey)[0]
    services.close_survey(actor=big.users["office"], survey=survey, expected_version=survey.version)
    with pytest.raises(ValidationError, match="closed"):
        services.answer_by_link(token=services.link_token(row), answers=all_answers(survey))
    assert not Response.objects.exists()
    assert AnswerLink.objects.get(sampled=row).used_at is None


def test_substitution_takes_the_next_reserve_unit_of_the_building(big):
    survey = open_survey(big)
    inspector = big.users["inspector"]
    row = [r for r in pending(survey) if r.stratum.number == "3号楼"][0]
    first_reserve = survey.units.filter(stratum=row.stratum, status="reserve").order_by("order").first()
    substitute = services.substitute(actor=inspector, sampled=row, reason="refused", note="敲门三次不应")
    assert substitute == first_reserve
    assert substitute.status == SampledUnit.Status.PENDING and substitute.substitute_for == row
    row.refresh_from_db()
    assert row.status == SampledUnit.Status.REPLACED and row.reason == "refused"
    assert AnswerLink.objects.filter(sampled=substitute).exists()
    entry = AuditEntry.objects.get(action="surveys.sampledunit.substitute")
    assert entry.after["reason"] == "refused" and entry.after["substitute"] == f"{substitute.stratum} {substitute.unit}"
    with pytest.raises(ValidationError, match="can be replaced"):
        services.substitute(actor=inspector, sampled=row, reason="refused")
    # 1号楼 has 2 units, both sampled: no reserve left.
    small = [r for r in pending(survey) if r.stratum.number == "1号楼"][0]
    with pytest.raises(ValidationError, match="reserve list is used up"):
        services.substitute(actor=inspector, sampled=small, reason="vacant")


def test_a_nonresponse_is_recorded_without_substitution(big):
    survey = open_survey(big)
    row = [r for r in pending(survey) if r.stratum.number == "2号楼"][0]
    services.record_nonresponse(actor=big.users["inspector"], sampled=row, reason="unreachable")
    row.refresh_from_db()
    assert row.status == SampledUnit.Status.UNREACHABLE
    assert services.substitute(actor=big.users["inspector"], sampled=row, reason="unreachable").status == "pending"


def test_the_measured_cannot_conduct_and_groups_stay_in_their_coverage(big):
    survey = open_survey(big)
    row = pending(survey)[0]
    answers = all_answers(survey)
    # The inspector also sits on 世博's residents' committee, which the survey measures.
    membership = MembershipFactory(person=big.people["inspector"], organization=big.orgs["rc2"], title="兼职委员")
    with pytest.raises(PermissionDenied, match="four parties"):
        services.record_answer(
            actor=big.users["inspector"], survey=survey, unit=row.unit, channel="door", answers=answers
        )
    membership.delete()
    for persona in ("party_secretary", "property_manager", "oc_member", "cross_appointed", "outsider", "leader"):
        with pytest.raises(PermissionDenied):
            services.record_answer(
                actor=big.users[persona], survey=survey, unit=row.unit, channel="door", answers=answers
            )
    # Group g1 covers 世博, not 新城: the survey of 新城一村 is not theirs.
    office = big.users["office"]
    other = services.create_survey(actor=office, compound=big.c1, quarter="2026Q4", questionnaire=survey.questionnaire)
    with pytest.raises(PermissionDenied):
        services.draw_sample(actor=big.users["inspector"], survey=other)
    with pytest.raises(PermissionDenied):
        services.create_survey(
            actor=big.users["inspector"], compound=big.c3, quarter="2027Q1", questionnaire=survey.questionnaire
        )
    assert not Response.objects.exists()


def test_a_published_questionnaire_is_frozen_and_editing_makes_a_new_version(world):
    office = world.users["office"]
    q = questionnaire(office, world.town)
    draft = services.update_questionnaire(
        actor=office, questionnaire=q, expected_version=q.version, name="满意度测评（修订）", scale=3,
        parties=["property_company"], services=["停车"],
    )  # fmt: skip
    q.refresh_from_db()
    assert q.state == Questionnaire.State.PUBLISHED and q.scale == 5 and q.name == "小区满意度测评"
    assert (draft.series, draft.number, draft.state) == (q.series, 2, Questionnaire.State.DRAFT)
    assert [x["key"] for x in draft.questions] == ["property_company", "service_1"]
    with pytest.raises(ValidationError, match="draft of the next version"):
        services.update_questionnaire(
            actor=office,
            questionnaire=q,
            expected_version=q.version,
            name="x",
            scale=5,
            parties=["party_org"],
            services=[],
        )
    with pytest.raises(ValidationError, match="at least one"):
        services.create_questionnaire(actor=office, town=world.town, name="空", scale=5, parties=[], services=[" "])
    with pytest.raises(PermissionDenied):
        services.create_questionnaire(
            actor=world.users["inspector"], town=world.town, name="x", scale=5, parties=["party_org"], services=[]
        )


def test_bad_survey_settings_are_refused(world):
    office = world.users["office"]
    q = questionnaire(office, world.town)
    with pytest.raises(ValidationError) as error:
        services.create_survey(actor=office, compound=world.c1, quarter="2026-4", questionnaire=q, margin=0.5)
    assert set(error.value.message_dict) == {"quarter", "margin"}
    services.create_survey(actor=office, compound=world.c1, quarter="2026q4", questionnaire=q)
    with pytest.raises(ValidationError, match="already"):
        services.create_survey(actor=office, compound=world.c1, quarter="2026Q4", questionnaire=q)
