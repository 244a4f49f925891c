"""The reminder sweep and the home-page items: parties reminded from three working days before the
due date and every day while overdue, once a day per organisation."""

from datetime import date

import pytest

from gongzhi.core import registry
from gongzhi.core.scope import get_scope
from gongzhi.evaluations import services
from gongzhi.evaluations.contributions import office_items, party_items
from gongzhi.evaluations.models import ReportReminder
from gongzhi.notifications.models import Notification

from .factories import open_quarter, part_of

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-16 09:00")]  # a Monday

DUE = date(2026, 11, 25)  # a Wednesday: three working days after Friday the 20th
PARTIES = {"po1", "rc1", "oc1", "pc", "po2", "rc2", "oc3"}  # of 新城 and 世博 (the company serves both)


def sweep(capture):
    with capture(execute=True):
        return services.sweep_reminders()


def test_the_sweep_is_registered():
    assert "evaluations.reminders" in {s.name for s in registry.sweeps()}


def test_reminders_start_three_working_days_before_and_are_sent_once_a_day(
    world, clock, django_capture_on_commit_callbacks
):
    evaluation = open_quarter(world, due=DUE)
    services.submit_report(
        actor=world.users["party_secretary"],
        part=part_of(evaluation, world.n1),
        organization=world.orgs["po1"],
        text="汇报",
    )
    Notification.objects.all().delete()
    assert sweep(django_capture_on_commit_callbacks) == {"reminded": 0}  # Monday: not yet
    clock.move_to("2026-11-20 07:00")
    assert sweep(django_capture_on_commit_callbacks) == {"reminded": 6}
    reminded = {r.organization.code for r in ReportReminder.objects.select_related("organization")}
    assert reminded == PARTIES - {"po1"}
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert world.users["rc_worker"].pk in told and world.users["party_secretary"].pk not in told
    sent = Notification.objects.count()
    assert sweep(django_capture_on_commit_callbacks) == {"reminded": 0}  # the same day: nothing more
    assert Notification.objects.count() == sent
    clock.move_to("2026-11-26 08:00")  # overdue: reminded again, marked overdue
    assert sweep(django_capture_on_commit_callbacks) == {"reminded": 6}
    assert ReportReminder.objects.filter(sent_on=date(2026, 11, 26), overdue=True).count() == 6
    assert sweep(django_capture_on_commit_callbacks) == {"reminded": 0}


def test_a_closed_quarter_reminds_nobody(world, clock, django_capture_on_commit_callbacks):
    evaluation = open_quarter(world, due=DUE)
    services.close_quarter(actor=world.users["office"], evaluation=evaluation, expected_version=evaluation.version)
    clock.move_to("2026-11-26 08:00")
    assert sweep(django_capture_on_commit_callbacks) == {"reminded": 0}


def _items(provider, world, persona, today):
    user = world.users[persona]
    return list(provider(user, get_scope(user), today))


def test_the_office_sees_missing_then_overdue_reports(world):
    evaluation = open_quarter(world, due=DUE)
    assert _items(office_items, world, "office", date(2026, 11, 16)) == []
    soon = _items(office_items, world, "office", date(2026, 11, 20))
    assert len(soon) == 1 and soon[0].level == "info" and "7 parties' reports are still missing" in soon[0].text
    late = _items(office_items, world, "office", date(2026, 11, 26))
    assert late[0].level == "warning" and "overdue (in 2 neighborhoods)" in late[0].text
    assert late[0].url == evaluation.get_absolute_url()
    assert _items(office_items, world, "party_secretary", date(2026, 11, 26)) == []
    assert _items(office_items, world, "outsider", date(2026, 11, 26)) == []


def test_a_party_sees_its_report_due_until_it_submits(world):
    evaluation = open_quarter(world, due=DUE)
    items = _items(party_items, world, "party_secretary", date(2026, 11, 16))
    assert len(items) == 1 and "新城党总支's quarterly report" in items[0].text and items[0].level == "info"
    assert _items(party_items, world, "property_manager", date(2026, 11, 26))[0].level == "warning"
    assert len(_items(party_items, world, "property_manager", date(2026, 11, 26))) == 1  # once, not per neighborhood
    services.submit_report(
        actor=world.users["party_secretary"],
        part=part_of(evaluation, world.n1),
        organization=world.orgs["po1"],
        text="汇报",
    )
    assert _items(party_items, world, "party_secretary", date(2026, 11, 16)) == []
    for persona in ("office", "inspector", "gov_staff", "resident"):
        assert _items(party_items, world, persona, date(2026, 11, 16)) == [], persona
