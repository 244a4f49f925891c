from django.core.management.base import BaseCommand

from gongzhi.cases.stats import rebuild
from gongzhi.places.models import Town


class Command(BaseCommand):
    help = "Re-count the three rates' counters from the cases (all towns, or the towns given by code)."

    def add_arguments(self, parser):
        parser.add_argument("towns", nargs="*", help="town codes (default: all)")

    def handle(self, *args, towns=(), **options):
        ids = list(Town.objects.filter(code__in=towns).values_list("pk", flat=True)) if towns else None
        count = rebuild(ids)
        self.stdout.write(self.style.SUCCESS(f"Re-counted {count} cases."))
