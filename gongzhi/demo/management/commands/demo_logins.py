"""List the demo logins that exist in this database (`make run` prints them in its banner)."""

from django.core.management.base import BaseCommand

from gongzhi.demo.personas import DEMO_PASSWORD, RESIDENT_PHONE, demo_logins


class Command(BaseCommand):
    help = "List the demo town's logins and their password (nothing when the demo town is not loaded)."

    def handle(self, *args, **options):
        logins = demo_logins()
        if not logins:
            return
        self.stdout.write(f"Demo logins (password for all staff: {DEMO_PASSWORD}):")
        for username, role, where in logins:
            self.stdout.write(f"  {username:<12} {role} — {where}")
        self.stdout.write(
            f"Resident: sign in at /accounts/phone/ with {RESIDENT_PHONE}; the one-time code is "
            "printed on this console (SMS backend: console)."
        )
