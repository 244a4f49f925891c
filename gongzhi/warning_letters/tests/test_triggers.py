"""The triggers and their sweep: each trigger drafts one letter per cause (twice → still one; turned
off → none), never sends it, and the same problem of the same organisation again within the repeat
window drafts the next level, linked to the letter before."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from gongzhi.cases.configuration import install_default_categories
from gongzhi.cases.models import Case, Category
from gongzhi.cases.services import Report, submit_case
from gongzhi.inspections.models import Inspection, RectificationOrder
from gongzhi.inspections.services import FindingInput, ResultInput
from gongzhi.inspections.tests.factories import all_passed, inspected_with_order, item, photo, planned_visit, submit
from gongzhi.meetings import services as meeting_services
from gongzhi.meetings.models import ContraryAction, Resolution
from gongzhi.notifications.models import Notification
from gongzhi.warning_letters import services, triggers
from gongzhi.warning_letters.models import Letter, Level, WarningSettings
from gongzhi.warning_letters.workflow import LetterState

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-12-07 10:00")]


def sweep(today=None):
    return triggers.draft_new(today or timezone.localdate())


def configure(world, **values):
    current = WarningSettings.for_town(world.town.pk)
    services.save_settings(
        actor=world.users["office"], town=world.town, version=current.version if current.pk else None, **values
    )


def turn_off(world, code):
    configure(world, disabled_triggers=[code])


def order_for(world, key):
    """Another inspection of 世博家园 with a finding and its order (its own submission key)."""
    visit = planned_visit(world)
    stairs = item(visit.checklist, "楼道无堆物")
    results = all_passed(visit.checklist, **{stairs.uid: ResultInput("fail")})
    finding = FindingInput("5号楼楼道堆放杂物", "5号楼", stairs.uid, [photo()], True, None)
    inspection = submit(world, visit, key=key, results=results, findings=[finding])
    return inspection.findings.get().rectification


def only_letter(trigger):
    (letter,) = Letter.objects.filter(trigger=trigger)
    return letter


# --- Inspections -----------------------------------------------------------------------------------


def test_an_overdue_rectification_order_drafts_one_notice_to_its_organisation(world):
    _inspection, order = inspected_with_order(world)
    RectificationOrder.objects.filter(pk=order.pk).update(overdue=True)
    assert sweep() == 1
    assert sweep() == 0
    letter = only_letter("inspections.overdue")
    assert letter.state == LetterState.DRAFT and letter.level == Level.NOTICE
    assert letter.addressee == world.orgs["pc"] and letter.compound == world.c3
    assert (
        letter.cause_url == f"/inspections/orders/{order.uid}/"
        and letter.cause_key == f"inspections.overdue:{order.uid}"
    )
    assert "3号楼楼道堆放杂物" in letter.cause_text
    assert not Notification.objects.filter(text__contains="提示函").exists()


def test_a_trigger_turned_off_drafts_nothing(world):
    _inspection, order = inspected_with_order(world)
    RectificationOrder.objects.filter(pk=order.pk).update(overdue=True)
    turn_off(world, "inspections.overdue")
    assert sweep() == 0


def test_a_score_below_the_threshold_drafts_a_notice_to_the_property_company(world):
    inspection, _order = inspected_with_order(world)
    Inspection.objects.filter(pk=inspection.pk).update(score=55)
    assert sweep() == 1 and sweep() == 0
    letter = only_letter("inspections.score")
    assert letter.addressee == world.orgs["pc"] and "55" in letter.cause_text
    assert letter.cause_url == f"/inspections/visits/{inspection.visit.uid}/"
    configure(world, score_below=50)
    Letter.objects.all().delete()
    assert sweep() == 0  # 55 is not below 50


# --- Cases ---------------------------------------------------------------------------------------


def cases(world, n, **update):
    install_default_categories(actor=None, town=world.town)
    category = Category.objects.get(town=world.town, code="REPAIR")
    made = [
        submit_case(
            actor=None,
            report=Report(
                compound=world.c1, category=category, description=f"水管漏水{i}", reporter_phone="13800000001"
            ),
            channel="phone",
        )
        for i in range(n)
    ]
    Case.objects.filter(pk__in=[c.pk for c in made]).update(**update)
    return [Case.objects.get(pk=c.pk) for c in made]


def test_overdue_cases_draft_a_notice_to_the_handler_from_the_threshold(world):
    two = cases(world, 2, resolve_overdue=True)
    handler = two[0].handler
    assert handler.kind in ("property_company", "residents_committee", "owners_committee", "party_org")
    assert sweep() == 0  # 2 < 3
    cases(world, 1, resolve_overdue=True)
    assert sweep() == 1 and sweep() == 0
    letter = only_letter("cases.overdue")
    assert letter.addressee == handler and letter.cause_key == f"cases.overdue:{handler.uid}:2026-12"
    assert "3 residents' cases" in letter.cause_text
    turn_off(world, "cases.overdue")
    Letter.objects.all().delete()
    assert sweep() == 0


def test_repeated_strong_complaints_about_one_matter_draft_a_notice(world):
    made = cases(world, 2, rating=Case.Rating.UNSATISFIED)
    assert sweep() == 0
    cases(world, 1, reopen_count=1)
    assert sweep() == 1 and sweep() == 0
    letter = only_letter("cases.complaints")
    assert letter.addressee == made[0].handler and letter.compound == world.c1
    assert "3 cases about" in letter.cause_text and "新城一村" in letter.cause_text
    turn_off(world, "cases.complaints")
    Letter.objects.all().delete()
    assert sweep() == 0


# --- Meetings ------------------------------------------------------------------------------------


def regular_meeting(neighborhood, day: date):
    with transaction.atomic():
        return meeting_services._create_meeting(
            actor=None,
            neighborhood=neighborhood,
            kind="regular",
            title="联席会议",
            starts_at=timezone.make_aware(datetime.combine(day, time(14, 0))),
        )


def test_a_missed_joint_meeting_drafts_a_notice_to_the_neighborhoods_party_organisation(world):
    regular_meeting(world.n1, date(2026, 10, 15))  # the town keeps its monthly meetings here from October
    assert sweep() == 2 and sweep() == 0  # November: neither 新城 nor 世博 held theirs
    letters = Letter.objects.filter(trigger="meetings.missed")
    assert {letter.addressee for letter in letters} == {world.orgs["po1"], world.orgs["po2"]}
    assert all("2026-11" in letter.cause_text for letter in letters)
    assert {letter.neighborhood for letter in letters} == {world.n1, world.n2}
    turn_off(world, "meetings.missed")
    Letter.objects.all().delete()
    assert sweep() == 0


def test_an_action_contrary_to_a_resolution_drafts_a_notice_to_that_organisation(world):
    meeting = regular_meeting(world.n1, date(2026, 11, 10))
    item = meeting_services.propose_item(actor=world.users["party_secretary"], meeting=meeting, title="增设车棚")
    resolution = Resolution.objects.create(
        town=world.town,
        neighborhood=world.n1,
        item=item,
        number="2026-01",
        text="物业在1号楼旁增设车棚",
        lead=world.orgs["oc1"],
        due=date(2026, 12, 31),
    )
    ContraryAction.objects.create(
        resolution=resolution,
        organization=world.orgs["pc"],
        description="物业在原址堆放杂物",
        occurred_on=date(2026, 12, 1),
        reported_by=world.users["party_secretary"],
        reported_at=timezone.now(),
    )
    turn_off(world, "meetings.missed")
    assert sweep() == 1 and sweep() == 0
    letter = only_letter("meetings.contrary")
    assert letter.addressee == world.orgs["pc"] and "2026-01" in letter.cause_text
    assert letter.cause_url == resolution.get_absolute_url()
    configure(world, disabled_triggers=["meetings.contrary", "meetings.missed"])
    Letter.objects.all().delete()
    assert sweep() == 0


# --- Repeats, discards, the sweep ------------------------------------------------------------------


def test_the_same_problem_again_within_the_window_drafts_the_next_level(world, clock):
    _inspection, order = inspected_with_order(world)
    RectificationOrder.objects.filter(pk=order.pk).update(overdue=True)
    sweep()
    first = only_letter("inspections.overdue")
    first = services.approve_and_send(actor=world.users["office"], letter=first, version=first.version)
    # A second order to the same company becomes overdue in the next quarter (window: 2 quarters).
    clock.move_to("2027-02-01 10:00")
    second = order_for(world, "key-0000000002")
    RectificationOrder.objects.filter(pk=second.pk).update(overdue=True)
    assert sweep() == 1
    again = Letter.objects.get(cause_key=f"inspections.overdue:{second.uid}")
    assert again.level == Level.WARNING and again.previous == first
    # With a window of one quarter (this one), the December letter is outside it: a notice again.
    configure(world, repeat_quarters=1)
    pc, code, day = world.orgs["pc"], "inspections.overdue", date(2027, 2, 1)
    assert services.repeat_of(world.town.pk, pc, code, day, WarningSettings.for_town(world.town.pk)) is None
    configure(world, repeat_quarters=2)
    assert services.repeat_of(world.town.pk, pc, code, day, WarningSettings.for_town(world.town.pk)) == first


def test_a_discarded_draft_is_not_drafted_again(world):
    _inspection, order = inspected_with_order(world)
    RectificationOrder.objects.filter(pk=order.pk).update(overdue=True)
    sweep()
    letter = only_letter("inspections.overdue")
    services.discard(actor=world.users["office"], letter=letter, version=letter.version, reason="已另行约谈")
    assert sweep() == 0


def test_the_sweep_escalates_then_drafts(world, clock):
    _inspection, order = inspected_with_order(world)
    RectificationOrder.objects.filter(pk=order.pk).update(overdue=True)
    assert triggers.run() == {"escalated": 0, "drafted": 1}
    letter = only_letter("inspections.overdue")
    letter = services.approve_and_send(actor=world.users["office"], letter=letter, version=letter.version)
    clock.move_to(letter.deadline + timedelta(days=1))
    assert triggers.run() == {"escalated": 1, "drafted": 0}
    assert triggers.run() == {"escalated": 0, "drafted": 0}
    nxt = Letter.objects.get(previous=letter)
    assert nxt.level == Level.WARNING and nxt.state == LetterState.DRAFT and nxt.trigger == "inspections.overdue"


def test_another_app_registers_its_own_trigger(world, monkeypatch):
    monkeypatch.setattr(triggers, "_triggers", dict(triggers._triggers))
    triggers.register(
        triggers.Trigger(
            "assessments.score",
            "考核得分低于阈值",
            lambda town, settings, today: (
                [
                    services.Cause(
                        "assessments.score", f"assessments.score:{town.code}", world.orgs["rc1"], "季度考核得分58分"
                    )
                ]
                if town == world.town
                else []
            ),
        )
    )
    turn_off(world, "meetings.missed")
    assert sweep() == 1 and sweep() == 0
    assert only_letter("assessments.score").addressee == world.orgs["rc1"]
