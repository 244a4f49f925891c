"""A resident's case seen fixed on site by an inspection group (issue 12 item 4; DOMAIN-RULES: a case is
confirmed resolved by the resident at follow-up, or by inspection): the case closes confirmed fixed with
a valid follow-up and no rating — it counts in 处置有效率, never in 群众满意率 — and only the group
covering the compound, on a resolved case of the inspected compound, within the week, may do it. And a
planned visit cancelled from its page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongzhi.cases import services as case_services
from gongzhi.cases.configuration import install_default_categories
from gongzhi.cases.models import Case, Category
from gongzhi.cases.stats import contributions
from gongzhi.cases.workflow import State
from gongzhi.core.models import AuditEntry
from gongzhi.inspections import services
from gongzhi.inspections.models import CaseConfirmation, Inspection

from .factories import planned_visit, submit

pytestmark = pytest.mark.django_db


def _case(world, compound, resolved=True):
    """A case in `compound` entered by the office, accepted and (by default) resolved by its handler."""
    install_default_categories(actor=None, town=world.town)
    office = world.users["office"]
    case = case_services.submit_case(
        actor=office,
        report=case_services.Report(
            compound=compound,
            category=Category.objects.get(town=world.town, code="REPAIR"),
            description="2号楼路灯不亮",
            reporter_name="居民乙",
            reporter_phone="13900000002",
        ),
        channel="phone",
    )
    handler = case.handler
    actor = next(u for u in world.users.values() if handler.pk in _org_ids(u))
    case = case_services.accept_case(actor=actor, case=case, expected_version=case.version)
    if resolved:
        case = case_services.resolve_case(
            actor=actor, case=case, resolution="已更换灯泡", expected_version=case.version
        )
    return case


def _org_ids(user):
    from gongzhi.core.scope import get_scope

    return get_scope(user).organization_ids


@pytest.fixture
def inspection(world):
    return submit(world, planned_visit(world))  # 世博家园 (c3), group g1


def test_the_group_confirms_a_resolved_case_fixed_on_site(world, inspection):
    case = _case(world, world.c3)
    row = services.confirm_case_on_site(
        actor=world.users["inspector"], inspection=inspection, case=case, note="现场查看路灯已亮"
    )
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.fixed is True and case.followup_valid is True
    assert case.feedback_source == Case.FeedbackSource.INSPECTION and case.rating == ""
    assert row.inspection == inspection and row.case == case and row.note == "现场查看路灯已亮"
    counted = {name for (_key, name), n in contributions(case, 1).items() if n}
    assert {"closed_valid", "confirmed_fixed"} <= counted  # 处置有效率: numerator and denominator
    assert not counted & {"rated_satisfied", "rated_basic", "rated_unsatisfied", "answer_not_counted"}
    assert AuditEntry.objects.filter(action="cases.case.confirm_on_site", object_id=str(case.pk)).exists()
    assert AuditEntry.objects.filter(action="inspections.inspection.confirm_case").exists()


@pytest.mark.parametrize(
    "situation, words",
    [
        ("not resolved", "cannot be changed that way"),
        ("other compound", "not about this compound"),
        ("old inspection", "within 7 days"),
        ("no note", "Say what you saw on site"),
        ("not the group", "You may not do this"),
    ],
)
def test_refused_confirmations_write_nothing(world, inspection, situation, words):
    actor, note = world.users["inspector"], "现场查看已修复"
    case = _case(world, world.c3, resolved=situation != "not resolved")
    if situation == "other compound":
        case = _case(world, world.c2)
    if situation == "old inspection":
        Inspection.objects.filter(pk=inspection.pk).update(submitted_at=inspection.submitted_at - timedelta(days=8))
        inspection.refresh_from_db()
    if situation == "no note":
        note = " "
    if situation == "not the group":
        actor = world.users["property_manager"]
    before = case.version
    with pytest.raises(ValidationError) as refused:
        services.confirm_case_on_site(actor=actor, inspection=inspection, case=case, note=note)
    assert words in " ".join(refused.value.messages)
    case.refresh_from_db()
    assert case.version == before and case.state != State.CLOSED
    assert not CaseConfirmation.objects.exists()


def test_the_inspection_page_lists_the_cases_and_keeps_a_refused_note(world, inspection, client_for):
    case = _case(world, world.c3)
    inspector = client_for("inspector")
    url = reverse("inspections:visit", args=[inspection.visit.uid])
    page = inspector.get(url).content.decode()
    assert case.number in page and "Seen fixed on site" in page
    # The resident answered meanwhile: the group's confirmation is refused in words, the note kept.
    Case.objects.filter(pk=case.pk).update(state=State.CLOSED)
    confirm = reverse("inspections:confirm_case", args=[inspection.visit.uid])
    refused = inspector.post(confirm, {"case": case.uid, "note": "路灯已亮，已拍照"})
    assert refused.status_code == 400
    assert "not waiting for confirmation" in refused.content.decode()
    Case.objects.filter(pk=case.pk).update(state=State.RESOLVED)
    short = inspector.post(confirm, {"case": case.uid, "note": "灯"})
    assert short.status_code == 400 and "Say what you saw on site" in short.content.decode()
    assert 'value="灯"' in short.content.decode()  # what was typed is still there
    done = inspector.post(confirm, {"case": case.uid, "note": "路灯已亮"})
    assert done.status_code == 302
    page = inspector.get(url).content.decode()
    assert 'data-testid="confirmed-case"' in page and "路灯已亮" in page
    # The property company reads the inspection but is offered no confirmation.
    seen = client_for("property_manager").get(url).content.decode()
    assert "Seen fixed on site" not in seen
    assert client_for("property_manager").post(confirm, {"case": case.uid, "note": "x"}).status_code == 404


def test_a_planned_visit_is_cancelled_once_after_asking(world, client_for):
    from gongzhi.inspections.models import Visit

    visit = planned_visit(world)
    inspector = client_for("inspector")
    page = inspector.get(reverse("inspections:visit", args=[visit.uid])).content.decode()
    assert 'data-testid="cancel-visit"' in page and "data-confirm=" in page
    url = reverse("inspections:visit_cancel", args=[visit.uid])
    assert client_for("property_manager").post(url, {"version": visit.version}).status_code == 404
    assert inspector.post(url, {"version": visit.version}).status_code == 302
    visit.refresh_from_db()
    assert visit.state == Visit.State.CANCELLED
    again = inspector.post(url, {"version": visit.version}, follow=True)
    assert "Only a planned visit can be cancelled" in again.content.decode()
    page = inspector.get(reverse("inspections:visit", args=[visit.uid])).content.decode()
    assert 'data-testid="cancel-visit"' not in page
