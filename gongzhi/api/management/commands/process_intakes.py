"""Turn pending hotline intakes into cases, in batches: once, or repeatedly with --every (run it
beside the web server: `make run` does; in production a service, see docs/deployment.md)."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connection

from gongzhi.api.services import process_intakes

logger = logging.getLogger("gongzhi.api")


class Command(BaseCommand):
    help = "Make the cases of pending hotline intakes (once, or every N seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="Repeat every N seconds until stopped.")
        parser.add_argument("--limit", type=int, default=500, help="Intakes per batch (default 500).")

    def handle(self, *args, every=0, limit=500, **options):
        while True:
            try:
                done = process_intakes(limit)
                while done == limit:  # a backlog: keep going without waiting
                    done = process_intakes(limit)
            except (OperationalError, InterfaceError) as exc:
                if not every:
                    raise
                # The database does not answer (restarting): its transaction was rolled back, the
                # intakes wait; the next round connects afresh (docs/deployment.md, "Faults").
                logger.warning("intakes not processed: the database does not answer (%s)", exc.__class__.__name__)
                connection.close()
            if not every:
                return
            time.sleep(every)
