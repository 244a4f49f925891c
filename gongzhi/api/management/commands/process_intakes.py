"""Turn pending hotline intakes into cases, in batches: once, or repeatedly with --every (run it
beside the web server: `make run` does; in production a service, see docs/deployment.md)."""

import time

from django.core.management.base import BaseCommand

from gongzhi.api.services import process_intakes


class Command(BaseCommand):
    help = "Make the cases of pending hotline intakes (once, or every N seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="Repeat every N seconds until stopped.")
        parser.add_argument("--limit", type=int, default=500, help="Intakes per batch (default 500).")

    def handle(self, *args, every=0, limit=500, **options):
        while True:
            done = process_intakes(limit)
            while done == limit:  # a backlog: keep going without waiting
                done = process_intakes(limit)
            if not every:
                return
            time.sleep(every)
