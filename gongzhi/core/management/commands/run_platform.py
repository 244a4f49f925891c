"""`make run`: serve the web application and run the background-job worker together, print the
demo logins, and stop both cleanly on Ctrl-C. For development and demonstration; production
runs gunicorn and `manage.py db_worker` under a process supervisor (docs/deployment.md)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the web server and the background worker together (development)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port: int, host: str, **options):
        self.print_banner(host, port)
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        # The children run in sessions of their own: Ctrl-C reaches only this process, which then
        # asks each child once to stop (a second signal would make the worker abandon its task).
        # SIGTERM, not SIGINT: a shell starting `make run` in the background makes children ignore SIGINT.
        children = {
            "web": subprocess.Popen(  # noqa: S603 - our own manage.py
                [*manage, "runserver", f"{host}:{port}", "--noreload"], start_new_session=True
            ),
            "worker": subprocess.Popen(  # noqa: S603
                [*manage, "db_worker", "--interval", "1", "--no-reload"], start_new_session=True
            ),
            "intakes": subprocess.Popen(  # noqa: S603 - hotline calls into cases, every second
                [*manage, "process_intakes", "--every", "1"], start_new_session=True
            ),
            "periodic": subprocess.Popen(  # noqa: S603 - overdue sweep and callbacks every 5 minutes
                [*manage, "periodic", "--every", "300"], start_new_session=True
            ),
        }
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        failed = None
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        failed = (name, child.returncode)
                        stopping = True
                time.sleep(0.3)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)  # the worker finishes its current task first
            deadline = time.monotonic() + 30  # let a running job finish its step
            for child in children.values():
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
        if failed:
            raise CommandError(
                f"The {failed[0]} process stopped unexpectedly (exit code {failed[1]}); "
                "see its messages above. Is the port already in use? Try PORT=8001 make run."
            )
        self.stdout.write("Stopped the web server and the worker.")

    def print_banner(self, host: str, port: int) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"Gongzhi 共治 — http://{host}:{port}/"))
        if "demo_logins" in get_commands():  # the demo app (gongzhi.demo), when installed, lists its logins
            call_command("demo_logins", stdout=out)
        out.write("Press Ctrl-C to stop.\n")
