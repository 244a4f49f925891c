"""The figures of sources.py that had no test on data yet, each on hand-built records of the other
apps (through their services), pulled into a cycle and scored: the value, its count and
denominator, the records behind it and the points are written out, computed by hand. A record of
another period or of another subject is built next to the counted ones and must stay out.

- `surveys.satisfaction`: 新城一村's closed survey of 2026Q4 (the default property scheme);
- `meetings.compliance`: 新城's and 世博's monthly joint meetings of 2026 (the default party scheme);
- `meetings.report_rating` and `warnings.letters`: a property scheme made for the test;
- a figure with nothing to measure waits for the assessor's points and says so.

The contracted ContraryAction (an action contrary to a resolution, gongzhi.meetings) feeds no figure
of the assessments: it is a trigger of the warning letters only (`meetings.contrary`), so it reaches
an assessment through `warnings.letters` once a letter is sent, which is covered here."""

from datetime import date, datetime, time
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.assessments import schemes, services, sources
from gongzhi.assessments.models import Scheme
from gongzhi.meetings import services as meeting_services
from gongzhi.meetings.models import AnnualReport, Meeting, Minutes
from gongzhi.orgs.models import ServiceContract
from gongzhi.surveys import services as survey_services
from gongzhi.surveys.models import Scale
from gongzhi.surveys.tests.factories import all_answers, fill, open_survey
from gongzhi.warning_letters.tests.factories import draft, sent

from .factories import assessment_of, opened, seeded

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------------------


def custom_property_scheme(world, indicators: str) -> Scheme:
    """A new version of the town's property-service scheme with `indicators`, put in use."""
    office = world.users["office"]
    current = seeded(world)["property_service"]
    draft_ = services.new_version(actor=office, scheme=current)
    draft_ = services.edit_scheme(
        actor=office, scheme=draft_, version=draft_.version, name="物业服务季度考评（测试）", period_kind="quarter",
        total_weight=100, indicators=indicators, bands=schemes.PROPERTY_BANDS,
    )  # fmt: skip
    return services.put_in_use(actor=office, scheme=draft_, version=draft_.version)


def score_of(cycle, source: str, **where):
    return assessment_of(cycle, **where).scores.select_related("indicator").get(indicator__source=source)


def closed_survey(world, compound, quarter: str, levels: list[str], seed: str):
    """A 3-level survey of `compound` for `quarter`: households of a new 2号楼 (10 units) answer
    about the property company with `levels` (everything else 满意); closed (early)."""
    office = world.users["office"]
    if not compound.buildings.filter(number="2号楼").exists():
        fill(compound, {"2号楼": 10})
    survey = open_survey(world, compound, quarter=quarter, seed=seed, scale=Scale.THREE)
    rows = list(survey.units.filter(status="pending", stratum__number="2号楼").order_by("order"))[: len(levels)]
    assert len(rows) == len(levels)
    for row, level in zip(rows, levels, strict=True):
        answers = all_answers(survey, "satisfied")
        answers["property_company"] = level
        survey_services.record_answer(actor=office, survey=survey, unit=row.unit, channel="door", answers=answers)
    return survey_services.close_survey(actor=office, survey=survey, expected_version=survey.version)


def regular(neighborhood, year: int, month: int, kind: str = "regular") -> Meeting:
    starts_at = timezone.make_aware(datetime.combine(date(year, month, 10), time(14, 0)))
    with transaction.atomic():
        return meeting_services._create_meeting(
            actor=None, neighborhood=neighborhood, kind=kind, title=f"{neighborhood.name}{year}年{month}月联席会议",
            starts_at=starts_at,
        )  # fmt: skip


def hold(meeting: Meeting, chair, *, approve: bool = True) -> Meeting:
    """Open, everyone present, end; approve the drafted minutes unless told not to."""
    m = meeting_services.open_meeting(actor=chair, meeting=meeting, expected_version=meeting.version)
    m = meeting_services.record_attendance(
        actor=chair, meeting=m, marks={i.pk: ("present", "") for i in m.invitees.all()}, expected_version=m.version
    )
    m = meeting_services.end_meeting(actor=chair, meeting=m, expected_version=m.version)
    if approve:
        minutes = Minutes.objects.get(meeting=m)
        meeting_services.approve_minutes(actor=chair, minutes=minutes, expected_version=minutes.version)
    return m


# --- surveys.satisfaction --------------------------------------------------------------------------


@pytest.mark.frozen("2027-01-11 10:00")
def test_survey_satisfaction_of_the_compound_in_the_quarter(world):
    """申江物业 at 新城一村 (c1), 2026Q4: five households answer about the property company 满意 ×4 and
    不满意 ×1 → (4 + 0.9 × 0) ÷ 5 = 80 % (one building answering, equal weights). Default scheme:
    30 points, 0 at 60 %, all at 95 % → 30 × (80 − 60) ÷ 35 = 17.14 → 17.1 (docs/metrics.md's example).
    Left out: 新城一村's survey of 2026Q3 (all 满意: the mean would be 90 %), and 世博家园's survey
    of 2026Q4 (all 不满意), which is the c3 contract's own figure: 0 % → 0 points (clamped)."""
    q4 = closed_survey(world, world.c1, "2026Q4", ["satisfied"] * 4 + ["dissatisfied"], "c1-q4")
    closed_survey(world, world.c1, "2026Q3", ["satisfied"] * 5, "c1-q3")
    c3 = closed_survey(world, world.c3, "2026Q4", ["dissatisfied"] * 3, "c3-q4")

    cycle = opened(world, "property_service", "2026Q4")
    pc = world.orgs["pc"]
    assert cycle.assessments.count() == 3  # pc × c1, c2 (ended 2027-01-01) and c3 (from 2026-12-12)

    s = score_of(cycle, "surveys.satisfaction", organization=pc, compound=world.c1)
    assert (s.value, s.count, s.denominator, s.points) == (D("80.00"), 1, None, D("17.1"))
    assert s.records == [["新城一村 2026Q4 · 80.0% (n=5)", f"/surveys/{q4.uid}/results/"]]
    assert s.link == f"/surveys/{q4.uid}/results/"
    assert s.figure_text.startswith("1 closed surveys (12345 style (satisfied + 0.9 ×")
    assert s.figure_text.endswith("), plain mean")
    assert not s.by_hand and s.reason == ""

    other = score_of(cycle, "surveys.satisfaction", organization=pc, compound=world.c3)
    assert (other.value, other.count, other.points) == (D("0.00"), 1, D("0.0"))  # 0 % is measured, not missing
    assert other.records == [["世博家园 2026Q4 · 0.0% (n=3)", f"/surveys/{c3.uid}/results/"]]


@pytest.mark.frozen("2027-01-11 10:00")
def test_an_open_survey_is_not_counted(world):
    """An open survey's figure still moves: 新城一村's 2026Q4 survey with two 满意 answers, not
    closed → nothing to measure."""
    office = world.users["office"]
    fill(world.c1, {"2号楼": 10})
    survey = open_survey(world, world.c1, quarter="2026Q4", seed="open", scale=Scale.THREE)
    for row in survey.units.filter(status="pending", stratum__number="2号楼").order_by("order")[:2]:
        survey_services.record_answer(
            actor=office, survey=survey, unit=row.unit, channel="door", answers=all_answers(survey, "satisfied")
        )
    cycle = opened(world, "property_service", "2026Q4")
    s = score_of(cycle, "surveys.satisfaction", organization=world.orgs["pc"], compound=world.c1)
    assert (s.value, s.count, s.points, s.records) == (None, 0, None, [])
    assert s.figure_text == "No closed survey in the period."


# --- nothing to measure: by hand ---------------------------------------------------------------------


@pytest.mark.frozen("2027-01-11 10:00")
def test_a_figure_with_nothing_to_measure_is_left_to_the_assessor(world, clock):
    """新城二村 (c2) had no survey in 2026Q4: no value (not 0, not 100), no points until an assessor
    gives them with a reason; the page says "nothing to measure". Pulled again, the assessor's points
    stay. Once a closed survey exists (3 × 满意 → 100 % → all 30 points), a new pull takes the figure
    and drops the hand-given points and reason."""
    office = world.users["office"]
    cycle = opened(world, "property_service", "2026Q4")
    pc = world.orgs["pc"]
    s = score_of(cycle, "surveys.satisfaction", organization=pc, compound=world.c2)
    assert (s.value, s.count, s.denominator, s.points, s.records) == (None, 0, None, None, [])
    assert s.figure_text == "No closed survey in the period." and s.by_hand

    assessment = assessment_of(cycle, organization=pc, compound=world.c2)
    client = Client()
    client.force_login(office)
    page = client.get(reverse("assessments:assessment", args=[assessment.uid])).content.decode()
    assert "nothing to measure" in page and "No closed survey in the period." in page

    s = services.save_score(actor=office, score=s, version=s.version, points="20.5", reason="入户走访，住户反映良好")
    cycle.refresh_from_db()
    cycle = services.pull_figures(actor=office, cycle=cycle, version=cycle.version)
    s.refresh_from_db()
    assert (s.value, s.points, s.reason, s.scored_by) == (None, D("20.5"), "入户走访，住户反映良好", office)

    closed_survey(world, world.c2, "2026Q4", ["satisfied"] * 3, "c2-q4")
    cycle.refresh_from_db()
    services.pull_figures(actor=office, cycle=cycle, version=cycle.version)
    s.refresh_from_db()
    assert (s.value, s.count, s.points, s.reason, s.scored_by) == (D("100.00"), 1, D("30.0"), "", None)
    assert not s.by_hand


# --- meetings.compliance ---------------------------------------------------------------------------


@pytest.mark.frozen("2027-01-11 10:00")
def test_joint_meeting_compliance_of_the_neighborhood_in_the_year(world):
    """新城 (n1): the town's first monthly meeting in 2025-12 (held, approved: before the period);
    in 2026 January to September held with minutes approved (9), October ended without approved
    minutes, November cancelled, December none but an ad hoc meeting held (not a monthly one).
    → 新城党总支 (po1): 9 of 12 months = 75.00 % → 30 × (75 − 50) ÷ 50 = 15.0 points.
    世博 (n2): October to December held (3 of 12 = 25 %, below 50 % → 0.0) — not counted for 新城."""
    secretary, office = world.users["party_secretary"], world.users["office"]
    hold(regular(world.n1, 2025, 12), secretary)
    for month in range(1, 10):
        hold(regular(world.n1, 2026, month), secretary)
    hold(regular(world.n1, 2026, 10), secretary, approve=False)
    meeting_services.cancel_meeting(
        actor=secretary, meeting=(nov := regular(world.n1, 2026, 11)), reason="台风停会", expected_version=nov.version
    )
    hold(regular(world.n1, 2026, 12, kind="ad_hoc"), secretary)
    for month in (10, 11, 12):
        hold(regular(world.n2, 2026, month), office)

    cycle = opened(world, "party_org", "2026")
    s = score_of(cycle, "meetings.compliance", organization=world.orgs["po1"])
    assert (s.value, s.count, s.denominator, s.points) == (D("75.00"), 9, 12, D("15.0"))
    assert s.figure_text == (
        "9 of 12 months with the monthly joint meeting held and minutes approved · missed: 2026-10, 2026-11, 2026-12"
    )
    assert s.link == "/meetings/compliance/?year=2026" and s.records == []
    other = score_of(cycle, "meetings.compliance", organization=world.orgs["po2"])
    assert (other.value, other.count, other.denominator, other.points) == (D("25.00"), 3, 12, D("0.0"))
    assert other.figure_text.endswith(
        "missed: 2026-01, 2026-02, 2026-03, 2026-04, 2026-05, 2026-06, 2026-07, 2026-08, 2026-09"
    )


# --- meetings.report_rating and warnings.letters ------------------------------------------------------

MADE = """服务 | 物业服务综合 | 80 | manual
述职 | 年度述职评议 | 10 | formula meetings.report_rating 50 100
警示 | 收到警示函 | 10 | deductions warnings.letters 3 9"""


@pytest.mark.frozen("2026-11-27 10:00")
def test_the_annual_report_rating_of_the_contract(world, clock):
    """新城一村's report of 2026 (on the agenda of 新城's meeting of 2026-12-03), rated 满意, 基本满意 and
    不满意 → (1 + 0.9 × 1) ÷ 3 = 63.3 % → 10 × (63.3 − 50) ÷ 50 = 2.66 → 2.7 points. The contracts
    of 新城二村 and 世博家园 have no report: nothing to measure. A 2025 period does not see the 2026
    report."""
    secretary = world.users["party_secretary"]
    ServiceContract.objects.filter(compound=world.c1).update(manager=world.people["property_manager"])
    meeting = meeting_services.schedule_meeting(
        actor=secretary, neighborhood=world.n1, title="新城十二月联席会议",
        starts_at=timezone.make_aware(datetime(2026, 12, 3, 14, 0)), place="居委会",
    )  # fmt: skip
    report = AnnualReport.objects.get(compound=world.c1, year=2026)
    meeting_services.submit_annual_report(
        actor=world.users["property_manager"], report=report, expected_version=report.version, files=(),
        sections={"service": "全年保洁、绿化、安保按合同执行。", "management": "完成电梯年检。",
                  "rectification": "增设临时车位20个。", "other": ""},
    )  # fmt: skip
    meeting = Meeting.objects.get(items__annual_report=report)
    meeting_services.add_invitee(
        actor=secretary, meeting=meeting, name="社区民警", organization=world.orgs["police"], voting=False
    )
    meeting = meeting_services.open_meeting(actor=secretary, meeting=meeting, expected_version=meeting.version)
    meeting = meeting_services.record_attendance(
        actor=secretary, meeting=meeting, marks={i.pk: ("present", "") for i in meeting.invitees.all()},
        expected_version=meeting.version,
    )  # fmt: skip
    for actor, name, value in (
        (world.users["rc_worker"], "rc_worker人员", "satisfied"),
        (secretary, "oc_member人员", "basic"),
        (secretary, "社区民警", "unsatisfied"),
    ):
        meeting_services.rate_annual_report(
            actor=actor, report=report, invitee=meeting.invitees.get(name=name), rating=value, comment=""
        )
    custom_property_scheme(world, MADE)
    clock.move_to("2027-01-11 10:00")

    cycle = opened(world, "property_service", "2026Q4")
    pc = world.orgs["pc"]
    s = score_of(cycle, "meetings.report_rating", organization=pc, compound=world.c1)
    url = f"/meetings/annual-reports/{report.uid}/"
    assert (s.value, s.count, s.denominator, s.points) == (D("63.30"), 3, None, D("2.7"))
    assert s.figure_text == "annual report 2026: 3 ratings"
    assert (s.link, s.records) == (url, [["2026", url]])
    for compound in (world.c2, world.c3):
        other = score_of(cycle, "meetings.report_rating", organization=pc, compound=compound)
        assert (other.value, other.points, other.records) == (None, None, [])
        assert other.figure_text == "No annual report submitted."

    subject = services.subject_of(assessment_of(cycle, organization=pc, compound=world.c1))
    before = sources.get("meetings.report_rating").figure(subject, sources.period_of("quarter", "2025Q4"))
    assert (before.value, before.count, before.text) == (None, 0, "No annual report submitted.")


@pytest.mark.frozen("2026-09-21 10:00")
def test_warning_letters_received_are_deducted(world, clock):
    """申江物业 (pc): one letter sent in September (2026Q3: 〔2026〕第1号, left out), two sent in
    November (第2号, 第3号, about no compound), one drafted and never sent, one sent to 新城居委会
    (第4号, another organisation) and one about 世博家园 (第5号). 2026Q4: 新城一村's contract 2
    events → 10 − 3 × 2 = 4.0 points; 世博家园's contract 3 events (the letter about it too) →
    10 − 9 = 1.0. 2026Q3: 1 event → 7.0."""
    pc = world.orgs["pc"]
    september = sent(world, "pc")
    clock.move_to("2026-11-16 10:00")
    first, second = sent(world, "pc"), sent(world, "pc")
    draft(world, "pc")
    sent(world, "rc1")
    about_c3 = sent(world, "pc", compound=world.c3)
    assert [september.number, first.number, second.number, about_c3.number] == [1, 2, 3, 5]
    custom_property_scheme(world, MADE)
    clock.move_to("2027-01-11 10:00")

    cycle = opened(world, "property_service", "2026Q4")
    s = score_of(cycle, "warnings.letters", organization=pc, compound=world.c1)
    assert (s.value, s.count, s.denominator, s.points) == (D("2.00"), 2, None, D("4.0"))
    assert s.figure_text == "2 warning letters sent in the period"
    assert s.link == "/warnings/"
    assert s.records == [
        ["〔2026〕第2号 · Notice letter (提示函)", f"/warnings/letters/{first.uid}/"],
        ["〔2026〕第3号 · Notice letter (提示函)", f"/warnings/letters/{second.uid}/"],
    ]
    assert cycle.assessments.count() == 2  # c1 and c3 (the c2 contract ended 2026-09-11, before the quarter)
    c3 = score_of(cycle, "warnings.letters", organization=pc, compound=world.c3)
    assert (c3.count, c3.points) == (3, D("1.0"))
    assert c3.records[-1] == ["〔2026〕第5号 · Notice letter (提示函)", f"/warnings/letters/{about_c3.uid}/"]

    q3 = opened(world, "property_service", "2026Q3")
    s3 = score_of(q3, "warnings.letters", organization=pc, compound=world.c1)
    assert (s3.count, s3.points) == (1, D("7.0"))  # 10 − 3 × 1
    assert s3.records == [["〔2026〕第1号 · Notice letter (提示函)", f"/warnings/letters/{september.uid}/"]]


@pytest.mark.frozen("2026-11-16 10:00")
def test_warning_letters_deductions_stop_at_the_cap(world, clock):
    """Four letters in 2026Q4 → 3 × 4 = 12 to take off, capped at 9 → 10 − 9 = 1.0 point; none at all
    → 0 events, all 10 points (a count of nothing is measured: 0 letters is a real figure)."""
    for _i in range(4):
        sent(world, "pc")
    custom_property_scheme(world, MADE)
    clock.move_to("2027-01-11 10:00")
    cycle = opened(world, "property_service", "2026Q4")
    s = score_of(cycle, "warnings.letters", organization=world.orgs["pc"], compound=world.c1)
    assert (s.count, s.points) == (4, D("1.0"))
    q3 = opened(world, "property_service", "2026Q3")
    none = score_of(q3, "warnings.letters", organization=world.orgs["pc"], compound=world.c1)
    assert (none.value, none.count, none.points, none.records) == (D("0.00"), 0, D("10.0"), [])
