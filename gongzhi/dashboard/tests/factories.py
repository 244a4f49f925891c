"""The dashboard's test data on the shared `world` (the panels' tests and the browser test): hand-
built counters for the ranking, and small closed surveys for the satisfaction panel."""

from __future__ import annotations

from datetime import date

from gongzhi.cases.models import CaseStats
from gongzhi.surveys import services as surveys
from gongzhi.surveys.tests.factories import all_answers, open_survey
from gongzhi.testing import CompoundFactory, NeighborhoodFactory

OCTOBER, DECEMBER = date(2026, 10, 1), date(2026, 12, 1)


def counted(world, compound, accepted: int, in_time: int, period=OCTOBER) -> None:
    """The counters of one compound's cases handled by 申江物业 in one assessment month."""
    CaseStats.objects.create(
        town=compound.town, neighborhood=compound.neighborhood, compound=compound, organization=world.orgs["pc"],
        period=period, accepted=accepted, handled_in_time=in_time,
    )  # fmt: skip


def ranked(world) -> dict:
    """October's 调处率 of ten neighborhoods of 浦江镇: 世博 10/10, 新城 9/10 (新城一村 5/5, 新城二村
    4/5), then seven more from 8/10 down to 2/10, and 少案 with 3 accepted cases (too few to rank,
    the town's minimum being 5). December is not finished: its 10/10 for 陆家嘴 is not ranked."""
    counted(world, world.c3, 10, 10)
    counted(world, world.c1, 5, 5)
    counted(world, world.c2, 5, 4)
    more = {}
    for code, (name, in_time) in enumerate(
        (("东明", 8), ("南码头", 7), ("塘桥", 6), ("花木", 5), ("洋泾", 4), ("潍坊", 3), ("陆家嘴", 2), ("少案", 1))
    ):
        neighborhood = NeighborhoodFactory(town=world.town, code=f"r{code}", name=name)
        compound = CompoundFactory(neighborhood=neighborhood, code=f"r{code}c", name=f"{name}小区")
        counted(world, compound, 3 if name == "少案" else 10, in_time)
        more[name] = neighborhood
    counted(world, CompoundFactory(neighborhood=more["陆家嘴"], code="ljz2", name="陆家嘴二村"), 10, 10, DECEMBER)
    return more


def answered(world, compound, quarter: str, levels: dict[str, tuple[str, str]], close=True):
    """A survey of the compound's two households (its whole frame) answering, per party, the two
    levels given (the other questions: satisfied), closed unless told otherwise."""
    office = world.users["office"]
    survey = open_survey(world, compound, quarter=quarter, seed=f"{compound.code}{quarter}")
    for i, row in enumerate(survey.units.filter(status="pending").order_by("stratum_id", "order")):
        answers = all_answers(survey, "satisfied") | {party: pair[i] for party, pair in levels.items()}
        surveys.record_answer(actor=office, survey=survey, unit=row.unit, channel="door", answers=answers)
    if close:
        survey = surveys.close_survey(actor=office, survey=survey, expected_version=survey.version)
    return survey


def surveyed(world):
    """2026Q4, closed, 12345 style (w = 0.9). Party organisation: 新城一村 满意 ×2 → 100 %, 新城二村
    满意 + 基本满意 → 95 %, 世博家园 不满意 + 基本满意 → 45 %. Owners' committee: 新城二村 answers
    不知道 twice (no valid answer: left out). 2026Q3 (older) does not count. Returns 世博家园's survey."""
    answered(world, world.c1, "2026Q4", {"party_org": ("satisfied", "satisfied")})
    answered(
        world, world.c2, "2026Q4",
        {"party_org": ("satisfied", "basic"), "owners_committee": ("dont_know", "dont_know")},
    )  # fmt: skip
    lowest = answered(world, world.c3, "2026Q4", {"party_org": ("dissatisfied", "basic")})
    answered(world, world.c3, "2026Q3", {"party_org": ("very_dissatisfied", "very_dissatisfied")})
    return lowest
