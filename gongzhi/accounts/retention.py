"""What the sign-in keeps of people, and for how long (PIPL; gongzhi.core.retention): one-time
codes (a mobile number and the client's address) and expired sessions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session

from gongzhi.core import retention

from .models import PhoneCode

# The limits on codes (gongzhi.accounts.services) count the codes of the last hour (per number,
# per address) and of the last 24 hours (wrong codes per number and day): a code must outlive
# them, or a purge would lift a limit. The settings refuse a shorter period; this also holds
# where they are overridden (tests).
LEAST_PHONE_CODE_DAYS = 2

# Session engines that keep sessions in the database table (django.contrib.sessions.models).
DATABASE_SESSION_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def purge_phone_codes(*, dry_run: bool = False) -> int:
    """Delete the one-time codes made before the period `RETENTION_PHONE_CODES_DAYS` (used,
    expired or never used alike: after that period no limit reads them)."""
    days = max(settings.RETENTION_PHONE_CODES_DAYS, LEAST_PHONE_CODE_DAYS)
    before = retention.period_start(days)
    rows = PhoneCode.objects.filter(created_at__lt=before)
    return retention.apply(
        "phone_codes", rows, retention.delete_rows(PhoneCode), before=before, days=days, dry_run=dry_run
    )


def purge_sessions(*, dry_run: bool = False) -> int:
    """Delete the sessions that expired before today (Django's `clearsessions`, in batches and
    once a day). Nothing to do when sessions are not kept in the database (the cache or
    signed-cookie engines expire them themselves)."""
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return 0
    before = retention.period_start(0)
    rows = Session.objects.filter(expire_date__lt=before)
    return retention.apply("sessions", rows, retention.delete_rows(Session), before=before, dry_run=dry_run)
