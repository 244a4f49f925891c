"""The platform's periodic work, one idempotent command: run it from cron every few minutes in
production (`manage.py periodic`), or let `make run` repeat it (`--every 300`). Each app's sweep
may run any number of times: a second run changes nothing."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone


def run_once(stdout=None) -> dict:
    from gongzhi.api.services import process_intakes
    from gongzhi.cases.services import sweep as cases_sweep
    from gongzhi.meetings.services import refresh_agendas, schedule_regular_meetings, sweep_resolutions
    from gongzhi.notices.services import sweep_notices

    # Hotline intakes are made into cases by their own loop every second; this catches up with
    # any left behind (e.g. while that loop was stopped).
    results = {
        "intakes": process_intakes(),
        "cases": cases_sweep(),
        "meetings": schedule_regular_meetings(),
        "resolutions": sweep_resolutions(),
        "notices": sweep_notices(),
        "agenda_items": refresh_agendas(),
    }
    if stdout:
        stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M} periodic: {results}")
    return results


class Command(BaseCommand):
    help = (
        "Run the periodic sweeps (overdue cases, callbacks, monthly meetings, resolution reminders, notices) "
        "once, or repeatedly with --every."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds until stopped.")

    def handle(self, *args, every=0, **options):
        while True:
            run_once(self.stdout)
            if not every:
                return
            time.sleep(every)
