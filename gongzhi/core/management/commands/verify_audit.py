"""Check the audit log's hash chains. Exit 0 when every chain is intact; exit 1 naming the first
bad entry of each broken chain. `--heads` prints each chain's head hash, to record outside the
database (a printed report, a notary) so that even a full rewrite of a chain can be detected."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.core.audit import verify_all
from gongzhi.core.models import AuditChain


class Command(BaseCommand):
    help = "Verify the audit log's hash chains."

    def add_arguments(self, parser):
        parser.add_argument("--heads", action="store_true", help="Print each chain's length and head hash.")

    def handle(self, *args, heads=False, **options):
        problems = verify_all()
        chains = AuditChain.objects.order_by("key")
        if heads:
            for chain in chains:
                self.stdout.write(f"{chain.key}\t{chain.last_seq}\t{chain.last_hash}")
        if problems:
            for problem in problems:
                self.stderr.write(f"BROKEN {problem}")
            raise CommandError(f"{len(problems)} audit chain(s) broken", returncode=1)
        total = sum(c.last_seq for c in chains)
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {chains.count()} chain(s), {total} entries."))
