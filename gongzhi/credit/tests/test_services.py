"""The credit services, each allowed and refused: wrong role, foreign record, second objection,
window passed, stale version, a rule firing twice on one cause."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.core.records import ConcurrentEditError
from gongzhi.core.workdays import deadline_after
from gongzhi.credit import rules, services
from gongzhi.credit.models import CreditRecord, CreditSettings, Evidence, Objection
from gongzhi.credit.selectors import company_standing
from gongzhi.credit.workflow import RECORD_WORKFLOW, RecordAction, RecordState

from .factories import by_hand, name_manager, pdf, second_company

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]


def _rule(world, key="inspections.overdue:abc", **kw):
    return services.record_by_rule(
        "inspections.overdue", company=world.orgs["pc"], source_key=key, text="整改逾期", **kw
    )


# --- Records ---------------------------------------------------------------------------------------


def test_the_office_writes_a_record_by_hand_with_evidence(world):
    record = by_hand(world, compound=world.c1, points=7)
    assert (record.kind, record.points, record.category, record.state) == ("bad", 7, "manual", "active")
    assert record.valid_from == timezone.localdate()
    assert record.valid_until == timezone.localdate() + timedelta(days=364)
    assert record.evidence.get().purpose == Evidence.Purpose.RECORD
    entry = AuditEntry.objects.get(action="credit.creditrecord.create", object_id=str(record.pk))
    assert entry.after["points"] == 7 and entry.actor == world.users["office"]


@pytest.mark.parametrize("points", [0, 101, -3, None])
def test_points_outside_their_range_are_refused(world, points):
    with pytest.raises(ValidationError) as error:
        by_hand(world, points=points)
    assert "from 1 to 100" in str(error.value)
    assert not CreditRecord.objects.exists()


def test_the_database_refuses_points_outside_their_range(world):
    record = by_hand(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditRecord.objects.filter(pk=record.pk).update(points=0)


def test_a_record_by_hand_needs_evidence_a_text_and_no_future_start(world):
    office = world.users["office"]
    base = {"actor": office, "company": world.orgs["pc"], "kind": "bad", "points": 5}
    with pytest.raises(ValidationError, match="Attach the evidence"):
        services.record_by_hand(**base, text="x", evidence=[])
    with pytest.raises(ValidationError, match="Say what happened"):
        services.record_by_hand(**base, text=" ", evidence=[pdf()])
    with pytest.raises(ValidationError, match="future"):
        services.record_by_hand(**base, text="x", evidence=[pdf()], valid_from=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError, match="good record"):
        services.record_by_hand(**{**base, "kind": "excellent"}, text="x", evidence=[pdf()])
    assert not CreditRecord.objects.exists()


def test_a_manager_or_compound_must_belong_to_the_company(world):
    with pytest.raises(ValidationError, match="compound manager named on a contract"):
        by_hand(world, manager=world.people["rc_worker"])
    with pytest.raises(ValidationError, match="compound the company serves"):
        by_hand(world, compound=world.c4)
    with pytest.raises(ValidationError, match="property companies"):
        by_hand(world, company=world.orgs["police"])


@pytest.mark.parametrize("persona", ["rc_worker", "leader", "property_manager", "outsider"])
def test_only_the_towns_office_writes_by_hand(world, persona):
    with pytest.raises(PermissionDenied):
        services.record_by_hand(
            actor=world.users[persona],
            company=world.orgs["pc"],
            kind="bad",
            points=5,
            text="x",
            evidence=[pdf()],
        )


def test_a_rule_firing_twice_on_one_cause_writes_one_record(world):
    first = _rule(world)
    second = _rule(world, points=9)
    assert first.pk == second.pk
    assert CreditRecord.objects.count() == 1
    assert first.points == rules.OVERDUE_RECTIFICATION.grade_points
    assert AuditEntry.objects.filter(action="credit.creditrecord.create").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditRecord.objects.create(
            town=world.town,
            company=world.orgs["pc"],
            kind="bad",
            points=5,
            text="again",
            source_key=first.source_key,
            valid_from=first.valid_from,
            valid_until=first.valid_until,
            recorded_at=timezone.now(),
        )


def test_a_rules_points_follow_the_towns_mode_and_a_rule_can_be_off(world):
    services.save_settings(actor=world.users["office"], town=world.town, mode="points")
    assert _rule(world, key="k1").points == rules.OVERDUE_RECTIFICATION.demerit_points
    settings = CreditSettings.for_town(world.town.pk)
    services.save_settings(
        actor=world.users["office"], town=world.town, version=settings.version, disabled_rules=["inspections.overdue"]
    )
    assert _rule(world, key="k2") is None
    assert _rule(world, key="k1") is not None  # already written: returned as it is
    with pytest.raises(ValueError, match="unknown credit rule"):
        services.record_by_rule("nothing", company=world.orgs["pc"], source_key="x", text="x")


# --- Objection -------------------------------------------------------------------------------------


def _object(world, record, persona="property_manager", version=None, reason="已整改到位"):
    return services.object_to_record(
        actor=world.users[persona],
        record=record,
        version=record.version if version is None else version,
        reason=reason,
        evidence=[pdf("reply.pdf")],
    )


def test_the_company_objects_once(world):
    record = by_hand(world)
    objected = _object(world, record)
    assert objected.state == RecordState.OBJECTED and objected.objection.reason == "已整改到位"
    assert objected.evidence.filter(purpose=Evidence.Purpose.OBJECTION).count() == 1
    with pytest.raises(ValidationError, match="one objection per record"):
        _object(world, objected)
    decided = services.decide_objection(
        actor=world.users["office"], record=objected, version=objected.version, uphold=True, reason="证据充分"
    )
    assert decided.state == RecordState.UPHELD
    with pytest.raises(ValidationError, match="one objection per record"):
        _object(world, decided)


def test_the_database_keeps_one_objection_per_record(world):
    record = _object(world, by_hand(world))
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.create(
            record=record, reason="again", raised_by=world.users["property_manager"], raised_at=timezone.now()
        )


def test_an_objection_after_the_window_is_refused(world, clock):
    record = by_hand(world)
    clock.shift(days=15)
    stays = CreditRecord.objects.get(pk=record.pk)
    clock.shift(days=1)
    with pytest.raises(ValidationError, match="objection window closed on 2026-12-12"):
        _object(world, stays)
    clock.shift(days=-1)
    assert _object(world, stays).state == RecordState.OBJECTED


def test_a_stale_objection_is_refused(world):
    record = by_hand(world)
    with pytest.raises(ConcurrentEditError):
        _object(world, record, version=record.version + 1)
    with pytest.raises(ConcurrentEditError):
        services.object_to_record(
            actor=world.users["property_manager"], record=record, version=None, reason="x", evidence=[]
        )
    assert not Objection.objects.exists()


@pytest.mark.parametrize("persona", ["office", "rc_worker", "oc_member", "outsider"])
def test_only_the_company_objects(world, persona):
    with pytest.raises(PermissionDenied):
        _object(world, by_hand(world), persona=persona)


def test_a_company_cannot_object_to_another_companys_record(world):
    record = by_hand(world, second_company(world), compound=world.c2)
    with pytest.raises(PermissionDenied):
        _object(world, record)


def test_the_company_objects_to_its_managers_record(world):
    manager = name_manager(world)
    record = by_hand(world, manager=manager, compound=world.c1)
    assert _object(world, record).state == RecordState.OBJECTED


def test_the_office_withdraws_a_record_and_it_counts_no_more(world):
    record = _object(world, by_hand(world, points=15))
    assert company_standing(world.orgs["pc"], timezone.localdate()).score == 65
    with pytest.raises(ValidationError, match="reason"):
        services.decide_objection(
            actor=world.users["office"], record=record, version=record.version, uphold=False, reason=""
        )
    with pytest.raises(PermissionDenied):
        services.decide_objection(
            actor=world.users["property_manager"], record=record, version=record.version, uphold=False, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.decide_objection(
            actor=world.users["outsider"], record=record, version=record.version, uphold=False, reason="x"
        )
    with pytest.raises(ConcurrentEditError):
        services.decide_objection(
            actor=world.users["office"], record=record, version=record.version - 1, uphold=False, reason="x"
        )
    done = services.decide_objection(
        actor=world.users["office"], record=record, version=record.version, uphold=False, reason="检查记录有误"
    )
    assert done.state == RecordState.WITHDRAWN and done.objection.decision == Objection.Decision.WITHDRAWN
    assert company_standing(world.orgs["pc"], timezone.localdate()).score == 80


def test_an_objection_must_be_pending_to_be_decided(world):
    record = by_hand(world)
    with pytest.raises(ValidationError, match="cannot uphold the record now"):
        services.decide_objection(
            actor=world.users["office"], record=record, version=record.version, uphold=True, reason="x"
        )


# --- Correction ------------------------------------------------------------------------------------


def _ask(world, record, persona="property_manager", evidence=None):
    return services.ask_correction(
        actor=world.users[persona],
        record=record,
        version=record.version,
        reason="已整改",
        evidence=[pdf("after.pdf")] if evidence is None else evidence,
    )


def test_a_correction_is_due_in_the_towns_working_days_and_corrects_the_record(world, clock):
    record = by_hand(world, points=15)
    asked = _ask(world, record)
    assert asked.state == RecordState.CORRECTION_ASKED
    assert asked.correction.due_on == deadline_after(clock.today, 5, town_id=world.town.pk).date
    with pytest.raises(ValidationError, match="already been asked"):
        _ask(world, asked)
    clock.shift(days=3)
    today = timezone.localdate()
    done = services.check_correction(
        actor=world.users["office"], record=asked, version=asked.version, corrected=True, reason="复查属实"
    )
    assert done.state == RecordState.CORRECTED and done.corrected_on == today
    assert company_standing(world.orgs["pc"], today).score == 80
    assert company_standing(world.orgs["pc"], today - timedelta(days=1)).score == 65


def test_a_refused_correction_leaves_the_record_counting(world):
    asked = _ask(world, by_hand(world, points=15))
    done = services.check_correction(
        actor=world.users["office"], record=asked, version=asked.version, corrected=False, reason="仍未整改"
    )
    assert done.state == RecordState.REFUSED and done.corrected_on is None
    assert company_standing(world.orgs["pc"], timezone.localdate()).score == 65


def test_a_correction_needs_evidence_a_bad_record_and_the_company(world):
    with pytest.raises(ValidationError, match="evidence of the rectification"):
        _ask(world, by_hand(world), evidence=[])
    with pytest.raises(ValidationError, match="good record needs no correction"):
        _ask(world, by_hand(world, kind="good"))
    with pytest.raises(PermissionDenied):
        _ask(world, by_hand(world), persona="office")
    asked = _ask(world, by_hand(world))
    with pytest.raises(PermissionDenied):
        services.check_correction(
            actor=world.users["property_manager"], record=asked, version=asked.version, corrected=True, reason="x"
        )


def test_the_transition_table_allows_and_forbids():
    allowed = {
        (a, s) for a in RecordAction.values for s in RecordState.values if RECORD_WORKFLOW.target(a, s) is not None
    }
    assert allowed == {
        ("object", "active"),
        ("uphold", "objected"),
        ("withdraw", "objected"),
        ("ask_correction", "active"),
        ("ask_correction", "upheld"),
        ("correct", "correction_asked"),
        ("refuse", "correction_asked"),
    }


# --- Settings --------------------------------------------------------------------------------------


def test_the_office_saves_the_towns_settings(world):
    office = world.users["office"]
    saved = services.save_settings(actor=office, town=world.town, mode="points", watch_points=10)
    assert (saved.mode, saved.watch_points, saved.blacklist_points) == ("points", 10, 18)
    with pytest.raises(ConcurrentEditError):
        services.save_settings(actor=office, town=world.town, version=saved.version + 1, mode="grade")
    with pytest.raises(ValidationError, match="fall from AAA"):
        services.save_settings(actor=office, town=world.town, version=saved.version, band_aa=90)
    with pytest.raises(ValidationError, match="above the watch level"):
        services.save_settings(actor=office, town=world.town, version=saved.version, blacklist_points=10)
    with pytest.raises(PermissionDenied):
        services.save_settings(actor=world.users["outsider"], town=world.town, mode="grade")
    with pytest.raises(PermissionDenied):
        services.save_settings(actor=world.users["leader"], town=world.town, mode="grade")
    assert AuditEntry.objects.filter(action="credit.creditsettings.update").count() == 1
