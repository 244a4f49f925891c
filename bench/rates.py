"""Benchmark of the three-rates page (issue: cases): the time to produce /rates/ for an office
member (their town, the last 12 assessment months: trend, neighborhoods and organisations) and
for a platform administrator (the whole city: every town), at 100,000 and at 1,000,000 cases in
the same synthetic city (bench/generate.py, 13,000 compounds, seed 1). Goals: the town page under
100 ms; the 1M figure within 1.5× of the 100k figure.

    .venv/bin/python bench/rates.py                 # create, migrate and fill both databases, measure
    .venv/bin/python bench/rates.py --reuse         # measure again on the databases already there
    .venv/bin/python bench/rates.py --drop          # … and drop them afterwards
    .venv/bin/python bench/rates.py --reuse --sizes 100k,1m,10m   # the city ranking at 10M too (issue 15)

`--sizes` chooses the databases among 100k, 1m and 10m (default 100k,1m); gongzhi_bench_10m
(10,000,000 cases in the same city) is made once, like the others, and reused with --reuse;
`--nice 10` runs the making of the databases at a lower priority (the machine is shared);
`--export` measures the administrator's Excel export of the city ranking (/rates/export/) too.
Issue 15's goal: the city ranking (the administrator's page) under 300 ms at 10M.

The databases (gongzhi_bench_100k, gongzhi_bench_1m) live on the PostgreSQL server of --server
(default postgres://postgres@127.0.0.1:5432). Each measurement runs in a fresh process with that
database (DEBUG off, as in production): the view function `cases.views.rates.rates` is called
with a RequestFactory request, a fresh user object each time (the scope is computed per request,
as behind the authentication middleware), after two warm-up calls. The rounds alternate the two
databases (the machine is shared: a burst of load then hits both sizes alike); the median of all
calls is reported, with the quartiles."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIZES = {"100k": 100_000, "1m": 1_000_000}  # what the other benchmarks use (bench/dashboard.py, report.py)
EVERY_SIZE = {**SIZES, "10m": 10_000_000}  # the city ranking's too (issue 15; --sizes)


def run(cmd: list[str], env: dict, quiet: bool = False, stream: bool = False) -> str:
    """Run `cmd`; its output is shown when it ends (`stream`: as it comes, for long runs)."""
    if stream:
        if subprocess.run(cmd, cwd=ROOT, env=env).returncode != 0:  # noqa: S603
            raise SystemExit(f"failed: {' '.join(cmd)}")
        return ""
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    if not quiet:
        sys.stdout.write(result.stdout)
    return result.stdout


def psql(server: str, sql: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else ""


def prepare(server: str, label: str, cases: int, compounds: int, reuse: bool, nice: int = 0) -> str:
    name = f"gongzhi_bench_{label}"
    url = f"{server}/{name}"
    exists = bool(psql(server, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))  # noqa: S608
    if reuse and exists:
        return url
    print(f"== {name}: {cases:,} cases in {compounds:,} compounds", flush=True)
    psql(server, f'DROP DATABASE IF EXISTS "{name}"')
    psql(server, f'CREATE DATABASE "{name}"')
    # Making the data is development work (settings fail closed without DEBUG); measuring is not.
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    lower = ["nice", "-n", str(nice)] if nice else []
    generate = [PYTHON, "bench/generate.py", "--compounds", str(compounds), "--cases", str(cases), "--seed", "1"]
    run(lower + generate, env, stream=cases >= 2_000_000)  # 10M: minutes, with lines of progress
    return url


def options(doc: str) -> argparse.ArgumentParser:
    """The options of every benchmark on its pair of databases (the script adds its own): the
    server, the city's size, reusing and dropping the databases, and the measuring child's flag."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--compounds", type=int, default=13000)
    parser.add_argument("--reuse", action="store_true", help="use the databases already filled, if there")
    parser.add_argument("--drop", action="store_true", help="drop the databases at the end")
    parser.add_argument("--nice", type=int, default=0, help="make the databases at this niceness (nice -n)")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    return parser


def prepare_all(args: argparse.Namespace, sizes: dict[str, int] = SIZES) -> dict[str, str]:
    """`prepare` each database of `sizes` (label → cases) by the options; label → its URL."""
    return {
        label: prepare(args.server, label, cases, args.compounds, args.reuse, args.nice)
        for label, cases in sizes.items()
    }


def drop_all(server: str, sizes: dict[str, int] = SIZES) -> None:
    for label in sizes:
        psql(server, f'DROP DATABASE IF EXISTS "gongzhi_bench_{label}"')


def setup_django() -> None:
    """Set Django up in this measuring process (DATABASE_URL: one benchmark database): files stored
    on the local disk, static files as they are (no manifest to build), the site's language."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    import django

    django.setup()
    from django.test.utils import override_settings
    from django.utils import translation

    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    translation.activate("zh-hans")


def office_member(town_code: str | None = None):
    """Set Django up in this process (`setup_django`) and return the first town (or the town
    `town_code`) and a user who is a member of its office (created once)."""
    setup_django()
    from django.utils import timezone

    from gongzhi.core.models import User
    from gongzhi.orgs.models import Body, Membership, Person
    from gongzhi.places.models import Town

    town = Town.objects.get(code=town_code) if town_code else Town.objects.order_by("code").first()
    office = Body.objects.get(town=town, kind=Body.Kind.OFFICE)
    username = f"bench-office-{town_code}" if town_code else "bench-office"
    user, _created = User.objects.get_or_create(username=username, defaults={"display_name": "办公室（测试）"})
    person, _created = Person.objects.get_or_create(user=user, defaults={"town": town, "name": "办公室（测试）"})
    Membership.objects.get_or_create(
        person=person,
        body=office,
        defaults={"town": town, "title": "主任", "start": timezone.localdate().replace(year=2020)},
    )
    return town, user


def measure_in_process(repeat: int, export: bool = False) -> dict:
    """Runs inside the child process, with DATABASE_URL set to one benchmark database. `export`:
    the administrator's Excel export of the city ranking (/rates/export/) too."""
    town, user = office_member()
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from gongzhi.cases.models import Case, CaseStats
    from gongzhi.cases.views.rates import rates, rates_export
    from gongzhi.core.models import User

    admin, _created = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    factory = RequestFactory()

    def page(user_id: int, view=rates) -> tuple[float, int]:
        request = factory.get("/rates/")
        request.user = User.objects.get(pk=user_id)
        started = time.perf_counter()
        response = view(request)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        return elapsed, len(response.content)

    out = {
        "cases": Case.objects.count(),
        "counter_rows": CaseStats.objects.count(),
        "town_rows": CaseStats.objects.filter(town=town).count(),
        "town_code": town.code,
    }
    pages = [("town", user.pk, rates), ("city", admin.pk, rates)]
    if export:
        pages.append(("export", admin.pk, rates_export))
    for key, user_id, view in pages:
        for _ in range(2):
            page(user_id, view)
        times = [page(user_id, view)[0] * 1000 for _ in range(repeat)]
        with CaptureQueriesContext(connection) as queries:
            _elapsed, size = page(user_id, view)
        out[key] = {"samples_ms": times, "queries": len(queries), "html_kb": size / 1024}
    return out


def measuring_env(url: str) -> dict:
    """The environment of a measuring process: one benchmark database, DEBUG off, the keys and the
    SMS settings production requires (no page measured sends an SMS)."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "AUDIT_KEY": "bench-only-audit-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "SMS_BACKEND": "gongzhi.accounts.sms.HttpBackend",  # never called
        "SMS_HTTP_URL": "http://127.0.0.1:9/",
        "SMS_HTTP_TOKEN": "bench",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
    }


def measured(script: str, url: str, *args: str) -> dict:
    """Run `script` with `args` in a measuring process on the database `url` (`measuring_env`);
    what it measured: the JSON of its last line of output."""
    output = run([PYTHON, script, *args], measuring_env(url), quiet=True)
    return json.loads(output.strip().splitlines()[-1])


def measure_once(url: str, repeat: int, export: bool = False) -> dict:
    flags = ["--export"] if export else []
    return measured("bench/rates.py", url, "--in-process", "--repeat", str(repeat), *flags)


def measure(urls: dict[str, str], rounds: int, repeat: int, export: bool = False) -> dict:
    """Alternate the databases round by round (the machine is shared: a burst of load then hits
    both sizes alike) and pool the samples; report the median and the quartiles."""
    results: dict[str, dict] = {}
    keys = ("town", "city", "export") if export else ("town", "city")
    for round_ in range(rounds):
        for label, url in urls.items():
            got = measure_once(url, repeat, export)
            medians = ", ".join(f"{key} {statistics.median(got[key]['samples_ms']):.1f} ms" for key in keys)
            print(f"  round {round_ + 1}/{rounds} {label}: {medians}", flush=True)
            if label not in results:
                results[label] = got
            else:
                for key in keys:
                    results[label][key]["samples_ms"] += got[key]["samples_ms"]
    for got in results.values():
        for key in keys:
            samples = sorted(got[key]["samples_ms"])
            got[key]["median_ms"] = statistics.median(samples)
            got[key]["q1_ms"], _q2, got[key]["q3_ms"] = statistics.quantiles(samples, n=4)
            got[key]["n"] = len(samples)
    return results


def main(argv=None) -> int:
    parser = options(__doc__)
    parser.add_argument("--repeat", type=int, default=10, help="calls per page per round (default 10)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds alternating the databases (default 5)")
    parser.add_argument(
        "--sizes",
        default="100k,1m",
        help=f"the databases, smallest first, among {', '.join(EVERY_SIZE)} (default 100k,1m)",
    )
    parser.add_argument(
        "--export", action="store_true", help="measure the administrator's export of the city ranking too"
    )
    args = parser.parse_args(argv)
    if args.in_process:
        print(json.dumps(measure_in_process(args.repeat, args.export)))
        return 0
    labels = [label.strip().lower() for label in args.sizes.split(",") if label.strip()]
    if not labels or any(label not in EVERY_SIZE for label in labels):
        parser.error(f"--sizes: some of {', '.join(EVERY_SIZE)}, separated by commas")
    sizes = {label: EVERY_SIZE[label] for label in sorted(set(labels), key=EVERY_SIZE.get)}
    urls = prepare_all(args, sizes)
    results = measure(urls, args.rounds, args.repeat, args.export)
    keys = ("town", "city", "export") if args.export else ("town", "city")
    names = {"town": "town page", "city": "city ranking", "export": "city export"}
    print()
    print(
        f"{'':<6}{'cases':>12}{'counter rows':>14}"
        + "".join(f"{names[key]:>15}" for key in keys)
        + f"{'queries':>12}{'size (kB)':>18}"
    )
    for label, r in results.items():
        print(
            f"{label:<6}{r['cases']:>12,}{r['counter_rows']:>14,}"
            + "".join(f"{r[key]['median_ms']:>12.1f} ms" for key in keys)
            + f"{'/'.join(str(r[key]['queries']) for key in keys):>12}"
            + f"{'/'.join(str(round(r[key]['html_kb'])) for key in keys):>18}"
        )
    shown = {label: label.upper().replace("K", "k") for label in results}  # 100k, 1M, 10M
    order = list(results)
    for smaller, bigger in zip(order, order[1:], strict=False):
        goal = " (goal ≤ 1.5)" if (smaller, bigger) == ("100k", "1m") else ""
        for key in keys:
            ratio = results[bigger][key]["median_ms"] / results[smaller][key]["median_ms"]
            print(f"{names[key]} {shown[bigger]}/{shown[smaller]} = {ratio:.2f}{goal}")
    for label, r in results.items():
        for key in keys:
            m = r[key]
            print(
                f"{label} {names[key]}: median {m['median_ms']:.1f} ms, "
                f"quartiles {m['q1_ms']:.1f}–{m['q3_ms']:.1f} ms, n={m['n']}"
            )
    for label, r in results.items():
        print(
            f"town page at {shown[label]} = {r['town']['median_ms']:.1f} ms (goal < 100 ms); "
            f"town {r['town_code']}: {r['town_rows']:,} counter rows"
        )
    if "10m" in results:
        print(f"city ranking at 10M = {results['10m']['city']['median_ms']:.1f} ms (goal < 300 ms)")
    if args.drop:
        drop_all(args.server, sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
