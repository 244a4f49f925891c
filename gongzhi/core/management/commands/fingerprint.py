"""Print the database's fingerprint (gongzhi.core.fingerprint): the three rates of every town for
the last 12 months, the joint-meeting compliance table of each town for this year, the row count of
every table and the audit chains' heads, as deterministic JSON. `deploy/backup.sh` writes it beside
each dump, from the dump's own snapshot; `deploy/restore_check.sh` computes it on the restored copy
(with the backup's `--today`) and compares the two with `diff`."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gongzhi.core import fingerprint


class Command(BaseCommand):
    help = "Print the figures a restored backup must show unchanged, as deterministic JSON."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The day the figures are for (YYYY-MM-DD; default: today).")
        parser.add_argument(
            "--snapshot", default="", help="A PostgreSQL snapshot id (pg_export_snapshot()) to read the data as of."
        )

    def handle(self, *args, today=None, snapshot="", **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
            figures = fingerprint.read(day, snapshot=snapshot)
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(fingerprint.dumps(figures), ending="")
