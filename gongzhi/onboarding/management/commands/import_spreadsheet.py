"""Import an .xlsx file from the command line, as the system (for administrators setting up a
town; offices use the upload page)."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.onboarding.importer import ImportInvalid, import_data, read_workbook, validate_data
from gongzhi.places.models import Town


class Command(BaseCommand):
    help = "Import places, organisations and people from an .xlsx file into a town."

    def add_arguments(self, parser):
        parser.add_argument("town", help="the town's code")
        parser.add_argument("file", help="path of the .xlsx file")
        parser.add_argument("--check", action="store_true", help="only check the file; write nothing")

    def handle(self, *args, town, file, check, **options):
        town_obj = Town.objects.filter(code=town).first()
        if town_obj is None:
            raise CommandError(f"No town with code {town!r}.")
        try:
            data = read_workbook(file)
            report = (
                validate_data(town=town_obj, data=data) if check else import_data(actor=None, town=town_obj, data=data)
            )
        except ImportInvalid as invalid:
            for problem in invalid.errors:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(invalid.errors)} problem(s); nothing was imported.")
        for warning in report.warnings:
            self.stdout.write(f"note: {warning}")
        self.stdout.write(("would import: " if check else "imported: ") + str(report))
