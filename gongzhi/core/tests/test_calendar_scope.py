"""Security review, issue 11, finding 7 (part): who edits the working-day calendar.

The national schedule (days without a town) and the confirmation of a year are the platform
administrator's; a town's own exceptions are its office's, and are recorded in the town's audit
chain. A town's calendar is the national one with its own exceptions winning."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gongzhi.core import services
from gongzhi.core.attention import items_for
from gongzhi.core.models import AuditEntry, CalendarDay, CalendarYear
from gongzhi.core.workdays import add_working_days, deadline_after, is_working_day

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]

FRI = date(2026, 11, 27)  # an ordinary Friday in a year the package covers
MON = date(2026, 11, 30)


def town_day(world, **overrides):
    values = {"actor": world.users["office"], "town": world.town, "start": FRI, "end": FRI, "kind": "holiday"}
    values.update(overrides)
    return services.set_calendar_days(**values)


# --- Services ----------------------------------------------------------------------------------


def test_a_towns_office_cannot_change_the_national_schedule_nor_confirm_a_year(world, without_calendar_data):
    without_calendar_data(2027)
    admin = world.users["admin"]
    (national,) = services.set_calendar_days(actor=admin, start=date(2027, 1, 1), end=date(2027, 1, 1), kind="holiday")
    for persona in ("office", "outsider", "leader"):
        actor = world.users[persona]
        with pytest.raises(PermissionDenied):
            services.set_calendar_days(actor=actor, start=date(2027, 1, 4), end=date(2027, 1, 4), kind="holiday")
        with pytest.raises(PermissionDenied):
            services.remove_calendar_day(actor=actor, day=national)
        with pytest.raises(PermissionDenied):
            services.confirm_calendar_year(actor=actor, year=2027, source="国办发明电")
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [date(2027, 1, 1)]
    assert not CalendarYear.objects.exists()
    # The platform administrator can, and it stays in the platform chain.
    services.confirm_calendar_year(actor=admin, year=2027, source="国办发明电")
    services.remove_calendar_day(actor=admin, day=national)
    assert not CalendarDay.objects.exists()
    chains = set(AuditEntry.objects.filter(action__startswith="core.calendar").values_list("chain__key", flat=True))
    assert chains == {"platform"}


def test_the_office_keeps_its_towns_exceptions_in_the_towns_chain(world):
    (day,) = town_day(world, name="台风停工")
    assert (day.town, day.kind, day.name) == (world.town, "holiday", "台风停工")
    entry = AuditEntry.objects.get(action="core.calendarday.set")
    assert entry.chain.key == f"town:{world.town.pk}"
    assert entry.actor == world.users["office"]
    town_day(world, kind="workday", name="调休")  # the same day again: changed, not doubled
    assert CalendarDay.objects.get().kind == "workday"
    services.remove_calendar_day(actor=world.users["office"], day=CalendarDay.objects.get())
    assert not CalendarDay.objects.exists()
    assert set(
        AuditEntry.objects.filter(action__startswith="core.calendarday").values_list("action", "chain__key")
    ) == {(f"core.calendarday.{verb}", f"town:{world.town.pk}") for verb in ("set", "update", "remove")}


def test_another_towns_office_cannot_touch_the_towns_exceptions(world):
    outsider = world.users["outsider"]
    with pytest.raises(PermissionDenied):
        town_day(world, actor=outsider)
    assert not CalendarDay.objects.exists()
    (day,) = town_day(world)
    with pytest.raises(PermissionDenied):
        services.remove_calendar_day(actor=outsider, day=day)
    # Its own town is its own; and the administrator reaches every town.
    town_day(world, actor=outsider, town=world.other)
    town_day(world, actor=world.users["admin"], town=world.other, kind="workday")
    assert CalendarDay.objects.filter(town=world.other).get().kind == "workday"


def test_a_national_day_and_a_town_day_on_the_same_date_are_two_entries(world):
    services.set_calendar_days(actor=world.users["admin"], start=FRI, end=FRI, kind="holiday", name="国家")
    town_day(world, kind="workday", name="本镇")
    assert CalendarDay.objects.count() == 2
    assert CalendarDay.objects.get(town=None).name == "国家"


# --- The calendar of a town --------------------------------------------------------------------


def test_a_towns_exception_applies_in_that_town_only(world):
    town_day(world)
    assert not is_working_day(FRI, world.town.pk)
    assert is_working_day(FRI, world.other.pk)
    assert is_working_day(FRI)  # the national schedule alone
    assert add_working_days(date(2026, 11, 26), 1, world.town.pk) == MON
    assert add_working_days(date(2026, 11, 26), 1, world.other.pk) == FRI


def test_a_national_day_applies_everywhere_and_a_towns_working_day_wins_over_it(world):
    services.set_calendar_days(actor=world.users["admin"], start=FRI, end=FRI, kind="holiday", name="test")
    assert not is_working_day(FRI, world.town.pk) and not is_working_day(FRI, world.other.pk)
    town_day(world, kind="workday")
    assert is_working_day(FRI, world.town.pk)
    assert not is_working_day(FRI, world.other.pk)


def test_a_town_working_on_a_national_holiday(world):
    national_day = date(2026, 10, 1)  # 国庆节, in the package
    town_day(world, start=national_day, end=national_day, kind="workday")
    assert is_working_day(national_day, world.town.pk)
    assert not is_working_day(national_day, world.other.pk)


def test_a_long_run_of_town_holidays_does_not_break_deadlines(world):
    for start, end in ((date(2026, 12, 1), date(2026, 12, 31)), (date(2027, 1, 1), date(2027, 1, 31))):
        town_day(world, start=start, end=end)
    result = deadline_after(date(2026, 11, 30), 3, world.town.pk)
    assert result.date > date(2027, 1, 31)


# --- The page ----------------------------------------------------------------------------------


def page(client, **query):
    return client.get(reverse("core:calendar"), query)


def test_the_office_reads_the_national_schedule_and_edits_its_towns(client_for, world):
    services.set_calendar_days(actor=world.users["admin"], start=FRI, end=FRI, kind="holiday", name="全国测试日")
    town_day(world, start=MON, end=MON, name="台风停工")
    response = page(client_for("office"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "全国测试日" in html and "台风停工" in html
    # The national part: read only, no form, no remove button.
    assert 'name="form" value="range"' not in html and 'name="form" value="confirm"' not in html
    assert reverse("core:calendar_day_remove", args=[FRI.isoformat()]) not in html
    # The town's part: its form and its remove button.
    assert 'name="form" value="town"' in html
    assert reverse("core:calendar_town_day_remove", args=[world.town.uid, MON.isoformat()]) in html


def test_the_administrator_edits_the_national_schedule(client_for, world):
    services.set_calendar_days(actor=world.users["admin"], start=FRI, end=FRI, kind="holiday", name="全国测试日")
    town_day(world, start=MON, end=MON, name="台风停工")
    html = page(client_for("admin")).content.decode()
    assert 'name="form" value="range"' in html
    assert reverse("core:calendar_day_remove", args=[FRI.isoformat()]) in html
    assert 'name="form" value="town"' not in html
    assert "台风停工" in html and world.town.name in html  # the towns' exceptions, listed
    response = client_for("admin").post(
        reverse("core:calendar"),
        {"form": "range", "year": "2026", "range-start": "2026-12-01", "range-kind": "holiday", "range-name": "x"},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(town=None, date=date(2026, 12, 1)).exists()


def test_the_offices_national_entry_is_refused_in_words_and_kept(client_for, world, english):
    client = client_for("office")
    response = client.post(
        reverse("core:calendar"),
        {
            "form": "range",
            "year": "2026",
            "range-start": "2026-12-01",
            "range-end": "2026-12-02",
            "range-kind": "holiday",
            "range-name": "台风停工",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not CalendarDay.objects.exists()
    assert "kept by the platform administrator" in html and "Nothing was saved." in html
    # What was typed waits in the town's form.
    assert 'name="town-start" value="2026-12-01"' in html and 'value="台风停工"' in html
    confirm = client.post(reverse("core:calendar"), {"form": "confirm", "year": "2027", "confirm-source": "国办"})
    assert confirm.status_code == 200 and "confirmed by the platform administrator" in confirm.content.decode()
    assert not CalendarYear.objects.exists()


def test_the_office_adds_and_removes_its_towns_day_on_the_page(client_for, world):
    client = client_for("office")
    response = client.post(
        reverse("core:calendar"),
        {
            "form": "town",
            "year": "2026",
            "town": world.town.uid,
            "town-start": "2026-12-01",
            "town-kind": "holiday",
            "town-name": "台风停工",
        },
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert (day.town, day.date) == (world.town, date(2026, 12, 1))
    assert AuditEntry.objects.get(action="core.calendarday.set").chain.key == f"town:{world.town.pk}"
    bad = client.post(
        reverse("core:calendar"),
        {"form": "town", "year": "2026", "town": world.town.uid, "town-start": "2026-12-09", "town-end": "2026-12-08",
         "town-kind": "holiday", "town-name": "倒过来"},
    )  # fmt: skip
    assert bad.status_code == 200 and 'value="倒过来"' in bad.content.decode()
    assert CalendarDay.objects.count() == 1
    removed = client.post(reverse("core:calendar_town_day_remove", args=[world.town.uid, "2026-12-01"]))
    assert removed.status_code == 302
    assert not CalendarDay.objects.exists()


def test_another_towns_office_gets_404s(client_for, world):
    (day,) = town_day(world)
    outsider = client_for("outsider")
    assert (
        outsider.post(reverse("core:calendar_town_day_remove", args=[world.town.uid, FRI.isoformat()])).status_code
        == 404
    )
    assert page(outsider, town=world.town.uid).status_code == 404
    response = outsider.post(
        reverse("core:calendar"),
        {"form": "town", "year": "2026", "town": world.town.uid, "town-start": "2026-12-01", "town-kind": "holiday"},
    )
    assert response.status_code == 404
    assert list(CalendarDay.objects.all()) == [day]
    # Its own page shows its own town, not the other's day.
    html = page(outsider).content.decode()
    assert (
        world.other.name in html
        and reverse("core:calendar_town_day_remove", args=[world.town.uid, FRI.isoformat()]) not in html
    )


def test_the_national_removal_url_is_the_administrators(client_for, world):
    services.set_calendar_days(actor=world.users["admin"], start=FRI, end=FRI, kind="holiday")
    url = reverse("core:calendar_day_remove", args=[FRI.isoformat()])
    assert client_for("office").post(url).status_code == 404
    assert CalendarDay.objects.exists()
    town_day(world)  # a town's day of that date is not reached through the national URL
    assert client_for("admin").post(url).status_code == 302
    assert list(CalendarDay.objects.values_list("town", flat=True)) == [world.town.pk]
    assert client_for("admin").post(url).status_code == 404


def test_an_office_of_two_towns_chooses_the_town(client_for, world):
    from gongzhi.testing import MembershipFactory

    MembershipFactory(person=world.people["office"], body=world.bodies["other_office"], title="兼任")
    town_day(world, town=world.other, name="梅陇的")
    client = client_for("office")
    first = page(client).content.decode()
    assert world.other.name in first and f"town={world.other.uid}" in first
    html = page(client, town=world.other.uid).content.decode()
    assert "梅陇的" in html


# --- Home page ---------------------------------------------------------------------------------


@pytest.mark.frozen("2026-12-05 10:00")
def test_a_missing_year_is_the_administrators_to_act_on_and_the_offices_to_know(world, without_calendar_data):
    without_calendar_data(2027)
    admin_items = [i for i in items_for(world.users["admin"]) if "2027" in i.text]
    office_items = [i for i in items_for(world.users["office"]) if "2027" in i.text]
    assert [i.level for i in admin_items] == ["warning"]
    assert [i.level for i in office_items] == ["info"]
