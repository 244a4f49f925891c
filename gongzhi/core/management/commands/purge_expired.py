"""Remove the personal data past its retention period now, or with --dry-run count what is due
(gongzhi.core.retention). The periodic command does the same at every run; this is for operators:
to see what would go, or to work off a backlog at once instead of 100,000 rows per run."""

from django.core.management.base import BaseCommand

from gongzhi.core import registry, retention


class Command(BaseCommand):
    help = "Remove the personal data past its retention period (RETENTION_*_DAYS); --dry-run only counts it."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what is due; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        for purge in registry.purges():
            if dry_run:
                self.stdout.write(f"{purge.name}: {purge.run(dry_run=True)} due")
                continue
            total = 0
            while True:  # each run is one transaction with its own audit entry
                done = purge.run()
                total += done
                if done < retention.per_run():
                    break
            self.stdout.write(f"{purge.name}: {total} removed or cleared")
