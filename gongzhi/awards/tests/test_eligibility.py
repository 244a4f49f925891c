"""Who an award can go to and why not (gongzhi.awards.eligibility; docs/metrics.md "Awards"), on
hand-built assessments, credit records and letters, with the expected figures written out."""

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from gongzhi.awards import eligibility, services
from gongzhi.awards.models import AwardSettings, Candidate
from gongzhi.credit.models import CreditSettings
from gongzhi.credit.tests.factories import by_hand, name_manager
from gongzhi.warning_letters.models import Letter, Measure
from gongzhi.warning_letters.tests.factories import sent

from .factories import TODAY, candidate, company_year, open_round, published, stewards_year

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(TODAY)]


def codes(c: Candidate) -> list[str]:
    return [e[0] for e in c.exclusions]


def shown(c: Candidate) -> list[tuple]:
    return c.exclusion_list


def test_good_steward_on_the_years_annual_assessments(world):
    stewards_year(world, po1="92.0", po2="80.0", rc1="88.0", rc2="95.0")
    r = open_round(world, "good_steward")
    assert r.reference_date == date(2027, 1, 20)  # credit and letters as of the check
    po1 = candidate(r, organization=world.orgs["po1"])
    assert (po1.group, po1.figure, po1.assessed, po1.eligible) == ("party_org", D("92.0"), 1, True)
    assert po1.records[0][1].startswith("/assessments/a/")
    po2 = candidate(r, organization=world.orgs["po2"])  # 80.0 < 85 (the default minimum)
    assert shown(po2) == [("below_score", "The year's assessment figure 80.0 is below the minimum 85.", "")]
    assert candidate(r, organization=world.orgs["rc2"]).figure == D("95.0")
    # only the neighborhood organisations are candidates
    assert sorted(r.candidates.values_list("organization__code", flat=True)) == ["po1", "po2", "rc1", "rc2"]


def test_a_failed_or_missing_annual_assessment_excludes(world):
    published(
        world, "party_org", "2026", {("po1", None): ("58.0", "不合格", True), ("po2", None): ("90.0", "优秀", False)}
    )
    r = open_round(world, "good_steward")
    po1 = candidate(r, organization=world.orgs["po1"])
    assert codes(po1) == ["failed", "below_score"]
    assert shown(po1)[0][1] == "Failed the 2026 assessment (58.0, 不合格)."
    assert shown(po1)[0][2].startswith("/assessments/a/")  # the drill-down to the record
    rc1 = candidate(r, organization=world.orgs["rc1"])  # no residents' committee cycle published
    assert (rc1.figure, shown(rc1)) == (None, [("not_assessed", "No published annual assessment of the year.", "")])


def test_a_2025_assessment_does_not_count_for_2026(world, clock):
    clock.move_to("2026-01-20 10:00")
    published(world, "party_org", "2025", {("po1", None): ("99.0", "优秀", False)})
    clock.move_to(TODAY)
    r = open_round(world, "good_steward")
    assert codes(candidate(r, organization=world.orgs["po1"])) == ["not_assessed"]


def test_good_manager_mean_of_the_quarters_for_company_and_manager(world):
    manager = name_manager(world)  # the manager of 新城一村 (c1)
    company_year(world, q3=("96.0", "90.0"), q4=("94.0", "92.0", "98.0"))
    r = open_round(world, "good_manager")
    pc = candidate(r, organization=world.orgs["pc"])
    # (96 + 90 + 94 + 92 + 98) ÷ 5 = 94.0 over five assessments (contract × quarter)
    assert (pc.figure, pc.assessed, pc.eligible) == (D("94.0"), 5, True)
    assert set(pc.compounds.values_list("code", flat=True)) == {world.c1.code, world.c2.code, world.c3.code}
    # the company's credit: basic 80 + 2 × 5 good records of the top band (优秀) = 90 → AAA
    assert pc.credit_text == "AAA (90)"
    m = candidate(r, person=manager)
    # c1 only: (96 + 94) ÷ 2 = 95.0
    assert (m.group, m.figure, m.assessed, m.company, m.eligible) == ("manager", D("95.0"), 2, world.orgs["pc"], True)
    assert m.name == f"{manager.name}（申江物业）"


def test_a_failing_quarter_excludes_the_company_and_the_manager_of_that_compound(world):
    manager = name_manager(world)
    company_year(world, fails={("2026Q3", world.c1.code)})
    r = open_round(world, "good_manager")
    assert codes(candidate(r, organization=world.orgs["pc"])) == ["failed"]
    assert codes(candidate(r, person=manager)) == ["failed"]


def test_credit_grade_c_and_the_blacklist_exclude(world):
    manager = name_manager(world)
    company_year(world)
    # 80 + 10 (five top-band records) − 35 = 55 → C
    by_hand(world, points=35)
    by_hand(world, kind="serious", points=20, manager=manager, compound=world.c1)
    r = open_round(world, "good_manager")
    pc = candidate(r, organization=world.orgs["pc"])
    assert pc.credit_text == "C (55)"
    assert shown(pc) == [
        ("grade_c", "Credit grade C on the reference day.", f"/credit/companies/{world.orgs['pc'].uid}/")
    ]
    assert codes(candidate(r, person=manager)) == ["blacklisted"]


def test_the_watch_list_excludes_in_the_points_mode(world):
    CreditSettings.objects.create(town=world.town, mode="points")
    company_year(world)
    by_hand(world, points=6)  # watch list from 6 points
    r = open_round(world, "good_manager")
    pc = candidate(r, organization=world.orgs["pc"])
    assert pc.credit_text == "6 points"
    assert shown(pc)[0][:2] == ("watch", "On the credit watch list on the reference day.")


def test_a_measures_letter_taking_award_eligibility_excludes(world, clock):
    manager = name_manager(world)
    company_year(world)
    clock.move_to("2026-11-02 10:00")
    letter = sent(world, level="measures", measures=[Measure.ELIGIBILITY], compound=world.c1)
    sent(world, level="measures", measures=[Measure.TALK], compound=world.c2)  # a summons talk only
    clock.move_to(TODAY)
    r = open_round(world, "good_manager")
    pc = candidate(r, organization=world.orgs["pc"])
    assert shown(pc) == [
        (
            "measures",
            f"Warning letter {letter.number_label}: loss of award eligibility.",
            f"/warnings/letters/{letter.uid}/",
        )
    ]
    assert codes(candidate(r, person=manager)) == ["measures"]  # the letter is about the manager's 新城一村
    assert Letter.objects.count() == 2


def test_the_standard_check(world):
    company_year(world, q3=("96.0", "90.0"), q4=("94.0", "92.0", "98.0"))
    r = open_round(world, "excellent_company")
    pc = candidate(r, organization=world.orgs["pc"])
    assert (pc.figure, pc.eligible, pc.proposed, pc.rank) == (D("94.0"), True, True, 1)  # ≥ 90, 2 quarters, AAA
    assert r.places is None and not r.candidates.filter(group="manager").exists()


def test_the_standard_check_asks_for_quarters_score_and_grade(world):
    AwardSettings.objects.create(
        town=world.town, excellent_min_quarters=3, excellent_min_score=95, excellent_min_grade="AAA"
    )
    company_year(world)
    by_hand(world, points=5)  # 80 + 10 − 5 = 85: AAA still
    by_hand(world, points=1)  # 84 → AA
    r = open_round(world, "excellent_company")
    pc = candidate(r, organization=world.orgs["pc"])
    assert shown(pc) == [
        ("below_score", "The year's assessment figure 94.0 is below the minimum 95.", ""),
        ("few_quarters", "2 quarters assessed in the year; the standard asks for 3.", ""),
        ("below_grade", "Credit grade AA is below the standard's AAA.", f"/credit/companies/{world.orgs['pc'].uid}/"),
    ]


def test_checked_again_later_credit_and_letters_are_read_that_day(world, clock):
    company_year(world)
    r = open_round(world, "good_manager")
    assert candidate(r, organization=world.orgs["pc"]).eligible
    clock.move_to("2027-02-01 10:00")
    by_hand(world, kind="serious", points=20)  # blacklisted from today
    r = services.refresh(actor=world.users["office"], round_=r, version=r.version)
    assert r.reference_date == date(2027, 2, 1)
    assert codes(candidate(r, organization=world.orgs["pc"])) == ["blacklisted"]


def c(group, figure, *, eligible=True, nominated=True):
    return SimpleNamespace(group=group, figure=D(figure) if figure else None, eligible=eligible, nominated=nominated)


def test_ranking_like_with_like_and_the_places():
    rows = [
        c("party_org", "95.0"),
        c("party_org", "90.0"),
        c("party_org", "90.0"),  # tied at the last place: proposed too
        c("party_org", "89.0"),
        c("party_org", "99.0", nominated=False),  # not nominated: not ranked
        c("party_org", "98.0", eligible=False),  # not eligible: not ranked
        c("residents_committee", "70.0"),  # its own group: first there
    ]
    eligibility.rank(rows, places=2, standard=False)
    assert [(x.rank, x.proposed) for x in rows] == [
        (1, True),
        (2, True),
        (2, True),
        (4, False),
        (None, False),
        (None, False),
        (1, True),
    ]
    eligibility.rank(rows, places=None, standard=True)  # the standard check: every eligible one
    assert [x.proposed for x in rows] == [True, True, True, True, True, False, True]


def test_the_words_follow_the_readers_language(world):
    """Exclusions are stored as rules with their numbers; each reader sees them in their language."""
    from django.utils import translation

    stewards_year(world, po2="80.0")
    po2 = candidate(open_round(world, "good_steward"), organization=world.orgs["po2"])
    assert po2.exclusions == [["below_score", {"figure": "80.0", "minimum": "85"}, ""]]
    with translation.override("zh-hans"):
        assert shown(po2)[0][1] == "年度考核得分80.0低于最低要求85。"
