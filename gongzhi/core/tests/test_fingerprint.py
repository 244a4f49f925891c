"""`manage.py fingerprint` (gongzhi.core.fingerprint): the figures a restored backup must show
unchanged — deterministic for a database and a day, and changed when a case changes."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gongzhi.cases import reports, services
from gongzhi.cases.models import Case
from gongzhi.core.fingerprint import platform_reader
from gongzhi.meetings import compliance

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-20 10:00")]


@pytest.fixture
def submit(world):
    """submit() → a case of 新城一村 (浦江镇) reported by the resident through its QR code."""
    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import Category

    install_default_categories(actor=None, town=world.town)
    category = Category.objects.get(town=world.town, code="REPAIR")

    def make():
        report = services.Report(
            compound=world.c1,
            category=category,
            description="3号楼水管漏水，楼道积水",
            reporter_name="居民甲",
            reporter_phone="13800000001",
        )
        return services.submit_case(
            actor=None, report=report, channel="qr", photos=(), reporter_user=world.users["resident"]
        )

    return make


def fingerprint(*args) -> tuple[str, dict]:
    out = StringIO()
    call_command("fingerprint", *args, stdout=out)
    return out.getvalue(), json.loads(out.getvalue())


def changed(before: dict, after: dict) -> set[str]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def test_the_same_database_gives_the_same_text_with_every_part(world, submit):
    submit()
    text, figures = fingerprint()
    assert fingerprint()[0] == text
    assert list(figures) == sorted(figures)  # sorted keys, one figure a line: diff names the figure
    assert text.count("\n") == len(figures) + 2
    assert figures["format"] == 1 and figures["today"] == "2026-11-20"
    # Every table of the platform, counted.
    assert figures["rows/cases.case"] == 1
    assert figures["rows/places.town"] == 2
    assert "rows/core.auditentry" in figures
    # The three rates of each town, per month of the last 12 and the whole range.
    months = [key.removeprefix("rates/pj/") for key in figures if key.startswith("rates/pj/")]
    assert months == ["2025-12", *(f"2026-{m:02d}" for m in range(1, 12)), "total"]
    assert "rates/ml/total" in figures
    assert figures["rates/pj/2026-11"] == ("handling 0/0=None · effective 0/0=None · satisfaction 0/0=None")
    # The compliance table of each town's neighborhoods, this year.
    assert {key for key in figures if key.startswith("compliance/")} == {
        "compliance/pj/sb",
        "compliance/pj/xc",
        "compliance/ml/ml1",
    }
    assert figures["compliance/pj/xc"].startswith("2026: 0 of 0 held; 01 before 02 before")
    # The audit chains' heads.
    assert any(key.startswith("audit/") for key in figures)


def test_the_figures_are_those_of_the_functions_that_define_them(world, submit):
    submit()
    _text, figures = fingerprint()
    reader = platform_reader()
    place = reports.place_for(reader, f"town.{world.town.uid}")
    settings = reports.settings_for(place.town_ids)
    first, last = reports.default_range(settings)
    report = reports.build(reader, place, grain="month", first=first, last=last, settings=settings)
    assert figures["rates/pj/total"] == (
        f"handling {report.total.rates.handling.numerator}/{report.total.rates.handling.denominator}="
        f"{report.total.rates.handling.value} · effective 0/0=None · satisfaction 0/0=None"
    )
    rows = compliance.table(compliance.neighborhoods_for(world.users["admin"]), 2026, date(2026, 11, 20))
    assert len([key for key in figures if key.startswith("compliance/")]) == len(rows)


def test_a_case_that_changes_changes_the_fingerprint(world, submit):
    case = submit()
    _text, before = fingerprint()
    services.accept_case(actor=world.users["property_manager"], case=case, expected_version=case.version)
    _text, after = fingerprint()
    difference = changed(before, after)
    assert {"rates/pj/2026-11", "rates/pj/total"} <= difference
    assert after["rates/pj/2026-11"].startswith("handling 0/1=0.0000 · ")
    assert any(key.startswith("audit/") for key in difference)  # the acceptance was recorded
    assert not any(key.startswith(("rates/ml/", "compliance/")) for key in difference)

    Case.objects.filter(pk=case.pk).delete()  # a case lost (as in a damaged copy): its table's count
    _text, lost = fingerprint()
    assert lost["rows/cases.case"] == after["rows/cases.case"] - 1


def test_the_day_is_given(world):
    _text, figures = fingerprint("--today", "2026-03-05")
    assert figures["today"] == "2026-03-05"
    assert "rates/pj/2026-03" in figures and "rates/pj/2026-04" not in figures
    assert "rates/pj/2025-04" in figures and "rates/pj/2025-03" not in figures
    assert figures["compliance/pj/xc"].startswith("2026: ")


def test_a_bad_day_or_snapshot_is_refused(world):
    with pytest.raises(CommandError):
        fingerprint("--today", "2026-13-01")
    with pytest.raises(CommandError):
        fingerprint("--snapshot", "'; DROP TABLE cases_case; --")
