"""The platform's periodic work, one idempotent command: run it from cron every few minutes in
production (`manage.py periodic`), or let `make run` repeat it (`--every 300`). The steps are the
sweeps the apps register (gongzhi.core.registry.sweep), in their order; each may run any number of
times: a second run changes nothing."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from gongzhi.core import registry


def run_once(stdout=None) -> dict:
    # What the sweeps write for people to read (a letter's cause, a record's text) is in the
    # platform's language, whatever the shell running the command is set to.
    with translation.override(settings.LANGUAGE_CODE):
        results = {step.name: step.run() for step in registry.sweeps()}
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
