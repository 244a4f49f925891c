"""The working-day calendar against the State Council's 2026 schedule (国办发明电〔2025〕7号),
the Civil Code's counting rule, and a year (2027) with no official data."""

from datetime import date, timedelta

import pytest

from gongzhi.core import services
from gongzhi.core.models import CalendarDay
from gongzhi.core.workdays import add_working_days, deadline_after, is_working_day, year_has_data, years_missing_data

pytestmark = pytest.mark.django_db


def days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


HOLIDAYS_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3)),
    (date(2026, 2, 15), date(2026, 2, 23)),
    (date(2026, 4, 4), date(2026, 4, 6)),
    (date(2026, 5, 1), date(2026, 5, 5)),
    (date(2026, 6, 19), date(2026, 6, 21)),
    (date(2026, 9, 25), date(2026, 9, 27)),
    (date(2026, 10, 1), date(2026, 10, 7)),
]
MAKEUP_WORKDAYS_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


@pytest.mark.parametrize("day", [d for start, end in HOLIDAYS_2026 for d in days(start, end)], ids=str)
def test_every_2026_holiday_is_not_a_working_day(day):
    assert not is_working_day(day)


@pytest.mark.parametrize("day", MAKEUP_WORKDAYS_2026, ids=str)
def test_every_2026_makeup_day_is_a_working_day(day):
    assert day.weekday() >= 5
    assert is_working_day(day)


def test_ordinary_days():
    assert is_working_day(date(2026, 11, 27))  # a Friday
    assert not is_working_day(date(2026, 11, 28))  # a Saturday


def test_five_working_days_after_2026_09_24_is_2026_10_09():
    assert add_working_days(date(2026, 9, 24), 5) == date(2026, 10, 9)
    assert deadline_after(date(2026, 9, 24), 5).provisional is False


def test_start_day_is_not_counted_and_zero_is_the_start():
    assert add_working_days(date(2026, 11, 26), 1) == date(2026, 11, 27)
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # over the weekend
    assert add_working_days(date(2026, 11, 27), 0) == date(2026, 11, 27)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 27), -1)


def test_across_spring_festival_with_makeup_days():
    # 2026-02-13 (Fri) + 1 → 2026-02-14 (Sat, make-up working day); + 2 → 2026-02-24.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_2027_without_data_falls_back_to_weekends_and_is_provisional(db, without_calendar_data):
    without_calendar_data(2027)
    assert not year_has_data(2027)
    assert years_missing_data(date(2026, 11, 27)) == [2027]
    # 2027-01-01 is a Friday: without data it counts as a working day.
    assert is_working_day(date(2027, 1, 1))
    result = deadline_after(date(2026, 12, 30), 3)
    assert result.date == date(2027, 1, 4) and result.provisional
    # A deadline wholly in 2026 is not provisional.
    assert not deadline_after(date(2026, 12, 1), 3).provisional


def test_2027_with_national_entries(world, without_calendar_data):
    without_calendar_data(2027)
    admin = world.users["admin"]
    services.set_calendar_days(actor=admin, start=date(2027, 1, 1), end=date(2027, 1, 3), kind="holiday", name="元旦")
    services.set_calendar_days(actor=admin, start=date(2027, 1, 2), end=date(2027, 1, 2), kind="workday", name="调休")
    assert not is_working_day(date(2027, 1, 1))
    assert is_working_day(date(2027, 1, 2))  # the later entry replaced the holiday
    result = deadline_after(date(2026, 12, 31), 1)
    assert result.date == date(2027, 1, 2)
    assert result.provisional  # entered, but the year is not confirmed complete
    services.confirm_calendar_year(actor=admin, year=2027, source="国办发明电〔2026〕号")
    assert year_has_data(2027)
    assert not deadline_after(date(2026, 12, 31), 1).provisional
    assert years_missing_data(date(2026, 11, 27)) == []


def test_override_of_a_package_year(world):
    # The platform administrator can correct the built-in data.
    services.set_calendar_days(
        actor=world.users["admin"], start=date(2026, 12, 1), end=date(2026, 12, 1), kind="holiday", name="test"
    )
    assert not is_working_day(date(2026, 12, 1))


def test_confirming_a_year_needs_entries_and_a_source(world):
    from django.core.exceptions import ValidationError

    admin = world.users["admin"]
    with pytest.raises(ValidationError):
        services.confirm_calendar_year(actor=admin, year=2027, source="国办")
    # A town's own exceptions are not the national schedule: they do not make a year complete.
    services.set_calendar_days(
        actor=world.users["office"], town=world.town, start=date(2027, 2, 6), end=date(2027, 2, 6), kind="holiday"
    )
    with pytest.raises(ValidationError):
        services.confirm_calendar_year(actor=admin, year=2027, source="国办")
    services.set_calendar_days(actor=admin, start=date(2027, 2, 6), end=date(2027, 2, 12), kind="holiday", name="春节")
    with pytest.raises(ValidationError):
        services.confirm_calendar_year(actor=admin, year=2027, source="  ")


def test_only_the_office_edits_the_calendar(world):
    from django.core.exceptions import PermissionDenied

    for town in (None, world.town):
        with pytest.raises(PermissionDenied):
            services.set_calendar_days(
                actor=world.users["party_secretary"],
                town=town,
                start=date(2027, 1, 1),
                end=date(2027, 1, 1),
                kind="holiday",
            )
    assert not CalendarDay.objects.exists()


def test_bad_ranges_are_refused(world):
    from django.core.exceptions import ValidationError

    for actor, town in ((world.users["admin"], None), (world.users["office"], world.town)):
        with pytest.raises(ValidationError):
            services.set_calendar_days(
                actor=actor, town=town, start=date(2027, 1, 5), end=date(2027, 1, 1), kind="holiday"
            )
        with pytest.raises(ValidationError):
            services.set_calendar_days(
                actor=actor, town=town, start=date(2027, 1, 1), end=date(2027, 3, 1), kind="holiday"
            )
    assert not CalendarDay.objects.exists()


@pytest.mark.frozen("2026-11-27 10:00")
def test_calendar_page_warns_about_2027_and_accepts_entries(client_for, without_calendar_data):
    without_calendar_data(2027)
    client = client_for("admin")
    page = client.get("/calendar/?year=2027")
    assert "2027" in page.content.decode() and "alert-warning" in page.content.decode()
    response = client.post(
        "/calendar/?year=2027",
        {
            "form": "range",
            "year": "2027",
            "range-start": "2027-10-01",
            "range-end": "2027-10-07",
            "range-kind": "holiday",
            "range-name": "国庆节",
        },
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date__year=2027, kind="holiday").count() == 7
    bad = client.post(
        "/calendar/?year=2027", {"form": "range", "year": "2027", "range-start": "not a date", "range-kind": "holiday"}
    )
    assert bad.status_code == 200 and CalendarDay.objects.count() == 7


@pytest.mark.frozen("2026-11-27 10:00")
def test_home_page_warns_about_missing_year(client_for, without_calendar_data):
    without_calendar_data(2027)
    # The platform administrator, who enters the national schedule, is warned; a town's office,
    # whose deadlines it makes provisional, is told; others see nothing of it.
    assert "2027" in client_for("admin").get("/").content.decode()
    assert "2027" in client_for("office").get("/").content.decode()
    assert "2027" not in client_for("oc_member").get("/").content.decode()
