"""A public report's client address is cleared once past `RETENTION_SUBMITTED_FROM_DAYS` (PIPL;
issue 11, finding 4): by a bulk UPDATE that changes nothing else of the case and writes no entry in
its history; one entry in the platform chain says how many."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from gongzhi.cases.models import Case
from gongzhi.cases.retention import purge_submitted_from
from gongzhi.cases.services import submit_case
from gongzhi.cases.town_settings import settings_for
from gongzhi.core import audit
from gongzhi.core.audit_display import action_label
from gongzhi.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ADDRESS = "198.51.100.7"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def reported(world, report):
    """reported(when) → a case reported through the compound's QR code from ADDRESS, `when` (Shanghai)."""

    def make(when: str) -> Case:
        case = submit_case(
            actor=None, report=report(), channel="qr", address=ADDRESS, reporter_user=world.users["resident"]
        )
        Case.objects.filter(pk=case.pk).update(submitted_at=at(when))
        case.refresh_from_db()
        return case

    return make


def everything(case: Case) -> dict:
    fresh = Case.objects.get(pk=case.pk)
    data = model_to_dict(fresh, exclude=["submitted_from", "co_handlers"])
    return {**data, "updated_at": fresh.updated_at, "version": fresh.version, "submitted_at": fresh.submitted_at}


@pytest.mark.frozen("2026-11-27 10:00")
def test_the_address_is_cleared_after_the_period_and_nothing_else_changes(world, reported, clock):
    assert django_settings.RETENTION_SUBMITTED_FROM_DAYS == 30
    due = reported("2026-10-27 23:59")
    kept = reported("2026-10-28 00:00")
    before = everything(due)
    history = list(audit.timeline(due).values_list("pk", flat=True))

    assert purge_submitted_from(dry_run=True) == 1
    assert purge_submitted_from() == 1
    assert Case.objects.get(pk=due.pk).submitted_from is None
    assert Case.objects.get(pk=kept.pk).submitted_from == ADDRESS
    assert everything(due) == before  # not updated_at, not version, nothing else
    assert list(audit.timeline(due).values_list("pk", flat=True)) == history  # no entry in the case's history
    entry = AuditEntry.objects.get(action="retention.submitted_from")
    assert (entry.actor_id, entry.chain.key, entry.town_id) == (None, "platform", None)
    assert entry.after == {"count": 1, "dated_before": "2026-10-28", "retention_days": 30}
    assert action_label(entry.action) == "Reporters' network addresses past their retention period cleared"

    assert purge_submitted_from() == 0  # a second run changes nothing
    assert AuditEntry.objects.filter(action="retention.submitted_from").count() == 1

    clock.move_to("2026-11-28 00:00")
    assert purge_submitted_from() == 1
    assert not Case.objects.filter(submitted_from__isnull=False).exists()


@pytest.mark.frozen("2026-11-27 10:00")
def test_the_period_is_a_setting(world, reported, settings):
    settings.RETENTION_SUBMITTED_FROM_DAYS = 3
    due = reported("2026-11-23 23:59")
    kept = reported("2026-11-24 00:00")
    assert purge_submitted_from() == 1
    assert Case.objects.get(pk=due.pk).submitted_from is None
    assert Case.objects.get(pk=kept.pk).submitted_from == ADDRESS


@pytest.mark.frozen("2026-11-27 23:45")
def test_the_limit_per_address_still_counts_across_midnight(world, report, settings, clock):
    """The shortest period (1 day) still keeps every address the public form's limit reads (the
    last hour), also just after midnight."""
    settings.RETENTION_SUBMITTED_FROM_DAYS = 1
    for _n in range(settings_for(world.town.pk).reports_per_address_per_hour):
        submit_case(actor=None, report=report(reporter_phone=""), channel="qr", address=ADDRESS)
    clock.move_to("2026-11-28 00:30")
    assert purge_submitted_from() == 0
    with pytest.raises(ValidationError, match="this network"):
        submit_case(actor=None, report=report(reporter_phone=""), channel="qr", address=ADDRESS)
