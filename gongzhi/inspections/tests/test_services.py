"""The inspections' services: checklist versions, plans within coverage, the once-only submit,
photos refused whole, routing of rectification orders, every order transition, the overdue sweep."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.core.workflow import ConcurrentEditError
from gongzhi.inspections import services
from gongzhi.inspections.models import (
    Checklist,
    Finding,
    Inspection,
    ItemResult,
    Photo,
    RectificationOrder,
    Visit,
)
from gongzhi.inspections.services import FindingInput, ResultInput, SectionSpec
from gongzhi.inspections.workflow import ORDER_WORKFLOW, OrderState

from .factories import (
    all_passed,
    inspected_with_order,
    item,
    noisy_photo,
    not_a_picture,
    photo,
    planned_visit,
    published_checklist,
    submit,
)

pytestmark = pytest.mark.django_db


# --- Checklists -----------------------------------------------------------------------------------


def test_a_published_checklist_is_frozen_and_revising_makes_the_next_version(world):
    v1 = published_checklist(world)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.save_checklist_draft(
            actor=world.users["office"], checklist=v1, version=v1.version, name="x", sections=[SectionSpec("a", ())]
        )
    v2 = services.revise_checklist(actor=world.users["office"], checklist=v1)
    assert (v2.series, v2.number, v2.state) == (v1.series, 2, Checklist.State.DRAFT)
    assert [i.text for i in v2.items.all()] == [i.text for i in v1.items.all()]
    assert services.revise_checklist(actor=world.users["office"], checklist=v1) == v2  # one draft at a time
    services.publish_checklist(actor=world.users["office"], checklist=v2, version=v2.version)
    v1.refresh_from_db()
    assert v1.state == Checklist.State.SUPERSEDED


def test_checklist_changed_mid_quarter_keeps_old_inspections_version(world):
    v1 = published_checklist(world)
    inspection = submit(world, planned_visit(world, v1))
    office = world.users["office"]
    v2 = services.revise_checklist(actor=office, checklist=v1)
    v2 = services.save_checklist_draft(
        actor=office,
        checklist=v2,
        version=v2.version,
        name="日常检查表（修订）",
        sections=[SectionSpec("消防", (services.ItemSpec("消防通道畅通", weight=5),))],
    )
    services.publish_checklist(actor=office, checklist=v2, version=v2.version)
    inspection.refresh_from_db()
    assert inspection.checklist == v1
    assert inspection.score == 100
    assert sorted(r.item.text for r in inspection.results.all()) == sorted(i.text for i in v1.items.all())
    assert list(v1.items.values_list("text", flat=True)) == ["楼道无堆物", "垃圾分类规范", "业委会公示收支"]
    # New visits take the new version only.
    with pytest.raises(ValidationError):
        planned_visit(world, v1)
    assert planned_visit(world, v2).checklist == v2


def test_only_the_office_edits_checklists(world):
    with pytest.raises(ValidationError):
        services.create_checklist(actor=world.users["inspector"], town=world.town, name="x")
    with pytest.raises(ValidationError):
        services.create_checklist(actor=world.users["outsider"], town=world.town, name="x")


def test_a_checklist_for_chosen_compounds_applies_only_there(world):
    checklist = published_checklist(world, all_compounds=False, compounds=[world.c1])
    assert checklist.applies_to(world.c1) and not checklist.applies_to(world.c3)
    with pytest.raises(ValidationError, match="applies to the compound"):
        planned_visit(world, checklist, compound=world.c3)


def test_stale_version_is_refused(world):
    office = world.users["office"]
    draft = services.create_checklist(
        actor=office, town=world.town, name="x", sections=[SectionSpec("a", (services.ItemSpec("b"),))]
    )
    with pytest.raises(ConcurrentEditError):
        services.publish_checklist(actor=office, checklist=draft, version=draft.version + 1)


# --- Plans ----------------------------------------------------------------------------------------


def test_a_group_plans_only_within_its_coverage(world):
    checklist = published_checklist(world)
    with pytest.raises(ValidationError, match="coverage"):
        planned_visit(world, checklist, compound=world.c1)  # g1 covers 世博 (n2), not 新城一村
    with pytest.raises(ValidationError):
        planned_visit(world, checklist, group="g3", compound=world.c2)  # the inspector is not in g3
    visit = planned_visit(world, checklist, group="g3", compound=world.c2, actor="office")  # the office may
    assert visit.group == world.bodies["g3"]


def test_members_are_the_groups_people(world):
    with pytest.raises(ValidationError, match="group's members"):
        services.plan_visit(
            actor=world.users["inspector"],
            group=world.bodies["g1"],
            compound=world.c3,
            on=timezone.localdate(),
            checklist=published_checklist(world),
            members=[world.people["office"]],
        )


# --- Carrying out ---------------------------------------------------------------------------------


def test_submit_scores_with_the_one_function_and_closes_the_visit(world):
    visit = planned_visit(world)
    checklist = visit.checklist
    results = all_passed(
        checklist,
        **{
            item(checklist, "垃圾分类规范").uid: ResultInput("scored", 3),
            item(checklist, "业委会公示收支").uid: ResultInput("na"),
        },
    )
    inspection = submit(world, visit, results=results)
    # earned 2 + 3×3/5 = 3.8 of 5 → 76.0
    assert str(inspection.score) == "76.0"
    visit.refresh_from_db()
    assert visit.state == Visit.State.DONE
    assert inspection.results.get(item__text="楼道无堆物").photos.count() == 1
    assert AuditEntry.objects.filter(action="inspections.inspection.submit", object_id=str(inspection.pk)).count() == 1


def test_the_same_submission_twice_is_taken_once(world):
    visit = planned_visit(world)
    first = submit(world, visit, key="flaky-phone-key-1")
    second = submit(world, visit, key="flaky-phone-key-1")
    assert first == second
    assert Inspection.objects.count() == 1
    assert ItemResult.objects.count() == 3
    assert Photo.objects.count() == 1
    assert AuditEntry.objects.filter(action="inspections.inspection.submit").count() == 1
    # Another key for a visit already inspected is refused, not a second record.
    with pytest.raises(ValidationError, match="already been inspected"):
        submit(world, visit, key="another-key-2")
    assert Inspection.objects.count() == 1


def test_a_missing_required_photo_refuses_everything(world):
    visit = planned_visit(world)
    checklist = visit.checklist
    results = all_passed(checklist, **{item(checklist, "楼道无堆物").uid: ResultInput("pass")})
    with pytest.raises(ValidationError, match="needs a photo"):
        submit(world, visit, results=results)
    assert not Inspection.objects.exists() and not Photo.objects.exists()
    visit.refresh_from_db()
    assert visit.state == Visit.State.PLANNED


@pytest.mark.parametrize(
    "upload, message",
    [
        (not_a_picture(), "not a picture we can read"),
        (noisy_photo(), "larger than"),
    ],
)
def test_bad_photos_are_refused_with_their_reason_and_nothing_is_written(world, upload, message, monkeypatch, settings):
    settings.LANGUAGE_CODE = "en"
    if upload.name == "huge.jpg":
        monkeypatch.setattr("gongzhi.core.uploads.MAX_BYTES", 20_000)
    visit = planned_visit(world)
    checklist = visit.checklist
    stairs = item(checklist, "楼道无堆物")
    results = all_passed(checklist, **{stairs.uid: ResultInput("fail")})
    findings = [FindingInput("楼道堆物", "1号楼", stairs.uid, [photo("ok.jpg"), upload])]
    with pytest.raises(ValidationError, match=message) as error:
        submit(world, visit, results=results, findings=findings)
    assert upload.name in " ".join(error.value.messages)
    assert not Inspection.objects.exists() and not Photo.objects.exists() and not Finding.objects.exists()


def test_bad_photo_message_in_chinese(world):
    from django.utils import translation

    visit = planned_visit(world)
    checklist = visit.checklist
    results = all_passed(
        checklist, **{item(checklist, "楼道无堆物").uid: ResultInput("pass", photos=[not_a_picture()])}
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        submit(world, visit, results=results)
    text = " ".join(error.value.messages)
    assert "notes.jpg" in text and "楼道无堆物" in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text.replace("楼道无堆物", ""))


def test_every_item_must_be_answered(world):
    visit = planned_visit(world)
    results = all_passed(visit.checklist)
    results.pop(item(visit.checklist, "业委会公示收支").uid)
    with pytest.raises(ValidationError, match="1 left"):
        submit(world, visit, results=results)


def test_a_score_outside_the_scale_is_refused(world):
    visit = planned_visit(world)
    results = all_passed(visit.checklist, **{item(visit.checklist, "垃圾分类规范").uid: ResultInput("scored", 6)})
    with pytest.raises(ValidationError, match="from 0 to 5"):
        submit(world, visit, results=results)


def test_another_groups_inspector_cannot_submit(world):
    visit = planned_visit(world, group="g3", compound=world.c2, actor="office")
    with pytest.raises(ValidationError):
        submit(world, visit, results=all_passed(visit.checklist))


# --- Rectification --------------------------------------------------------------------------------


def test_a_finding_is_routed_by_its_items_organisation_kind(world):
    _inspection, order = inspected_with_order(world)
    assert order.responsible == world.orgs["pc"]  # 申江物业 serves 世博家园
    assert order.state == OrderState.ISSUED
    assert order.due_on > timezone.localdate()


def test_the_inspector_may_choose_another_serving_organisation_but_not_a_foreign_one(world):
    _inspection, order = inspected_with_order(world, responsible=world.orgs["rc2"])
    assert order.responsible == world.orgs["rc2"]
    visit = planned_visit(world, order.finding.inspection.checklist)
    with pytest.raises(ValidationError, match="serving the compound"):
        submit(
            world,
            visit,
            key="key-foreign-0001",
            results=all_passed(visit.checklist),
            findings=[FindingInput("x", responsible=world.orgs["oc1"])],  # 新城一村's committee
        )


@pytest.mark.frozen("2026-09-24 10:00")
def test_due_date_counts_working_days(world):
    _inspection, order = inspected_with_order(world)
    # 10 working days after 2026-09-24 across the holidays (DOMAIN-RULES: 5 → 10-09): 9/28, 9/29, 9/30,
    # 10/8, 10/9, 10/10 (a make-up Saturday), 10/12, 10/13, 10/14, 10/15.
    assert order.due_on.isoformat() == "2026-10-15"


def _answer(world, order, actor="property_manager"):
    return services.answer_order(
        actor=world.users[actor], order=order, version=order.version, text="已清理", photos=[photo("after.jpg")]
    )


def test_the_order_walks_issued_answered_sent_back_answered_closed(world):
    _inspection, order = inspected_with_order(world)
    order = _answer(world, order)
    assert order.state == OrderState.ANSWERED and order.photos.count() == 1
    order = services.send_back_order(
        actor=world.users["inspector"], order=order, version=order.version, note="仍有堆物"
    )
    assert (order.state, order.sent_back) == (OrderState.SENT_BACK, 1)
    order = _answer(world, order)
    order = services.close_order(actor=world.users["inspector"], order=order, version=order.version, note="已整改")
    assert order.state == OrderState.CLOSED and order.closed_at
    actions = list(
        AuditEntry.objects.filter(object_type="inspections.rectificationorder").values_list("action", flat=True)
    )
    assert actions == [
        "inspections.rectificationorder.create",
        "inspections.rectificationorder.answer",
        "inspections.rectificationorder.send_back",
        "inspections.rectificationorder.answer",
        "inspections.rectificationorder.close",
    ]


CALLS = {
    "answer": lambda world, order: _answer(world, order),
    "close": lambda world, order: services.close_order(
        actor=world.users["inspector"], order=order, version=order.version
    ),
    "send_back": lambda world, order: services.send_back_order(
        actor=world.users["inspector"], order=order, version=order.version, note="不合格"
    ),
}


def _order_in(world, state):
    _inspection, order = inspected_with_order(world)
    RectificationOrder.objects.filter(pk=order.pk).update(state=state)
    order.refresh_from_db()
    return order


@pytest.mark.parametrize("state", OrderState.values)
@pytest.mark.parametrize("action", ORDER_WORKFLOW.actions)
def test_every_transition_allowed_or_refused(world, state, action):
    order = _order_in(world, state)
    target = ORDER_WORKFLOW.target(action, state)
    if target is None:
        with pytest.raises(ValidationError, match="cannot be"):
            CALLS[action](world, order)
        order.refresh_from_db()
        assert order.state == state
    else:
        assert CALLS[action](world, order).state == target


def test_only_the_responsible_organisation_answers_and_only_the_group_rechecks(world):
    _inspection, order = inspected_with_order(world)
    for persona in ("oc_member", "rc_worker", "inspector", "gov_staff"):
        with pytest.raises(ValidationError, match="may not"):
            _answer(world, order, persona)
    order = _answer(world, order)
    for persona in ("property_manager", "party_secretary", "leader"):
        with pytest.raises(ValidationError, match="may not"):
            services.close_order(actor=world.users[persona], order=order, version=order.version)
    assert services.close_order(actor=world.users["office"], order=order, version=order.version).state == "closed"


def test_an_answer_needs_text_and_evidence(world):
    _inspection, order = inspected_with_order(world)
    with pytest.raises(ValidationError):
        services.answer_order(
            actor=world.users["property_manager"], order=order, version=order.version, text="", photos=[photo()]
        )
    with pytest.raises(ValidationError, match="at least one photo"):
        services.answer_order(actor=world.users["property_manager"], order=order, version=order.version, text="好了")


def test_the_sweep_flags_overdue_orders_once(world, clock):
    _inspection, order = inspected_with_order(world)
    assert services.flag_overdue_orders() == 0
    clock.move_to(order.due_on + timedelta(days=1))
    assert services.flag_overdue_orders() == 1
    assert services.flag_overdue_orders() == 0
    order.refresh_from_db()
    assert order.overdue
    assert RectificationOrder.objects.overdue().count() == 1
    assert AuditEntry.objects.filter(action="inspections.rectificationorder.overdue").count() == 1
    order = _answer(world, order)
    assert not order.overdue
