"""Benchmark of the town at a glance (issue 14 item 8): the time to produce /dashboard/ for an
office member of the first town, at 100,000 and at 1,000,000 cases in the same synthetic city
(bench/generate.py, 13,000 compounds, seed 1) — the databases of bench/rates.py. Goal: the cost
follows organisations × periods, not records: the 1M figure within 1.5× of the 100k figure.

    .venv/bin/python bench/dashboard.py            # create and fill both databases if missing, measure
    .venv/bin/python bench/dashboard.py --reuse    # measure on the databases already there
    .venv/bin/python bench/dashboard.py --reuse --drop
    .venv/bin/python bench/dashboard.py --reuse --panels    # each panel's function alone, 100k → 1M

As in bench/rates.py: each measurement runs in a fresh process with one database (DEBUG off); the
view function is called with a RequestFactory request and a fresh user object, after two warm-up
calls; the rounds alternate the two databases; the median of all calls is reported with the
quartiles, and the number of queries of one call."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rates import drop_all, measured, office_member, options, prepare_all  # noqa: E402


def measure_in_process(repeat: int) -> dict:
    town, user = office_member()
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from gongzhi.cases.models import Case
    from gongzhi.core.models import User
    from gongzhi.dashboard.views import home

    factory = RequestFactory()

    def page() -> tuple[float, int]:
        request = factory.get("/dashboard/")
        request.user = User.objects.get(pk=user.pk)
        started = time.perf_counter()
        response = home(request)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        return elapsed, len(response.content)

    for _ in range(2):
        page()
    times = [page()[0] * 1000 for _ in range(repeat)]
    with CaptureQueriesContext(connection) as queries:
        _elapsed, size = page()
    return {
        "cases": Case.objects.count(),
        "town_cases": Case.objects.filter(town=town).count(),
        "samples_ms": times,
        "queries": len(queries),
        "html_kb": size / 1024,
    }


def panels_in_process(repeat: int) -> dict:
    """Each panel's function on its own (gongzhi.dashboard.panels): the median of `repeat` calls,
    each with a fresh user whose scope is computed before the clock starts."""
    _town, user = office_member()
    from django.utils import timezone

    from gongzhi.core.models import User
    from gongzhi.core.scope import get_scope
    from gongzhi.dashboard import panels

    today = timezone.localdate()
    steps = {
        "rates and ranking": lambda u: (lambda r: (panels.rates(r), panels.rankings(u, r)))(panels.rates_report(u)),
        "hotspots": lambda u: panels.hotspots(u, today),
        "joint meetings": lambda u: panels.meetings(u, today),
        "rectification orders": panels.rectifications,
        "inspections": lambda u: panels.inspections(u, today),
        "survey satisfaction": panels.surveys,
        "credit": lambda u: panels.credit(u, today),
        "letters": lambda u: panels.letters(u, today),
        "urgings": panels.urgings,
    }
    out = {}
    for name, step in steps.items():
        samples = []
        for i in range(repeat + 2):
            fresh = User.objects.get(pk=user.pk)
            get_scope(fresh)
            started = time.perf_counter()
            step(fresh)
            if i >= 2:  # two warm-up calls
                samples.append((time.perf_counter() - started) * 1000)
        out[name] = statistics.median(samples)
    return out


def measure_once(url: str, repeat: int, panels: bool = False) -> dict:
    mode = "--panels-in-process" if panels else "--in-process"
    return measured("bench/dashboard.py", url, mode, "--repeat", str(repeat))


def main(argv=None) -> int:
    parser = options(__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--panels", action="store_true", help="time each panel's function alone (median of 15)")
    parser.add_argument("--panels-in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.in_process:
        print(json.dumps(measure_in_process(args.repeat)))
        return 0
    if args.panels_in_process:
        print(json.dumps(panels_in_process(args.repeat)))
        return 0
    urls = prepare_all(args)
    if args.panels:
        timed = {label: measure_once(url, 15, panels=True) for label, url in urls.items()}
        for name in timed["100k"]:
            print(f"{name:<22} {timed['100k'][name]:6.1f} ms → {timed['1m'][name]:6.1f} ms")
        return 0
    results: dict[str, dict] = {}
    for round_ in range(args.rounds):
        for label, url in urls.items():
            got = measure_once(url, args.repeat)
            print(
                f"  round {round_ + 1}/{args.rounds} {label}: {statistics.median(got['samples_ms']):.1f} ms", flush=True
            )
            if label in results:
                results[label]["samples_ms"] += got["samples_ms"]
            else:
                results[label] = got
    for label, r in results.items():
        samples = sorted(r["samples_ms"])
        q1, _q2, q3 = statistics.quantiles(samples, n=4)
        r["median_ms"] = statistics.median(samples)
        print(
            f"{label}: {r['cases']:,} cases ({r['town_cases']:,} in the town), median {r['median_ms']:.1f} ms "
            f"(quartiles {q1:.1f}–{q3:.1f}, n={len(samples)}), {r['queries']} queries, {r['html_kb']:.0f} kB"
        )
    ratio = results["1m"]["median_ms"] / results["100k"]["median_ms"]
    print(f"dashboard 1M/100k = {ratio:.2f} (goal ≤ 1.5)")
    if args.drop:
        drop_all(args.server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
