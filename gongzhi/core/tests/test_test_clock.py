"""The test suite's own clock and calendar fixtures (root conftest.py): a `frozen` test sees the
same Shanghai date from Django, Python and the personas it builds; `without_calendar_data` removes
a year from the holiday package whatever the package ships."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.core.workdays import deadline_after, is_working_day, year_has_data


@pytest.mark.frozen("2028-02-29 23:30")
def test_a_frozen_test_stands_still_in_shanghai(clock):
    assert timezone.now() == datetime(2028, 2, 29, 15, 30, tzinfo=UTC)
    assert timezone.localdate() == clock.today == date(2028, 2, 29)
    assert timezone.now() == datetime(2028, 2, 29, 15, 30, tzinfo=UTC)  # it does not tick
    clock.shift(hours=1)
    assert timezone.localdate() == date(2028, 3, 1)
    clock.move_to("2026-12-31")
    assert timezone.localtime().isoformat() == "2026-12-31T10:00:00+08:00"


@pytest.mark.frozen("2027-01-01 00:30")
def test_fixtures_are_built_at_the_frozen_time(world):
    entry = AuditEntry.objects.order_by("pk").first()
    assert entry is None or timezone.localtime(entry.created_at).date() == date(2027, 1, 1)
    assert timezone.localtime(world.users["office"].date_joined).date() == date(2027, 1, 1)


def test_without_calendar_data_leaves_weekends_alone(db, without_calendar_data):
    without_calendar_data(2026)
    assert not year_has_data(2026)
    assert is_working_day(date(2026, 10, 1))  # National Day, a Thursday: a working day without the data
    result = deadline_after(date(2026, 9, 30), 1)
    assert (result.date, result.provisional) == (date(2026, 10, 1), True)
