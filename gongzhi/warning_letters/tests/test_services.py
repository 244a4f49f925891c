"""The warning letters' services: nothing goes out without a person approving it; approval numbers
the letter gap-free per town and year, delivers it once and writes a property company's credit
record once; each step is allowed only in its states, to its role, on the version the page showed."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.core.records import ConcurrentEditError
from gongzhi.core.workdays import deadline_after
from gongzhi.credit.models import CreditRecord
from gongzhi.notifications.models import Notification
from gongzhi.testing import MembershipFactory, OrganizationFactory, PersonFactory, login_for
from gongzhi.warning_letters import services
from gongzhi.warning_letters.models import Letter, LetterCounter, Level, Measure
from gongzhi.warning_letters.workflow import LETTER_WORKFLOW, LetterAction, LetterState

from .factories import acknowledged, answered, draft, photo, sent

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-12-07 10:00")]


def approve(world, letter, who="office", **kwargs):
    return services.approve_and_send(actor=world.users[who], letter=letter, version=letter.version, **kwargs)


# --- Approval --------------------------------------------------------------------------------------


def test_a_draft_is_not_sent_and_not_seen_by_its_addressee(world):
    letter = draft(world)
    pm = world.users["property_manager"]
    assert letter.state == LetterState.DRAFT and letter.number is None
    assert not Notification.objects.exists()
    assert not Letter.objects.for_user(pm).exists()
    with pytest.raises(PermissionDenied):
        services.acknowledge(actor=pm, letter=letter, version=letter.version)


def test_the_system_cannot_approve_a_letter(world):
    letter = draft(world)
    with pytest.raises(PermissionDenied):
        services.approve_and_send(actor=None, letter=letter, version=letter.version)
    assert Letter.objects.get(pk=letter.pk).state == LetterState.DRAFT


def test_approval_numbers_renders_and_delivers_the_letter(world, clock):
    person = world.people["property_manager"]
    person.phone = "13900000009"
    person.save(update_fields=["phone"])
    letter = approve(world, draft(world))
    assert letter.state == LetterState.SENT
    assert (letter.year, letter.number, letter.number_label) == (2026, 1, "〔2026〕第1号")
    assert letter.deadline == deadline_after(clock.today, 10, town_id=world.town.pk).date
    assert letter.title == "提示函"
    assert letter.body.startswith("申江物业：") and "消防通道堆放杂物未清理。" in letter.body
    assert "2026年12月7日" in letter.body
    told = Notification.objects.filter(text__contains="〔2026〕第1号")
    assert told.filter(user=world.users["property_manager"]).count() == 1
    assert told.filter(phone="13900000009").count() == 1  # the SMS
    assert letter.sent_by == world.users["office"]


def test_approving_twice_is_refused_in_words_and_nothing_is_sent_twice(world):
    letter = draft(world)
    first = approve(world, letter)
    before = Notification.objects.count()
    with pytest.raises(ValidationError) as refused:
        approve(world, letter)  # the same page, posted again
    assert "already approved and sent as 〔2026〕第1号" in str(refused.value)
    with pytest.raises(ValidationError):
        approve(world, first)  # with the current version too
    assert Notification.objects.count() == before
    assert LetterCounter.objects.get(town=world.town, year=2026).last == 1


def test_a_measures_letter_needs_its_measures(world):
    letter = draft(world, level=Level.MEASURES)
    with pytest.raises(ValidationError) as refused:
        approve(world, letter)
    assert "at least one measure" in str(refused.value)
    letter = approve(world, letter, measures=[Measure.TALK, Measure.ELIGIBILITY])
    assert letter.measures == [Measure.TALK, Measure.ELIGIBILITY]
    assert "1. Summons talk" in letter.body and "2. Loss of award and tender eligibility" in letter.body


# --- Numbering -------------------------------------------------------------------------------------


def test_numbers_run_without_gaps_per_town_and_year(world, clock):
    a, b, c = draft(world), draft(world, "oc1"), draft(world, "po1")
    services.discard(actor=world.users["office"], letter=b, version=b.version, reason="重复")
    assert approve(world, c).number == 1
    assert approve(world, a).number == 2
    # Another town counts apart.
    other_org = OrganizationFactory(town=world.other, kind="property_company", code="opc", name="梅陇物业")
    other = services.draft_by_hand(
        actor=world.users["outsider"], town=world.other, addressee=other_org, level=Level.NOTICE, cause_text="x"
    )
    assert approve(world, other, "outsider").number_label == "〔2026〕第1号"
    # The year turns.
    clock.move_to("2027-01-04 09:00")
    assert approve(world, draft(world)).number_label == "〔2027〕第1号"
    assert Letter.objects.get(pk=b.pk).number is None


# --- The steps ------------------------------------------------------------------------------------


def test_acknowledge_answer_and_verify(world):
    letter = acknowledged(world)
    assert letter.state == LetterState.ACKNOWLEDGED and letter.acknowledged_by == world.users["property_manager"]
    letter = services.answer(
        actor=world.users["property_manager"], letter=letter, version=letter.version, text="已清理", evidence=[photo()]
    )
    assert letter.state == LetterState.ANSWERED and letter.evidence.get().round == 1
    letter = services.verify(
        actor=world.users["office"], letter=letter, version=letter.version, rectified=True, note="现场核实"
    )
    assert letter.state == LetterState.CLOSED and letter.verified_by == world.users["office"]


def test_an_answer_sent_back_gets_a_new_deadline_and_is_answered_again(world, clock):
    letter = answered(world)
    clock.shift(days=3)
    letter = services.verify(
        actor=world.users["office"], letter=letter, version=letter.version, rectified=False, note="通道仍有杂物"
    )
    assert letter.state == LetterState.SENT_BACK and letter.sent_back == 1
    assert letter.deadline == deadline_after(clock.today, 10, town_id=world.town.pk).date
    letter = services.answer(
        actor=world.users["property_manager"],
        letter=letter,
        version=letter.version,
        text="已全部清理",
        evidence=[photo()],
    )
    assert letter.state == LetterState.ANSWERED
    assert sorted(letter.evidence.values_list("round", flat=True)) == [1, 2]


def test_an_answer_needs_its_text_and_evidence(world):
    letter = acknowledged(world)
    pm = world.users["property_manager"]
    with pytest.raises(ValidationError, match="Say what was rectified"):
        services.answer(actor=pm, letter=letter, version=letter.version, text=" ", evidence=[photo()])
    with pytest.raises(ValidationError, match="Attach the evidence"):
        services.answer(actor=pm, letter=letter, version=letter.version, text="已清理", evidence=[])
    assert Letter.objects.get(pk=letter.pk).state == LetterState.ACKNOWLEDGED


def test_steps_out_of_their_state_are_refused(world):
    office, pm = world.users["office"], world.users["property_manager"]
    letter = sent(world)
    with pytest.raises(ValidationError, match="cannot answer"):
        services.answer(actor=pm, letter=letter, version=letter.version, text="x", evidence=[photo()])
    with pytest.raises(ValidationError, match="cannot verify"):
        services.verify(actor=office, letter=letter, version=letter.version, rectified=True, note="x")
    with pytest.raises(ValidationError, match="cannot discard"):
        services.discard(actor=office, letter=letter, version=letter.version, reason="x")
    with pytest.raises(ValidationError, match="has not passed"):
        services.escalate(actor=office, letter=letter, version=letter.version)
    done = answered(world)
    closed = services.verify(actor=office, letter=done, version=done.version, rectified=True, note="ok")
    with pytest.raises(ValidationError, match="cannot acknowledge"):
        services.acknowledge(actor=pm, letter=closed, version=closed.version)


def test_the_table_allows_each_step_from_its_states_only():
    S, A = LetterState, LetterAction
    allowed = {
        (A.APPROVE, S.DRAFT),
        (A.DISCARD, S.DRAFT),
        (A.ACKNOWLEDGE, S.SENT),
        (A.ANSWER, S.ACKNOWLEDGED),
        (A.ANSWER, S.SENT_BACK),
        (A.VERIFY, S.ANSWERED),
        (A.SEND_BACK, S.ANSWERED),
        (A.ESCALATE, S.SENT),
        (A.ESCALATE, S.ACKNOWLEDGED),
        (A.ESCALATE, S.SENT_BACK),
    }
    for action in A:
        for state in S:
            assert LETTER_WORKFLOW.allows(action, state) == ((action, state) in allowed), (action, state)


def test_the_wrong_role_or_another_organisation_is_refused(world):
    letter = draft(world)
    for who in ("party_secretary", "property_manager", "leader", "outsider"):
        with pytest.raises(PermissionDenied):
            approve(world, letter, who)
    out = approve(world, letter)
    for who in ("oc_member", "party_secretary", "office", "leader"):
        with pytest.raises(PermissionDenied):
            services.acknowledge(actor=world.users[who], letter=out, version=out.version)
    with pytest.raises(PermissionDenied):
        services.draft_by_hand(
            actor=world.users["outsider"], town=world.town, addressee=world.orgs["pc"], level="notice", cause_text="x"
        )


def test_a_stale_version_is_refused(world):
    letter = sent(world)
    with pytest.raises(ConcurrentEditError):
        services.acknowledge(actor=world.users["property_manager"], letter=letter, version=letter.version - 1)
    stale = draft(world)
    with pytest.raises(ConcurrentEditError):
        services.approve_and_send(actor=world.users["office"], letter=stale, version=stale.version + 1)
    assert Letter.objects.get(pk=stale.pk).state == LetterState.DRAFT


def test_a_draft_by_hand_goes_to_one_of_the_four_parties_of_the_town(world):
    with pytest.raises(ValidationError, match="four parties"):
        draft(world, "police")
    with pytest.raises(ValidationError, match="Say what caused"):
        draft(world, text="  ")
    with pytest.raises(ValidationError, match="compound of the town"):
        draft(world, compound=world.c4)


# --- Credit ---------------------------------------------------------------------------------------


def test_a_warning_letter_to_a_property_company_writes_its_credit_record_once(world):
    notice = sent(world)
    assert notice.credit_record is None
    warning = sent(world, level=Level.WARNING, compound=world.c1)
    record = warning.credit_record
    assert record.category == "warnings.warning" and record.kind == "bad" and record.company == world.orgs["pc"]
    assert record.source_key == f"warnings.letter:{warning.uid}" and record.compound == world.c1
    assert record.source_url == warning.get_absolute_url()
    assert services._credit(warning, date(2026, 12, 7)) == record  # the rule is idempotent on the letter
    assert CreditRecord.objects.filter(source_key__startswith="warnings.").count() == 1
    measures = sent(world, level=Level.MEASURES, measures=[Measure.TALK])
    assert measures.credit_record.category == "warnings.measures"
    assert sent(world, "oc1", level=Level.WARNING).credit_record is None  # only property companies


def test_escalation_past_the_deadline_drafts_the_next_level(world, clock):
    letter = acknowledged(world)
    with pytest.raises(ValidationError, match="has not passed"):
        services.escalate(actor=world.users["office"], letter=letter, version=letter.version)
    clock.move_to(letter.deadline + timedelta(days=1))
    assert services.escalate_overdue() == 1
    assert services.escalate_overdue() == 0
    letter.refresh_from_db()
    assert letter.state == LetterState.ESCALATED
    nxt = Letter.objects.get(previous=letter)
    assert nxt.state == LetterState.DRAFT and nxt.level == Level.WARNING and nxt.addressee == letter.addressee
    assert nxt.cause_key == f"escalation:{letter.uid}" and "〔2026〕第1号" in nxt.cause_text
    assert not Notification.objects.filter(text__contains="警示函").exists()  # a draft: nothing sent


def test_measures_past_their_deadline_are_not_escalated(world, clock):
    letter = sent(world, level=Level.MEASURES, measures=[Measure.TALK])
    clock.move_to(letter.deadline + timedelta(days=2))
    assert services.escalate_overdue() == 0
    with pytest.raises(ValidationError, match="highest level"):
        services.escalate(actor=world.users["office"], letter=letter, version=letter.version)


# --- Templates and settings ------------------------------------------------------------------------


def test_the_towns_template_fills_the_letter(world):
    office = world.users["office"]
    with pytest.raises(ValidationError, match="Unknown placeholder"):
        services.save_template(
            actor=office, town=world.town, level="notice", version=None, title="提示函", body="{who}"
        )
    services.save_template(
        actor=office,
        town=world.town,
        level="notice",
        version=None,
        title="工作提示函",
        body="致{organisation}：{cause} {x",
    )
    letter = sent(world)
    assert letter.title == "工作提示函" and letter.body == "致申江物业：消防通道堆放杂物未清理。 {x"
    with pytest.raises(ConcurrentEditError):
        services.save_template(actor=office, town=world.town, level="notice", version=7, title="a", body="b")
    with pytest.raises(PermissionDenied):
        services.save_template(
            actor=world.users["property_manager"], town=world.town, level="notice", version=1, title="a", body="b"
        )


def test_settings_are_checked(world):
    office = world.users["office"]
    with pytest.raises(ValidationError):
        services.save_settings(actor=office, town=world.town, notice_days=0)
    with pytest.raises(ValidationError):
        services.save_settings(actor=office, town=world.town, disabled_triggers=["nonsense"])
    row = services.save_settings(actor=office, town=world.town, warning_days=7, disabled_triggers=["meetings.missed"])
    assert row.warning_days == 7 and not row.trigger_enabled("meetings.missed")
    with pytest.raises(ConcurrentEditError):
        services.save_settings(actor=office, town=world.town, version=row.version + 1, warning_days=8)


def test_another_member_of_the_organisation_may_answer(world):
    colleague = PersonFactory(town=world.town, name="物业同事")
    MembershipFactory(person=colleague, organization=world.orgs["pc"], title="客服")
    user = login_for(colleague, "pc_colleague")
    letter = sent(world)
    assert services.acknowledge(actor=user, letter=letter, version=letter.version).acknowledged_by == user
