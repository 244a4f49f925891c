"""Set-up for the evaluations' tests: a quarter opened in the personas' town through the service,
and the parts of it the tests need."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from gongzhi.evaluations import services
from gongzhi.evaluations.models import NeighborhoodEvaluation, ParticipantCategory, QuarterlyEvaluation


def open_quarter(world, *, due: date | None = None, year: int | None = None, quarter: int = 4) -> QuarterlyEvaluation:
    today = timezone.localdate()
    return services.open_quarter(
        actor=world.users["office"],
        town=world.town,
        year=year or today.year,
        quarter=quarter,
        reports_due=due or today + timedelta(days=14),
    )


def part_of(evaluation: QuarterlyEvaluation, neighborhood) -> NeighborhoodEvaluation:
    return NeighborhoodEvaluation.objects.get(evaluation=evaluation, neighborhood=neighborhood)


PARTICIPANTS = [
    ("王社工", ParticipantCategory.RC_CADRE, None),
    ("李业主", ParticipantCategory.OWNER_REP, None),
    ("张经理", ParticipantCategory.PROPERTY_REP, None),
    ("陈代表", ParticipantCategory.CONGRESS_DELEGATE, None),
]


def record_forum(world, part, *, actor="office"):
    return services.record_forum(
        actor=world.users[actor],
        part=part,
        held_on=timezone.localdate(),
        place="居委会会议室",
        participants=PARTICIPANTS,
    )
