"""One-time codes and expired sessions are deleted once past their period (PIPL; issue 11,
finding 4): in whole days, in batches, one audit entry per run that removed something, never a
code the limits on codes still count."""

import os
import subprocess
import sys
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command

from gongzhi.accounts import services
from gongzhi.accounts.models import PhoneCode
from gongzhi.accounts.retention import purge_phone_codes, purge_sessions
from gongzhi.core import retention
from gongzhi.core.audit_display import action_label, changes
from gongzhi.core.management.commands.periodic import run_once
from gongzhi.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PHONE = "13800000001"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def code_made(when: datetime, phone: str = PHONE) -> int:
    row = PhoneCode.objects.create(phone=phone, code_hash="x", address="198.51.100.7", expires_at=when)
    PhoneCode.objects.filter(pk=row.pk).update(created_at=when)
    return row.pk


def left() -> set[int]:
    return set(PhoneCode.objects.values_list("pk", flat=True))


@pytest.mark.frozen("2026-11-27 10:00")
def test_codes_past_the_period_go_and_the_younger_stay(clock):
    assert django_settings.RETENTION_PHONE_CODES_DAYS == 30
    old = code_made(at("2026-10-27 23:59:59"))  # the day before the 30 days kept: due
    first_kept = code_made(at("2026-10-28 00:00"))
    past_30_days_today = code_made(at("2026-10-28 09:00"))  # 30 days and an hour: due at the next midnight
    recent = code_made(at("2026-11-27 09:59"))

    assert purge_phone_codes(dry_run=True) == 1 and len(left()) == 4
    assert purge_phone_codes() == 1
    assert left() == {first_kept, past_30_days_today, recent} and old not in left()
    entry = AuditEntry.objects.get(action__startswith="retention.")
    assert (entry.action, entry.actor_id, entry.chain.key, entry.town_id) == (
        "retention.phone_codes",
        None,
        "platform",
        None,
    )
    assert entry.after == {"count": 1, "dated_before": "2026-10-28", "retention_days": 30}
    assert entry.object_type == "contenttypes.contenttype"
    assert action_label(entry.action) == "Sign-in codes past their retention period deleted"
    assert changes(entry) == [
        ("Records removed or cleared", None, 1),
        ("Dated before", None, "2026-10-28"),
        ("Retention period (days)", None, 30),
    ]

    assert purge_phone_codes() == 0  # a second run changes nothing, and records nothing
    assert AuditEntry.objects.filter(action__startswith="retention.").count() == 1

    clock.move_to("2026-11-28 00:00")
    assert purge_phone_codes() == 2
    assert left() == {recent}


@pytest.mark.frozen("2026-11-27 10:00")
def test_the_period_is_a_setting(settings):
    settings.RETENTION_PHONE_CODES_DAYS = 10
    old = code_made(at("2026-11-16 23:59"))
    kept = code_made(at("2026-11-17 00:00"))
    assert purge_phone_codes() == 1
    assert left() == {kept} and old not in left()
    assert AuditEntry.objects.get(action="retention.phone_codes").after["retention_days"] == 10


@pytest.mark.frozen("2026-11-27 10:00")
def test_never_shorter_than_what_the_limits_on_codes_count(settings, monkeypatch):
    """The wrong codes per number and day count the codes of the last 24 hours: a period below
    2 days is taken as 2, and a number's cap for the day still holds after a purge."""
    settings.RETENTION_PHONE_CODES_DAYS = 1
    settings.OTP_MAX_FAILURES_PER_PHONE_PER_DAY = 2
    settings.OTP_RESEND_SECONDS = 0
    monkeypatch.setattr(services, "send_sms", lambda number, message: None)
    for _code in range(2):
        services.request_phone_code(phone=PHONE, address="198.51.100.7")
        with pytest.raises(ValidationError):
            services.verify_phone_code(phone=PHONE, code="000000")
    due = code_made(at("2026-11-24 23:59"))
    kept = code_made(at("2026-11-25 23:59"))  # would be due with a period of one day
    assert purge_phone_codes() == 1 and due not in left() and kept in left()
    assert AuditEntry.objects.get(action="retention.phone_codes").after["retention_days"] == 2
    services.request_phone_code(phone=PHONE, address="198.51.100.7")
    with pytest.raises(ValidationError, match="today"):
        services.verify_phone_code(phone=PHONE, code="000000")


@pytest.mark.parametrize(
    ("name", "value", "refused"),
    [
        ("RETENTION_PHONE_CODES_DAYS", "1", True),
        ("RETENTION_PHONE_CODES_DAYS", "2", False),
        ("RETENTION_NOTIFICATIONS_DAYS", "0", True),
        ("RETENTION_INTAKE_PAYLOADS_DAYS", "0", True),
        ("RETENTION_SUBMITTED_FROM_DAYS", "0", True),
    ],
)
def test_the_settings_refuse_a_period_the_limits_cannot_live_with(name, value, refused):
    env = {**os.environ, "DEBUG": "true", name: value}
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed statement
        [sys.executable, "-c", "import gongzhi.settings"],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if refused:
        assert done.returncode != 0 and f"{name} must be at least" in done.stderr
    else:
        assert done.returncode == 0, done.stderr


@pytest.mark.frozen("2026-11-27 10:00")
def test_a_large_backlog_goes_in_batches_one_transaction_and_entry_per_run(monkeypatch):
    monkeypatch.setattr(retention, "BATCH_SIZE", 2)
    monkeypatch.setattr(retention, "MAX_BATCHES", 2)
    for day in range(5):
        code_made(at("2026-09-01 10:00") + timedelta(days=day))
    assert purge_phone_codes() == 4  # two batches of two: the most one run does
    assert purge_phone_codes() == 1
    assert purge_phone_codes() == 0
    assert [e.after["count"] for e in AuditEntry.objects.filter(action="retention.phone_codes").order_by("seq")] == [
        4,
        1,
    ]


@pytest.mark.frozen("2026-11-27 10:00")
def test_the_deletion_and_its_audit_entry_commit_together(monkeypatch):
    code_made(at("2026-09-01 10:00"))

    def broken(*args, **kwargs):
        raise RuntimeError("the audit log refused")

    monkeypatch.setattr(retention.audit, "record", broken)
    with pytest.raises(RuntimeError):
        purge_phone_codes()
    assert PhoneCode.objects.count() == 1


def session(key: str, expires: datetime) -> None:
    Session.objects.create(session_key=key, session_data="e30:x", expire_date=expires)


@pytest.mark.frozen("2026-11-27 10:00")
def test_sessions_expired_before_today_go(clock):
    session("expired-yesterday", at("2026-11-26 23:59"))
    session("expired-this-morning", at("2026-11-27 08:00"))  # unusable already; goes tomorrow
    session("valid", at("2026-11-28 08:00"))
    assert purge_sessions() == 1
    assert set(Session.objects.values_list("session_key", flat=True)) == {"expired-this-morning", "valid"}
    entry = AuditEntry.objects.get(action="retention.sessions")
    assert entry.after == {"count": 1, "dated_before": "2026-11-27"}
    assert purge_sessions() == 0
    clock.move_to("2026-11-28 00:00")
    assert purge_sessions() == 1
    assert set(Session.objects.values_list("session_key", flat=True)) == {"valid"}


@pytest.mark.frozen("2026-11-27 10:00")
def test_sessions_outside_the_database_are_not_ours_to_purge(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    session("expired", at("2026-11-01 10:00"))
    assert purge_sessions() == 0 and Session.objects.count() == 1


@pytest.mark.frozen("2026-11-27 10:00")
def test_the_periodic_command_and_purge_expired_run_the_purges():
    code_made(at("2026-09-01 10:00"))
    code_made(at("2026-09-02 10:00"))
    out = StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert "retention.phone_codes: 2 due" in out.getvalue() and PhoneCode.objects.count() == 2
    results = run_once()
    assert results["retention.phone_codes"] == 2 and results["retention.sessions"] == 0
    assert not PhoneCode.objects.exists()
    code_made(at("2026-09-03 10:00"))
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "retention.phone_codes: 1 removed or cleared" in out.getvalue() and not PhoneCode.objects.exists()
