"""Where the time of a staff page goes, in-process (bench/pages.sh's pages, its two users): per
page and role, the Django test client's time for a first and a second request, the number of SQL
statements, their total time and the slowest ones; with --profile, cProfile's top functions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongzhi_bench_1m \
        .venv/bin/python bench/pages_profile.py [--role office|admin] [--profile] [--slowest 3] /cases/ /rates/ …
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.pages_settings")
os.environ.setdefault("DEBUG", "0")
for key, value in {
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "AUDIT_KEY": "bench-only-audit-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "SMS_BACKEND": "gongzhi.accounts.sms.HttpBackend",
    "SMS_HTTP_URL": "http://127.0.0.1:9/",
    "SMS_HTTP_TOKEN": "bench",
    "ALLOWED_HOSTS": "testserver,127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
}.items():
    os.environ.setdefault(key, value)

from bench.rates import office_member  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--role", choices=["office", "admin", "both"], default="both")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--slowest", type=int, default=3)
    parser.add_argument(
        "--repeat", type=int, default=0, help="then N more requests: their median and mean time (steadier than one)"
    )
    parser.add_argument("--cold", action="store_true", help="no warm-up before the first request (gongzhi.wsgi's)")
    args = parser.parse_args(argv)
    _town, office = office_member()  # sets Django up
    if not args.cold:
        try:  # as gongzhi.wsgi does before a web process serves
            from gongzhi.core.warmup import warm_up
        except ImportError:  # a checkout from before the warm-up
            pass
        else:
            print(f"warm-up {warm_up():.2f} s", flush=True)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gongzhi.core.models import User

    admin, _created = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    roles = {"office": office, "admin": admin}
    if args.role != "both":
        roles = {args.role: roles[args.role]}
    for role, user in roles.items():
        client = Client()
        client.force_login(user)
        for page in args.pages:
            started = time.perf_counter()
            response = client.get(page)
            first = time.perf_counter() - started
            profiler = cProfile.Profile() if args.profile else None
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                response = client.get(page)
                if profiler:
                    profiler.disable()
                second = time.perf_counter() - started
            sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
            print(
                f"{role:<7}{page:<28}{response.status_code} first {first * 1000:7.0f} ms, second {second * 1000:7.0f} ms, "
                f"{len(queries):3} queries {sql_ms:6.0f} ms, {len(response.content) / 1024:.0f} kB",
                flush=True,
            )
            if args.repeat:
                times, cpu = [], []
                for _ in range(args.repeat):
                    started, started_cpu = time.perf_counter(), time.process_time()
                    client.get(page)
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - started_cpu)
                times.sort()
                cpu.sort()
                # The process's CPU time (this process only: not PostgreSQL's) is steadier than the
                # wall time on a loaded machine.
                print(
                    f"{'':7}{'':28}    {args.repeat} more: median {times[len(times) // 2] * 1000:6.1f} ms, "
                    f"mean {sum(times) / len(times) * 1000:6.1f} ms, median CPU {cpu[len(cpu) // 2] * 1000:6.1f} ms",
                    flush=True,
                )
            for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[: args.slowest]:
                print(f"      {float(q['time']) * 1000:7.1f} ms  {q['sql'][:600]}")
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
                    int(os.environ.get("PROFILE_LINES", "40"))
                )
                print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
