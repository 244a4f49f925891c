"""Benchmark of the spreadsheet import (issue "foundation": a 10,000-unit file imports in well
under a minute).

Generates a valid workbook of N units (default 10,000) with the neighborhoods, compounds and
buildings they need, in a temporary file, and times `read_workbook` + `import_data` into a new
town of the configured database; then the same file again (everything unchanged), then a copy
with one unit in ten changed, then one with every unit's area changed (updates, audited).

    .venv/bin/python manage.py migrate                          # with the same DATABASE_URL
    DATABASE_URL=sqlite:////tmp/bench-import.sqlite3 .venv/bin/python bench/import_units.py [--units 10000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from gongzhi.core.models import AuditEntry  # noqa: E402
from gongzhi.onboarding.importer import import_data  # noqa: E402
from gongzhi.onboarding.schema import SHEETS_BY_KEY  # noqa: E402
from gongzhi.onboarding.workbook import read_workbook  # noqa: E402
from gongzhi.places.models import Town, Unit  # noqa: E402
from gongzhi.places.services import create_town  # noqa: E402

UNITS_PER_BUILDING = 24
BUILDINGS_PER_COMPOUND = 10
COMPOUNDS_PER_NEIGHBORHOOD = 5


def _headings(key: str) -> list[str]:
    return [c.label for c in SHEETS_BY_KEY[key].columns]


def write_workbook(path: Path, units: int, seed: int = 1, changed_every: int = 0) -> None:
    """A valid import file of `units` units; with `changed_every`, every n-th unit's area differs."""
    rng = random.Random(seed)
    buildings = -(-units // UNITS_PER_BUILDING)
    compounds = -(-buildings // BUILDINGS_PER_COMPOUND)
    neighborhoods = -(-compounds // COMPOUNDS_PER_NEIGHBORHOOD)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民区")
    sheet.append(_headings("neighborhoods"))
    for n in range(neighborhoods):
        sheet.append([f"NB{n:03d}", f"测试居民区{n:03d}", f"测试路{n + 1}号"])
    sheet = book.create_sheet("小区")
    sheet.append(_headings("compounds"))
    for c in range(compounds):
        sheet.append([f"CP{c:04d}", f"测试小区{c:04d}", f"NB{c // COMPOUNDS_PER_NEIGHBORHOOD:03d}", f"测试路{c}弄"])
    sheet = book.create_sheet("楼栋")
    sheet.append(_headings("buildings"))
    for b in range(buildings):
        sheet.append([f"CP{b // BUILDINGS_PER_COMPOUND:04d}", f"{b % BUILDINGS_PER_COMPOUND + 1}号楼", 12])
    sheet = book.create_sheet("房屋")
    sheet.append(_headings("units"))
    for u in range(units):
        b = u // UNITS_PER_BUILDING
        floor, door = divmod(u % UNITS_PER_BUILDING, 2)
        area = round(rng.uniform(45, 160), 2)
        if changed_every and u % changed_every == 0:
            area = round(area + 1.5, 2)
        sheet.append(
            [
                f"CP{b // BUILDINGS_PER_COMPOUND:04d}",
                f"{b % BUILDINGS_PER_COMPOUND + 1}号楼",
                f"{floor + 1}{door + 1:02d}",
                area,
            ]
        )
    book.save(path)


def timed_import(path: Path, town: Town) -> tuple[dict, float, float]:
    started = time.perf_counter()
    data = read_workbook(path)
    read = time.perf_counter() - started
    started = time.perf_counter()
    report = import_data(actor=None, town=town, data=data)
    imported = time.perf_counter() - started
    return report.to_json()["sheets"], read, imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=10_000)
    args = parser.parse_args()

    town = create_town(actor=None, code=f"bench{int(time.time() * 1000) % 10**9}", name="基准测试镇")
    vendor = (
        f"{connection.vendor} {'.'.join(map(str, connection.Database.sqlite_version_info))}"
        if connection.vendor == "sqlite"
        else f"{connection.vendor} {connection.pg_version}"
    )
    print(f"database: {vendor} ({connection.settings_dict['NAME']}); town {town.code}; {args.units} units")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "units.xlsx"
        changed = Path(tmp) / "units-changed.xlsx"
        all_changed = Path(tmp) / "units-all-changed.xlsx"
        started = time.perf_counter()
        write_workbook(path, args.units)
        write_workbook(changed, args.units, changed_every=10)
        write_workbook(all_changed, args.units, seed=2)
        elapsed, size = time.perf_counter() - started, path.stat().st_size / 1e6
        print(f"generated 3 workbooks in {elapsed:.1f} s; {size:.2f} MB each")
        audit_before = AuditEntry.objects.count()
        for label, file in (
            ("first import (all new)", path),
            ("same file again (all unchanged)", path),
            ("one unit in ten changed", changed),
            ("every unit changed", all_changed),
        ):
            audit_start = AuditEntry.objects.count()
            sheets, read, imported = timed_import(file, town)
            summary = ", ".join(f"{k} +{v['created']} ~{v['updated']} ={v['unchanged']}" for k, v in sheets.items())
            print(
                f"{label}: read {read:.2f} s + import {imported:.2f} s = {read + imported:.2f} s; "
                f"audit entries +{AuditEntry.objects.count() - audit_start}; {summary}"
            )
        assert Unit.objects.filter(town=town).count() == args.units
        print(f"units in town: {args.units}; audit entries written in all: {AuditEntry.objects.count() - audit_before}")


if __name__ == "__main__":
    main()
