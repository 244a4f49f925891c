"""A hotline call's details (the caller's name and number) are cleared once processed longer than
`RETENTION_INTAKE_PAYLOADS_DAYS` (PIPL; issue 11, finding 4); the intake stays the record of its
Idempotency-Key: a repeat is still answered with its case, another call with that key still
refused."""

import pytest
from django.conf import settings as django_settings

from gongzhi.api.models import Intake
from gongzhi.api.retention import purge_intake_payloads
from gongzhi.cases.models import Case
from gongzhi.core.audit_display import action_label
from gongzhi.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CASES = "/api/v1/cases"


@pytest.mark.frozen("2026-11-27 10:00")
def test_details_are_cleared_after_the_period_and_a_repeat_still_answers(world, categories, api, call, clock):
    assert django_settings.RETENTION_INTAKE_PAYLOADS_DAYS == 90
    made = api.take_in(call(), "call-0001")  # processed 2026-11-27 10:00
    assert made["status"] == "created"
    intake = Intake.objects.get()
    assert intake.payload["reporter_phone"] == "13800000001"

    clock.move_to("2027-02-25 23:59")  # 90 days later, still within the day: kept
    assert purge_intake_payloads() == 0
    clock.move_to("2027-02-26 00:00")  # 2026-11-27 is now before the first day kept
    assert purge_intake_payloads() == 1
    intake.refresh_from_db()
    assert intake.payload == {} and intake.errors == {}
    assert (intake.status, intake.case.number, intake.external_ref) == (
        "created",
        made["case"]["number"],
        "12345-20261127-0001",
    )
    entry = AuditEntry.objects.get(action="retention.intake_payloads")
    assert (entry.actor_id, entry.chain.key) == (None, "platform")
    assert entry.after == {"count": 1, "dated_before": "2026-11-28", "retention_days": 90}
    assert action_label(entry.action) == "Hotline call details past their retention period cleared"
    assert purge_intake_payloads() == 0  # a second run changes nothing
    assert AuditEntry.objects.filter(action="retention.intake_payloads").count() == 1

    # The bridge repeats the old call: the same intake and case, not a new case.
    again = api.post(CASES, call(), key="call-0001")
    assert again.status_code == 200, again.content
    body = again.json()
    assert body["replayed"] is True and body["receipt"] == made["receipt"]
    assert body["case"]["number"] == made["case"]["number"] and body["status"] == "created"
    assert api.get(f"/api/v1/intakes/{made['receipt']}").json()["case"]["number"] == made["case"]["number"]
    # Another call with that key is still refused.
    other = api.post(CASES, call(description="另一件事：电梯停运三天了"), key="call-0001")
    assert other.status_code == 409 and made["case"]["number"] in other.json()["detail"]
    assert Case.objects.count() == 1 and Intake.objects.count() == 1


@pytest.mark.frozen("2026-11-27 10:00")
def test_a_failed_call_keeps_the_fields_it_failed_on_not_the_messages(world, categories, api, call, clock):
    from gongzhi.testing import CompoundFactory, NeighborhoodFactory

    CompoundFactory(neighborhood=NeighborhoodFactory(town=world.town), code="new1")
    failed = api.take_in(call(compound="new1", building=None, unit=None, category="SECURITY"), "k")
    assert failed["status"] == "failed" and failed["errors"]["__all__"]
    clock.move_to("2027-02-26 00:00")
    assert purge_intake_payloads() == 1
    intake = Intake.objects.get()
    assert intake.payload == {} and intake.errors == {"__all__": []}
    again = api.post(CASES, call(compound="new1", building=None, unit=None, category="SECURITY"), key="k")
    assert again.status_code == 200 and again.json()["status"] == "failed"
    assert again.json()["errors"] == {"__all__": []}


@pytest.mark.frozen("2026-11-27 10:00")
def test_a_pending_call_is_never_cleared_and_the_period_is_a_setting(world, categories, api, call, clock, settings):
    settings.RETENTION_INTAKE_PAYLOADS_DAYS = 7
    processed = api.take_in(call(), "done")
    pending = api.post(CASES, call(description="楼道灯不亮，已经一周了"), key="waiting").json()
    clock.move_to("2026-12-04 23:59")  # 7 days kept: 2026-11-27 is the first day kept
    assert purge_intake_payloads() == 0
    clock.move_to("2026-12-05 00:00")
    assert purge_intake_payloads(dry_run=True) == 1
    assert purge_intake_payloads() == 1
    assert Intake.objects.get(uid=processed["receipt"]).payload == {}
    assert Intake.objects.get(uid=pending["receipt"]).payload["description"] == "楼道灯不亮，已经一周了"
