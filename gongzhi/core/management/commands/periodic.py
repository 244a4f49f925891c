"""The platform's periodic work, one idempotent command: run it from cron every few minutes in
production (`manage.py periodic`), or let `make run` repeat it (`--every 300`). The steps are the
sweeps the apps register (gongzhi.core.registry.sweep), in their order; each may run any number of
times: a second run changes nothing.

One run at a time: a run takes the periodic lock (gongzhi.core.periodic_lock: a PostgreSQL
advisory lock, a file lock on SQLite); a run started while another holds it says so and exits
without doing anything (exit status 0), so two schedulers on two machines are safe. How long each
step took is kept for the monitoring (PeriodicStep, /metrics)."""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from gongzhi.core import periodic_lock, registry
from gongzhi.core.models import PeriodicStep

logger = logging.getLogger("gongzhi.periodic")
SKIPPED = "skipped: another periodic run holds the lock"


def _record(name: str, started_at, seconds: float, *, failed: bool) -> None:
    PeriodicStep.objects.update_or_create(
        name=name, defaults={"started_at": started_at, "seconds": seconds, "failed": failed}
    )


def run_steps() -> dict:
    results = {}
    # What the sweeps write for people to read (a letter's cause, a record's text) is in the
    # platform's language, whatever the shell running the command is set to.
    with translation.override(settings.LANGUAGE_CODE):
        for step in registry.sweeps():
            started_at, began = timezone.now(), time.perf_counter()
            try:
                results[step.name] = step.run()
            except Exception:
                _record(step.name, started_at, time.perf_counter() - began, failed=True)
                raise
            _record(step.name, started_at, time.perf_counter() - began, failed=False)
    return results


def run_once(stdout=None, *, hold_lock: float = 0) -> dict | None:
    """One run of every step under the lock; None (and a line saying so) when another run holds it.
    `hold_lock` keeps the lock that many seconds after the run (to check a deployment's lock)."""
    with periodic_lock.held() as got:
        if not got:
            logger.info(SKIPPED)
            if stdout:
                stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M} periodic: {SKIPPED}")
            return None
        results = run_steps()
        if stdout:
            stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M} periodic: {results}")
            stdout.flush()
        if hold_lock:
            time.sleep(hold_lock)
    return results


class Command(BaseCommand):
    help = (
        "Run the periodic sweeps (overdue cases, callbacks, monthly meetings, resolution reminders, notices) "
        "once, or repeatedly with --every; a run skips when another holds the periodic lock."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds until stopped.")
        parser.add_argument(
            "--hold-lock",
            type=float,
            default=0,
            help="Keep the lock N seconds after the run (to check that another run meanwhile skips: deploy/smoke.sh).",
        )

    def handle(self, *args, every=0, hold_lock=0, **options):
        while True:
            run_once(self.stdout, hold_lock=hold_lock)
            if not every:
                return
            time.sleep(every)
