"""The evaluation reports' test set-up on the shared `world` (town 浦江镇: neighborhoods 新城 n1 with
c1, c2 and 世博 n2 with c3), the clock frozen in mid-October 2026: the report is 2026Q3's.

`with_cases` writes the rates' counters of the quarter directly (they are what the rates read):
新城一村 (c1, 申江物业) 10 accepted, 8 handled in time, 4 closed validly, 3 confirmed fixed, 5
ratings (3 satisfied, 1 basic, 1 unsatisfied); 世博家园 (c3, 申江物业) 10 accepted, 6 handled in time."""

from __future__ import annotations

from datetime import date

from gongzhi.cases.models import CaseStats
from gongzhi.evaluation_reports import services
from gongzhi.evaluation_reports.models import Report

TODAY = "2026-10-15 10:00"
QUARTER = "2026Q3"


def with_cases(world) -> None:
    pc = world.orgs["pc"]
    CaseStats.objects.create(
        town=world.town, neighborhood=world.n1, compound=world.c1, organization=pc, period=date(2026, 8, 1),
        submitted=12, accepted=10, handled_in_time=8, closed_valid=4, confirmed_fixed=3,
        rated_satisfied=3, rated_basic=1, rated_unsatisfied=1,
    )  # fmt: skip
    CaseStats.objects.create(
        town=world.town, neighborhood=world.n2, compound=world.c3, organization=pc, period=date(2026, 9, 1),
        submitted=10, accepted=10, handled_in_time=6,
    )  # fmt: skip


def started(world, capture, kind="quarter", period=QUARTER) -> Report:
    """A report started by the office, its figures assembled (the job run on commit)."""
    with capture(execute=True):
        report = services.create_report(actor=world.users["office"], town=world.town, kind=kind, period=period)
    report.refresh_from_db()
    return report


def approved(world, capture, report: Report) -> Report:
    report = services.submit(actor=world.users["office"], report=report, version=report.version)
    with capture(execute=True):
        report = services.approve(actor=world.users["leader"], report=report, version=report.version)
    report.refresh_from_db()
    return report


def distributed(world, capture, report: Report) -> Report:
    with capture(execute=True):
        report = services.distribute(actor=world.users["office"], report=report, version=report.version)
    report.refresh_from_db()
    return report
