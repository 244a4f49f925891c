"""The rules the credit app runs itself (gongzhi.credit.sweeps), each idempotent: an overdue
rectification order of a property company, an annual report rated poor, complaints over the
monthly threshold."""

from datetime import datetime, time

import pytest
from django.utils import timezone

from gongzhi.cases.configuration import install_default_categories
from gongzhi.cases.models import Case, Category
from gongzhi.cases.services import Report, enter_case
from gongzhi.core import registry
from gongzhi.credit import services, sweeps
from gongzhi.credit.models import CreditRecord
from gongzhi.inspections.models import RectificationOrder
from gongzhi.inspections.services import flag_overdue_orders
from gongzhi.inspections.tests.factories import inspected_with_order
from gongzhi.meetings import services as meetings
from gongzhi.meetings.models import AnnualReport, Meeting
from gongzhi.meetings.tests.annual_reports_world import *  # noqa: F403 - the fixtures
from gongzhi.meetings.tests.annual_reports_world import FROZEN, submit

pytestmark = [pytest.mark.django_db, pytest.mark.frozen(FROZEN)]


def test_the_sweep_is_registered_after_the_inspections_overdue_flags():
    steps = [s.name for s in registry.sweeps()]
    assert steps.index("credit.rules") > steps.index("inspections.overdue")


# --- Overdue rectification --------------------------------------------------------------------------


def test_an_overdue_order_of_the_company_writes_one_bad_record(world, clock):
    _inspection, order = inspected_with_order(world)
    assert order.responsible == world.orgs["pc"]
    assert sweeps.run()["overdue_orders"] == 0  # not overdue yet
    clock.move_to(order.due_on.isoformat() + " 10:00")
    clock.shift(days=1)
    assert flag_overdue_orders() == 1
    assert sweeps.run()["overdue_orders"] == 1
    assert sweeps.run()["overdue_orders"] == 0
    record = CreditRecord.objects.get()
    assert (record.company, record.compound, record.kind, record.category) == (
        world.orgs["pc"],
        world.c3,
        "bad",
        "inspections.overdue",
    )
    assert record.source_key == f"inspections.overdue:{order.uid}"
    assert record.source_url == f"/inspections/orders/{order.uid}/"
    assert record.valid_from == timezone.localdate()  # the day after the due date


def test_an_overdue_order_of_another_organisation_writes_nothing(world):
    _inspection, order = inspected_with_order(world, responsible=world.orgs["rc2"])
    RectificationOrder.objects.filter(pk=order.pk).update(overdue=True)
    assert sweeps.run()["overdue_orders"] == 0
    assert not CreditRecord.objects.exists()


def test_a_rule_turned_off_writes_nothing(world):
    _inspection, order = inspected_with_order(world)
    RectificationOrder.objects.filter(pk=order.pk).update(overdue=True)
    services.save_settings(actor=world.users["office"], town=world.town, disabled_rules=["inspections.overdue"])
    assert sweeps.run()["overdue_orders"] == 0
    assert not CreditRecord.objects.exists()


# --- Annual report rated poor ----------------------------------------------------------------------


@pytest.fixture
def secretary(world):
    return world.users["party_secretary"]


@pytest.fixture
def rated(report, manager, secretary, world):
    """新城一村's report submitted and rated 63.3 % by three attendees (satisfied, basic, unsatisfied)."""
    submit(manager, report)
    meeting = Meeting.objects.get(items__annual_report=report)
    meetings.add_invitee(
        actor=secretary, meeting=meeting, name="社区民警", organization=world.orgs["police"], voting=False
    )
    meeting = meetings.open_meeting(actor=secretary, meeting=meeting, expected_version=meeting.version)
    marks = {i.pk: ("present", "") for i in meeting.invitees.all()}
    meeting = meetings.record_attendance(
        actor=secretary, meeting=meeting, marks=marks, expected_version=meeting.version
    )
    for actor, name, value in (
        (world.users["rc_worker"], "rc_worker人员", "satisfied"),
        (secretary, "oc_member人员", "basic"),
        (secretary, "社区民警", "unsatisfied"),
    ):
        meetings.rate_annual_report(
            actor=actor, report=report, invitee=meeting.invitees.get(name=name), rating=value, comment=""
        )
    return AnnualReport.objects.get(pk=report.pk)


def test_a_report_rated_above_the_setting_writes_nothing(rated):
    assert sweeps.run()["poor_reports"] == 0  # 63.3 % ≥ 60 %


def test_a_report_rated_below_the_setting_writes_one_record_about_the_manager(rated, world):
    services.save_settings(actor=world.users["office"], town=world.town, report_poor_below=70)
    assert sweeps.run()["poor_reports"] == 1
    assert sweeps.run()["poor_reports"] == 0
    record = CreditRecord.objects.get()
    assert record.manager == world.people["property_manager"]
    assert (record.company, record.compound, record.category) == (world.orgs["pc"], world.c1, "meetings.report_poor")
    assert "63.3%" in record.text and record.source_url == rated.get_absolute_url()


def test_too_few_ratings_write_nothing(rated, world):
    services.save_settings(actor=world.users["office"], town=world.town, report_poor_below=70, report_min_ratings=4)
    assert sweeps.run()["poor_reports"] == 0


# --- Complaints over the threshold -----------------------------------------------------------------


def _cases(world, n, month_start):
    install_default_categories(actor=None, town=world.town)
    category = Category.objects.get(town=world.town, code="REPAIR")
    made = [
        enter_case(
            actor=world.users["office"],
            report=Report(compound=world.c1, category=category, description=f"第{i}户水管漏水"),
            channel=Case.Channel.PHONE,
        )
        for i in range(n)
    ]
    at = datetime.combine(month_start, time(9, 0), timezone.get_current_timezone())
    Case.objects.filter(pk__in=[c.pk for c in made]).update(submitted_at=at)
    return made


def test_more_cases_in_a_month_than_the_setting_write_one_record(world):
    services.save_settings(actor=world.users["office"], town=world.town, complaints_per_month=2)
    made = _cases(world, 3, timezone.localdate().replace(day=1, month=10))
    assert {c.handler for c in made} == {world.orgs["pc"]}
    assert sweeps.run()["complaints"] == 1
    assert sweeps.run()["complaints"] == 0
    record = CreditRecord.objects.get()
    assert record.source_key == f"cases.complaints:{world.orgs['pc'].uid}:2026-10"
    assert record.valid_from.isoformat() == "2026-11-01"
    assert "3 cases handled in 2026-10" in record.text


def test_cases_at_the_threshold_or_in_the_current_month_write_nothing(world):
    services.save_settings(actor=world.users["office"], town=world.town, complaints_per_month=3)
    _cases(world, 3, timezone.localdate().replace(day=1, month=10))  # at the threshold, not above
    _cases(world, 5, timezone.localdate().replace(day=1))  # this month: not complete yet
    assert sweeps.run()["complaints"] == 0
    assert not CreditRecord.objects.exists()
