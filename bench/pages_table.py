"""The table of bench/pages.sh from its TSV: per page and role, the first request, requests/s, the
ratio to /healthz on the same server in the same run (the mean of /healthz measured at the start
and at the end of that database's run), p99, and 1M/100k (the time per request at 1M over that at
100k: the 100k requests/s over the 1M requests/s), with the goals checked.

    .venv/bin/python bench/pages_table.py /tmp/bench-pages-….tsv [--markdown]
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict

GOAL_RATIO, GOAL_P99, GOAL_FIRST, GOAL_GROWTH = 0.3, 250.0, 1.0, 1.5


def num(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def main(argv: list[str]) -> int:
    path = argv[0]
    markdown = "--markdown" in argv
    rows = list(csv.DictReader(open(path, encoding="utf-8"), delimiter="\t"))
    dbs = list(dict.fromkeys(r["db"] for r in rows))
    health: dict[str, list[float]] = defaultdict(list)
    by_key: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)
    for r in rows:
        if r["page"] == "/healthz":
            if num(r["rps"]):
                health[r["db"]].append(float(r["rps"]))
            continue
        by_key[(r["page"], r["role"])][r["db"]] = r
    ref = {db: sum(v) / len(v) for db, v in health.items() if v}
    small, big = (dbs + [None, None])[:2]
    label = {db: ("100k" if "100k" in db else "1M" if "1m" in db else db) for db in dbs}
    heads = ["page", "role"]
    for db in dbs:
        heads += [f"{label[db]} first", f"{label[db]} req/s", f"{label[db]} ×healthz", f"{label[db]} p99"]
    if big:
        heads.append("1M/100k")
    heads.append("goals")
    lines = []
    for db in dbs:
        lines.append(
            f"/healthz on {label[db]}: {', '.join(f'{v:.0f}' for v in health[db])} req/s (mean {ref.get(db, 0):.0f})"
        )
    table = []
    tally = {"first": 0, "ratio": 0, "p99": 0, "growth": 0}
    not_theirs = []
    for (page, role), per_db in by_key.items():
        cells = [page, role]
        ok = True
        goals = dict.fromkeys(tally, True)
        if all(r["note"].strip() == "status 404" for r in per_db.values()):
            not_theirs.append(f"{page} ({role})")  # a page the role may not open: not counted
            continue
        for db in dbs:
            r = per_db.get(db)
            if r is None:
                cells += ["", "", "", ""]
                continue
            first = num(r["first_s"])
            rps = num(r["rps"])
            p99 = num(r["p99_ms"])
            note = r["note"].strip()
            ratio = rps / ref[db] if rps and ref.get(db) else None
            cells += [
                f"{first:.2f} s" if first is not None else "",
                f"{rps:.1f}" if rps is not None else (note or "—"),
                f"{ratio:.2f}" if ratio is not None else "",
                f"{p99:.0f} ms" if p99 is not None else "",
            ]
            if note and rps is not None:
                cells[-3] += f" ({note})"
            goals["first"] &= first is not None and first <= GOAL_FIRST
            goals["ratio"] &= ratio is not None and ratio >= GOAL_RATIO
            goals["p99"] &= p99 is not None and p99 < GOAL_P99 and not note
            ok = ok and goals["first"] and goals["ratio"] and goals["p99"]
        if big:
            a, b = num(per_db.get(small, {}).get("rps", "")), num(per_db.get(big, {}).get("rps", ""))
            growth = a / b if a and b else None
            cells.append(f"{growth:.2f}" if growth else "")
            goals["growth"] &= growth is not None and growth <= GOAL_GROWTH
            ok = ok and goals["growth"]
        for goal, met_it in goals.items():
            tally[goal] += met_it
        cells.append("met" if ok else "not met")
        table.append(cells)
    if markdown:
        out = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |" for cells in table]
    else:
        widths = [max(len(h), *(len(c[i]) for c in table)) for i, h in enumerate(heads)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        out = [fmt.format(*heads)] + [fmt.format(*cells) for cells in table]
    met = sum(1 for c in table if c[-1] == "met")
    print(
        "\n".join(
            lines
            + [""]
            + out
            + [
                "",
                f"{met} of {len(table)} page × role rows meet every goal "
                f"(≥ {GOAL_RATIO} × /healthz, p99 < {GOAL_P99:.0f} ms, first request ≤ {GOAL_FIRST:.0f} s, 1M/100k ≤ {GOAL_GROWTH})",
                f"each goal alone, rows meeting it on every database: first request ≤ {GOAL_FIRST:.0f} s {tally['first']}, "
                f"≥ {GOAL_RATIO} × /healthz {tally['ratio']}, p99 < {GOAL_P99:.0f} ms {tally['p99']}"
                + (f", 1M/100k ≤ {GOAL_GROWTH} {tally['growth']}" if big else "")
                + f" (of {len(table)})",
            ]
            + ([f"not counted (404: not the role's page): {', '.join(not_theirs)}"] if not_theirs else [])
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
