"""Benchmark of the evaluation reports (issue 14): the time to generate a town's quarterly report —
assemble its figures for the town and each of its neighborhoods (`figures.assemble`), then draw the
PDF and the Word file from them — for the first town of the synthetic city (bench/generate.py,
13,000 compounds, seed 1; about 100 compounds a town), at 100,000 and at 1,000,000 cases: the
databases of bench/rates.py. Goals: under 10 s for the whole report; its cost follows the town's
organisations and periods, not the city's records (1M within 1.5× of 100k).

    DEBUG=true .venv/bin/python bench/report.py            # create and fill both databases if missing, measure
    DEBUG=true .venv/bin/python bench/report.py --reuse    # measure on the databases already there

Each measurement runs in a fresh process with one database (DEBUG off): one warm-up report, then
`--repeat` reports; the rounds alternate the two databases. Beside the elapsed times it prints the
CPU time of the measuring process (PostgreSQL's work not included), which moves less with the
machine's load. The report is the last finished quarter
before the generator's last month, written nowhere (nothing is stored: the figures, the PDF and the
Word file are made in memory)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rates import PYTHON, SIZES, measuring_env, office_member, prepare, run  # noqa: E402


class _RolledBack(Exception):
    pass


def measure_in_process(repeat: int, town_code: str | None) -> dict:
    town, user = office_member(town_code)
    from django.db import transaction
    from django.db.models import Max

    from gongzhi.assessments.sources import last_finished
    from gongzhi.cases.models import Case, CaseStats
    from gongzhi.evaluation_reports import charts, documents, figures, services
    from gongzhi.places.models import Compound, Neighborhood

    last_month = CaseStats.objects.filter(town=town).aggregate(m=Max("period"))["m"]
    quarter = last_finished("quarter", last_month.replace(day=28))

    def once() -> dict:
        out = {}
        try:
            with transaction.atomic():  # the report is made as the office would, then rolled back
                report = services.create_report(actor=user, town=town, kind="quarter", period=quarter.label)
                charts._bars.cache_clear()  # each report draws its charts (once for its PDF and Word file)
                t0, c0 = time.perf_counter(), time.process_time()
                report.figures = figures.assemble(town, "quarter", quarter.label)
                t1, c1 = time.perf_counter(), time.process_time()
                pdf = documents.report_pdf(report)
                t2, c2 = time.perf_counter(), time.process_time()
                docx = documents.report_docx(report)
                t3, c3 = time.perf_counter(), time.process_time()
                out = {"assemble": t1 - t0, "pdf": t2 - t1, "docx": t3 - t2, "total": t3 - t0,
                       "cpu_assemble": c1 - c0, "cpu_pdf": c2 - c1, "cpu_docx": c3 - c2, "cpu": c3 - c0,
                       "pdf_kb": len(pdf) / 1024, "docx_kb": len(docx) / 1024}  # fmt: skip
                raise _RolledBack
        except _RolledBack:
            pass
        return out

    once()
    samples = [once() for _ in range(repeat)]
    return {
        "cases": Case.objects.count(),
        "town_cases": Case.objects.filter(town=town).count(),
        "compounds": Compound.objects.filter(neighborhood__town=town).count(),
        "neighborhoods": Neighborhood.objects.filter(town=town).count(),
        "quarter": quarter.label,
        "samples": samples,
    }


def measure(url: str, repeat: int, town_code: str | None) -> dict:
    env = measuring_env(url)
    town = ["--town", town_code] if town_code else []
    output = run([PYTHON, "bench/report.py", "--in-process", "--repeat", str(repeat), *town], env, quiet=True)
    return json.loads(output.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--compounds", type=int, default=13000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--town", default=None, help="the town's code (default: the first town)")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.in_process:
        print(json.dumps(measure_in_process(args.repeat, args.town)))
        return 0
    urls = {label: prepare(args.server, label, cases, args.compounds, args.reuse) for label, cases in SIZES.items()}
    results: dict[str, dict] = {}
    for round_ in range(args.rounds):
        for label, url in urls.items():
            got = measure(url, args.repeat, args.town)
            print(f"  round {round_ + 1}/{args.rounds} {label}: "
                  f"{statistics.median(s['total'] for s in got['samples']):.2f} s", flush=True)  # fmt: skip
            if label in results:
                results[label]["samples"] += got["samples"]
            else:
                results[label] = got
    for label, r in results.items():
        keys = ("assemble", "pdf", "docx", "total", "cpu_assemble", "cpu_pdf", "cpu_docx", "cpu")
        med = {k: statistics.median(s[k] for s in r["samples"]) for k in keys}
        r["median"] = med
        print(
            f"{label}: {r['cases']:,} cases ({r['town_cases']:,} in the town: {r['compounds']} compounds, "
            f"{r['neighborhoods']} neighborhoods), {r['quarter']}: assemble {med['assemble']:.2f} s, PDF {med['pdf']:.2f} s "
            f"({r['samples'][0]['pdf_kb']:.0f} kB), Word {med['docx']:.2f} s ({r['samples'][0]['docx_kb']:.0f} kB), "
            f"total {med['total']:.2f} s (n={len(r['samples'])}); the process's CPU: {med['cpu_assemble']:.2f} + "
            f"{med['cpu_pdf']:.2f} + {med['cpu_docx']:.2f} = {med['cpu']:.2f} s"
        )
    ratio = results["1m"]["median"]["total"] / results["100k"]["median"]["total"]
    print(
        f"report 1M/100k = {ratio:.2f} (goal ≤ 1.5); total at 1M {results['1m']['median']['total']:.2f} s (goal < 10 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
