"""Test helpers of the surveys: buildings full of units, a published questionnaire, a drawn and
opened survey, all made through the services."""

from __future__ import annotations

from decimal import Decimal

from gongzhi.places.models import Building, Unit
from gongzhi.surveys import services
from gongzhi.surveys.models import PARTIES, Questionnaire, Scale, Survey


def fill(compound, buildings: dict[str, int]) -> list[Building]:
    """Add buildings with the given numbers of units to the compound (units 0101, 0102, …)."""
    made = []
    for number, size in buildings.items():
        building = Building.objects.create(town=compound.town, compound=compound, number=number)
        Unit.objects.bulk_create(
            Unit(town=compound.town, compound=compound, building=building, number=f"{i + 1:04d}", area=Decimal("80"))
            for i in range(size)
        )
        made.append(building)
    return made


def questionnaire(office, town, *, scale=Scale.FIVE, services_=("保洁", "安保")) -> Questionnaire:
    q = services.create_questionnaire(
        actor=office, town=town, name="小区满意度测评", scale=scale, parties=PARTIES, services=services_
    )
    return services.publish_questionnaire(actor=office, questionnaire=q, expected_version=q.version)


def open_survey(
    world, compound=None, *, quarter="2026Q4", seed="2026Q4-test", floor=30, scale=Scale.FIVE, **kw
) -> Survey:
    office = world.users["office"]
    compound = compound or world.c3
    q = questionnaire(office, world.town, scale=scale)
    survey = services.create_survey(
        actor=office, compound=compound, quarter=quarter, questionnaire=q, seed=seed, floor=floor, **kw
    )
    survey = services.draw_sample(actor=office, survey=survey)
    return services.open_survey(actor=office, survey=survey, expected_version=survey.version)


def all_answers(survey: Survey, level="satisfied") -> dict:
    return {q["key"]: level for q in survey.questionnaire.questions}
