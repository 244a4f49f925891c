"""Check the audit log's hash chains. Exit 0 when every chain is intact; exit 1 naming the first
bad entry of each broken chain. `--heads` prints each chain's head, to keep outside the database
(a printed and stamped report, another server); `--expect FILE` checks such a copy against the
database, which detects what the chains alone cannot: a removed tail or a whole removed chain."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongzhi.core.audit import heads_text, parse_heads, verify_all, verify_expected
from gongzhi.core.models import AuditChain


class Command(BaseCommand):
    help = "Verify the audit log's hash chains, and optionally heads kept elsewhere."

    def add_arguments(self, parser):
        parser.add_argument("--heads", action="store_true", help="Print each chain's length and head hash.")
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="FILE",
            help="A file of heads printed earlier by --heads (or downloaded from the audit log page); repeatable.",
        )

    def handle(self, *args, heads=False, expect=(), **options):
        expected = []
        for name in expect:
            try:
                expected.extend(parse_heads(Path(name).read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise CommandError(f"{name}: {exc}", returncode=2) from exc
        problems = verify_all() + verify_expected(expected)
        chains = AuditChain.objects.order_by("key")
        if heads:
            self.stdout.write(heads_text(chains), ending="")
        if problems:
            for problem in problems:
                self.stderr.write(f"BROKEN {problem}")
            raise CommandError(f"{len(problems)} audit problem(s)", returncode=1)
        total = sum(c.last_seq for c in chains)
        kept = f"; {len(expected)} kept head(s) match" if expected else ""
        message = f"Audit log intact: {chains.count()} chain(s), {total} entries{kept}."
        # With --heads the output is the next heads file (`--heads > latest.txt`): the verdict is a comment in it.
        self.stdout.write(f"# {message}" if heads else self.style.SUCCESS(message))
