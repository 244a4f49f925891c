"""The monthly meeting falls on the town's N-th working day: its own exceptions count."""

from datetime import date

import pytest
from django.utils import timezone

from gongzhi.core import services as calendar
from gongzhi.meetings import services
from gongzhi.meetings.models import Meeting


@pytest.mark.frozen("2026-11-02 09:00")
def test_the_monthly_meeting_day_follows_the_towns_exceptions(world):
    sixth = services.nth_working_day(2026, 11, 6)  # 2026-11-09, a Monday
    assert sixth == date(2026, 11, 9)
    calendar.set_calendar_days(
        actor=world.users["office"], town=world.town, start=date(2026, 11, 3), end=date(2026, 11, 3), kind="holiday"
    )
    assert services.nth_working_day(2026, 11, 6, world.town.pk) == date(2026, 11, 10)
    assert services.nth_working_day(2026, 11, 6, world.other.pk) == sixth
    services.schedule_regular_meetings(date(2026, 11, 2))
    days = {timezone.localtime(m.starts_at).date() for m in Meeting.objects.filter(kind="regular", town=world.town)}
    assert days == {date(2026, 11, 10)}
