"""Load the demo town (idempotent). `--if-empty` does nothing when any town exists, so that a
second `make run` starts in seconds."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gongzhi.demo.seed import seed
from gongzhi.places.models import Town


class Command(BaseCommand):
    help = "Load the demo town 浦江镇 (and the small town 梅陇镇) with personas; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the database has any town.")

    def handle(self, *args, if_empty=False, **options):
        if not settings.ALLOW_DEMO:
            raise CommandError(
                "The demo town (with its known passwords) is not loaded here: DEBUG is off. "
                "Set ALLOW_DEMO=true only on a training or test instance."
            )
        if if_empty and Town.objects.exists():
            self.stdout.write("Database already has data; demo town not loaded again.")
            return
        started = time.monotonic()
        self.stdout.write("Loading the demo town (a few thousand units; this takes a little while the first time)…")
        seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo town ready in {time.monotonic() - started:.1f} s."))
