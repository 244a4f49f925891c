"""Where the time of one POST /api/v1/cases goes (companion of bench/intake.sh): sends N requests
through Django's test client in this process, against the database in DATABASE_URL (set up as
bench/intake.sh does, e.g. with bench/intake_setup.py, under bench.settings), and prints the SQL statements of one
request, a cProfile summary of all, and — one at a time, in this process — the milliseconds of a
floor request, of an intake request, and of making one case in the worker (process_intakes).

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB .venv/bin/python bench/intake_profile.py ENVFILE [N]"""

import cProfile
import json
import os
import pstats
import shlex
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")  # the product plus the floor
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "profile-only-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def load_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        name, _eq, value = line.partition("=")
        values[name] = shlex.split(value)[0] if value else ""
    return values


def main(env_file: Path, n: int) -> None:
    env = load_env(env_file)
    compounds, categories = env["INTAKE_COMPOUNDS"].split(","), env["INTAKE_CATEGORIES"].split(",")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {env['INTAKE_TOKEN']}", HTTP_HOST="127.0.0.1")

    def send(i: int):
        body = {
            "compound": compounds[i % len(compounds)],
            "category": categories[i % len(categories)],
            "description": "热线来电：楼道照明损坏，请尽快处理。",
            "reporter_phone": f"139{i:08d}",
        }
        response = client.post(
            "/api/v1/cases", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
        )
        assert response.status_code == 202, response.content

    send(0)  # warm
    with CaptureQueriesContext(connection) as queries:
        send(1)
    print(f"one request: {len(queries.captured_queries)} SQL statements")
    kinds = Counter()
    for q in queries.captured_queries:
        sql = q["sql"]
        words = sql.split()
        verb = words[0].upper()
        table = next(
            (
                w.strip('"')
                for prev, w in zip(words, words[1:], strict=False)
                if prev.upper() in ("FROM", "INTO", "UPDATE")
            ),
            "",
        )
        kinds[f"{verb} {table}"] += 1
    for kind, count in kinds.most_common():
        print(f"  {count:3d}  {kind}")
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(2, n + 2):
        send(i)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{n} requests in {elapsed:.2f} s: {1000 * elapsed / n:.1f} ms each, one at a time")
    pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)

    from gongzhi.api.services import process_intakes

    started, made = time.perf_counter(), 0
    while batch := process_intakes(500):
        made += batch
    per_case = 1000 * (time.perf_counter() - started) / max(made, 1)
    started = time.perf_counter()
    for _i in range(n):
        response = client.post("/api/v1/bench/floor", "{}", content_type="application/json")
        assert response.status_code == 201, response.content
    floor = 1000 * (time.perf_counter() - started) / n
    started = time.perf_counter()
    for i in range(n + 2, 2 * n + 2):
        send(i)
    intake = 1000 * (time.perf_counter() - started) / n
    while process_intakes(500):
        pass
    print(f"one at a time, without the profiler: floor {floor:.2f} ms, intake {intake:.2f} ms per request; ", end="")
    print(f"the worker makes a case in {per_case:.2f} ms (batches of up to 500)")


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 100)
