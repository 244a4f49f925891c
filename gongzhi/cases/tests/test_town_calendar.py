"""A case's deadlines follow its town's working-day calendar: the national schedule, with the
town's own exceptions winning there (core.workdays; issue 11, finding 7)."""

from datetime import date

import pytest

from gongzhi.core import services as calendar

pytestmark = pytest.mark.frozen("2026-11-26 10:00")  # a Thursday

FRI = date(2026, 11, 27)
MON = date(2026, 11, 30)


@pytest.fixture
def in_both_towns(world, submit, categories):
    """in_both_towns() → (a case in 浦江镇, the same case in 梅陇镇), submitted now."""
    from gongzhi.cases.models import Category
    from gongzhi.orgs.models import Organization
    from gongzhi.testing import OrganizationFactory

    # 梅陇's neighborhood gets a residents' committee to take its cases.
    OrganizationFactory(town=world.other, kind=Organization.Kind.RESIDENTS_COMMITTEE, neighborhood=world.n3)

    def make():
        here = submit()
        there = submit(compound=world.c4, category=Category.objects.get(town=world.other, code="REPAIR"))
        assert (here.town, there.town) == (world.town, world.other)
        return here, there

    return make


def test_a_town_holiday_moves_the_towns_deadlines_only(world, in_both_towns):
    calendar.set_calendar_days(
        actor=world.users["office"], town=world.town, start=FRI, end=FRI, kind="holiday", name="台风停工"
    )
    here, there = in_both_towns()
    assert (here.accept_due, there.accept_due) == (MON, FRI)
    assert here.resolve_due > there.resolve_due


def test_a_national_holiday_moves_the_deadlines_of_every_town(world, in_both_towns):
    calendar.set_calendar_days(actor=world.users["admin"], start=FRI, end=FRI, kind="holiday", name="test")
    here, there = in_both_towns()
    assert (here.accept_due, there.accept_due) == (MON, MON)


def test_a_towns_working_day_on_a_national_holiday_wins_in_that_town(world, in_both_towns):
    calendar.set_calendar_days(actor=world.users["admin"], start=FRI, end=FRI, kind="holiday", name="test")
    calendar.set_calendar_days(
        actor=world.users["office"], town=world.town, start=FRI, end=FRI, kind="workday", name="本镇上班"
    )
    here, there = in_both_towns()
    assert (here.accept_due, there.accept_due) == (FRI, MON)
