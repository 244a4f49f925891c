"""Benchmark of the background export (issue 14: "any list export of 1M rows streams with flat
memory, under 200 MB RSS, as a background job with a progress bar"): the case list of the whole
city exported by a platform administrator — 100,000 and 1,000,000 rows — through the real job
(`gongzhi.exports.jobs.run_export_job`: the list's query re-scoped for the user, read 2,000 rows
at a time, written with openpyxl's write-only mode to a temporary file, stored and marked done).

    DEBUG=true .venv/bin/python bench/export.py            # create and fill both databases, measure
    DEBUG=true .venv/bin/python bench/export.py --reuse    # measure on the databases already there
    DEBUG=true .venv/bin/python bench/export.py --reuse --drop   # … and drop them afterwards

The databases are this benchmark's own, gongzhi_bench_export_100k and gongzhi_bench_export_1m
(bench/generate.py, 13,000 compounds, seed 1, the same city as bench/rates.py's), on the
PostgreSQL server of --server. `DEBUG=true` is for the set-up commands (migrate, generate); each
export runs in a fresh process with DEBUG off and the keys production requires. The parent samples
the child's resident memory (VmRSS in /proc/<pid>/status) every 20 ms; the child reports its own
peak (VmHWM) before the export and after it, the rows, the seconds and the CPU seconds (rows per
CPU second do not depend on what else the shared machine is running). Each size is measured
--rounds times, alternating the sizes (the machine is shared). The file is checked afterwards: the
rows of its sheet, counted in its XML."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rates import PYTHON, drop_all, measuring_env, options, prepare_all, setup_django  # noqa: E402

SIZES = {"export_100k": 100_000, "export_1m": 1_000_000}


def _status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def export_in_process() -> dict:
    """Runs in the child (DATABASE_URL: one benchmark database, DEBUG off)."""
    setup_django()
    from gongzhi.cases.models import Case
    from gongzhi.core.models import User
    from gongzhi.exports import jobs, services

    admin, _created = User.objects.get_or_create(
        username="bench-export-admin", defaults={"is_superuser": True, "display_name": "导出测试"}
    )
    cases = Case.objects.count()
    job = services.start_export(actor=admin, kind="cases", params={"box": "all"}, language="zh-hans")
    before_kb = _status_kb(os.getpid(), "VmHWM")
    started, cpu = time.perf_counter(), time.process_time()
    state = jobs.run_export_job(job.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_kb = _status_kb(os.getpid(), "VmHWM")
    job.refresh_from_db()
    return {
        "state": state,
        "error": job.error,
        "cases": cases,
        "rows": job.rows_written,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "hwm_before_mb": before_kb / 1024,
        "hwm_after_mb": peak_kb / 1024,
        "file": job.file.path if job.file else "",
        "size_mb": job.size / 1024 / 1024,
    }


def measure_once(url: str, media: str) -> dict:
    env = {
        **measuring_env(url),
        "MEDIA_ROOT": media,
        # The job is run by the child itself, as the worker would: nothing is queued.
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
    }
    child = subprocess.Popen(  # noqa: S603
        [PYTHON, "bench/export.py", "--in-process"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    peak_kb = 0
    stop = threading.Event()

    def sample():
        nonlocal peak_kb
        while not stop.is_set():
            try:
                peak_kb = max(peak_kb, _status_kb(child.pid, "VmRSS"))
            except (FileNotFoundError, ProcessLookupError, RuntimeError):
                return  # the child has ended (a zombie has no VmRSS)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    stop.set()
    sampler.join()
    if child.returncode != 0:
        sys.stderr.write(out.decode() + err.decode())
        raise SystemExit("the export process failed")
    got = json.loads(out.decode().strip().splitlines()[-1])
    got["sampled_peak_mb"] = peak_kb / 1024
    if got["state"] != "done":
        raise SystemExit(f"the export ended {got['state']}: {got['error']}")
    return got


def rows_in(path: str) -> int:
    """The rows of the file's sheet, counted in its XML (reading a million rows back with openpyxl
    takes longer than writing them)."""
    import zipfile

    count, tail = 0, b""
    with zipfile.ZipFile(path) as book, book.open("xl/worksheets/sheet1.xml") as sheet:
        for chunk in iter(lambda: sheet.read(1 << 20), b""):
            data = tail + chunk
            count += data.count(b"<row ")
            tail = data[-4:]  # shorter than the tag: one cut in two is counted once, with the next chunk
    return count


def main(argv=None) -> int:
    parser = options(__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="exports per size, alternating the sizes (default 2)")
    args = parser.parse_args(argv)
    if args.in_process:
        print(json.dumps(export_in_process()))
        return 0
    urls = prepare_all(args, SIZES)
    media = tempfile.mkdtemp(prefix="gongzhi-bench-export-")
    results: dict[str, list[dict]] = {label: [] for label in SIZES}
    try:
        for round_ in range(args.rounds):
            for label, url in urls.items():
                got = measure_once(url, media)
                got["rows_in_file"] = rows_in(got["file"]) - 1  # the heading row
                os.unlink(got["file"])
                results[label].append(got)
                print(
                    f"  round {round_ + 1}/{args.rounds} {label}: {got['rows']:,} rows in {got['seconds']:.1f} s "
                    f"({got['rows'] / got['seconds']:,.0f} rows/s; {got['rows'] / got['cpu_seconds']:,.0f} per CPU "
                    f"second), peak RSS {got['sampled_peak_mb']:.0f} MB sampled, "
                    f"VmHWM {got['hwm_before_mb']:.0f} → {got['hwm_after_mb']:.0f} MB, file {got['size_mb']:.1f} MB",
                    flush=True,
                )
                if got["rows_in_file"] != got["rows"] or got["rows"] != got["cases"]:
                    raise SystemExit(f"{label}: {got['rows_in_file']} rows in the file, {got['cases']} cases")
    finally:
        shutil.rmtree(media, ignore_errors=True)
    print()
    peaks = {}
    for label, runs in results.items():
        rates = [r["rows"] / r["seconds"] for r in runs]
        per_cpu = [r["rows"] / r["cpu_seconds"] for r in runs]
        peaks[label] = max(r["hwm_after_mb"] for r in runs)
        print(
            f"{label}: {runs[0]['rows']:,} rows, median {statistics.median(rates):,.0f} rows/s "
            f"({statistics.median(r['seconds'] for r in runs):.1f} s; {statistics.median(per_cpu):,.0f} rows per "
            f"CPU second), peak RSS {peaks[label]:.0f} MB "
            f"(Django loaded, before the export: {max(r['hwm_before_mb'] for r in runs):.0f} MB), "
            f"file {runs[0]['size_mb']:.1f} MB"
        )
    print(
        f"peak RSS 1M/100k = {peaks['export_1m'] / peaks['export_100k']:.2f}; "
        f"1M peak {peaks['export_1m']:.0f} MB (goal < 200 MB)"
    )
    if args.drop:
        drop_all(args.server, SIZES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
