"""Every spreadsheet the platform hands out goes through the one safe writer
(gongzhi.core.spreadsheets): a name, a case text or a heading that looks like a formula —
`=HYPERLINK(...)` — is written as text with Excel's quote prefix, so neither Excel nor WPS ever
evaluates it; numbers stay numbers. One test walks every export after planting such a text
wherever a user can type one that the export shows."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gongzhi.testing import exported

pytestmark = [pytest.mark.django_db, pytest.mark.frozen("2026-11-27 10:00")]

EVIL = '=HYPERLINK("http://x","点我")'
# What Excel or WPS may take for the start of a formula (full-width forms included).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def rename(obj, **fields):
    type(obj).objects.filter(pk=obj.pk).update(**fields)


def cases_export(world, client_for, clock):
    from gongzhi.cases.tests.conftest import categories  # noqa: F401 - the fixture's function below

    submit = _submitter(world)
    rename(world.c1, name=EVIL)
    submit(description=EVIL, reporter_name=EVIL, location="＝1+1")
    office = client_for("office")
    job, _book = exported(office, "cases", "box=all")  # written in the background (gongzhi.exports)
    return office.get(reverse("exports:download", args=[job.uid]))


def rates_export(world, client_for, clock):
    from gongzhi.cases import services

    submit = _submitter(world)
    rename(world.c1, name=EVIL)
    rename(world.orgs["pc"], name="@SUM(1,2)")
    case = submit(description=EVIL)
    services.accept_case(actor=world.users["property_manager"], case=case, expected_version=case.version)
    clock.move_to("2026-12-02 10:00")  # November finished: the rankings count it
    return client_for("office").get(f"/rates/export/?at=neighborhood.{world.n1.uid}&start=2026-11&end=2026-11")


def resolutions_export(world, client_for, clock):
    from gongzhi.meetings.models import Resolution
    from gongzhi.meetings.tests.scenario import build

    scenario = build(world)
    rename(world.orgs["oc1"], name=EVIL)
    rename(world.n1, name="+86 新城")
    Resolution.objects.filter(pk=scenario.resolution.pk).update(text=EVIL)
    return client_for("office").get(reverse("meetings:resolution_export") + "?show=all")


def import_template(world, client_for, clock):
    return client_for("office").get(reverse("onboarding:template"))


def import_problems(world, client_for, clock):
    from django.test import TestCase

    from gongzhi.onboarding.models import ImportJob

    units = ["小区编码", "楼栋号", "房号", "专有面积（㎡）", EVIL]
    book = Workbook()
    sheet = book.active
    sheet.title = "房屋"
    sheet.append(units)
    sheet["E1"].data_type = "s"  # the heading as the text a user typed (with a quote), not a formula
    sheet.append(["-nope", "1号楼", "101", -3, "x"])
    book.create_sheet("@SUM(1,2)").append(["a", "b"])  # an unknown sheet: its name is shown
    content = io.BytesIO()
    book.save(content)
    office = client_for("office")
    with TestCase.captureOnCommitCallbacks(execute=True):
        office.post(reverse("onboarding:upload"), {"file": SimpleUploadedFile("导入.xlsx", content.getvalue())})
    job = ImportJob.objects.get()
    return office.get(reverse("onboarding:job_errors", args=[job.uid]))


def _submitter(world):
    from gongzhi.cases.configuration import install_default_categories
    from gongzhi.cases.models import Category
    from gongzhi.cases.services import Report, submit_case

    install_default_categories(actor=None, town=world.town)
    repair = Category.objects.get(town=world.town, code="REPAIR")

    def submit(**overrides):
        values = {
            "compound": world.c1,
            "category": repair,
            "description": "水管漏水",
            "reporter_name": "居民甲",
            "reporter_phone": "13800000001",
            **overrides,
        }
        return submit_case(actor=None, report=Report(**values), channel="qr", reporter_user=world.users["resident"])

    return submit


EXPORTS = {
    "cases": (cases_export, True),
    "rates": (rates_export, True),
    "resolutions": (resolutions_export, True),
    "import template": (import_template, False),  # no user text: no formula either
    "import problems": (import_problems, True),
}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_no_export_holds_a_live_formula(name, world, client_for, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the files of the background exports and of the import
    make, shows_planted_text = EXPORTS[name]
    response = make(world, client_for, clock)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(content))
    planted = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                assert cell.data_type != "f", f"a formula in {where}"
                if isinstance(cell.value, str):
                    planted += "HYPERLINK" in cell.value
                    if cell.value.startswith(FORMULA_STARTS):
                        assert cell.data_type == "s" and cell.quotePrefix, f"not quoted as text: {where}"
                elif cell.value is not None:
                    assert isinstance(cell.value, (int, float)) or hasattr(cell.value, "year"), where
    assert planted or not shows_planted_text, "the planted text is not in the export: the test proves nothing"


def test_the_writer_stores_each_value_as_what_it_is(tmp_path):
    """`write_table` hands plain values to openpyxl as they are and makes a cell only for a text that
    needs one: what comes back is the same text, number or date, and nothing is a formula or an error."""
    from datetime import date

    from gongzhi.core.spreadsheets import write_table

    values = ["普通文字", "#N/A", "#REF!", EVIL, "-3", "＝1", 42, 2.5, date(2026, 11, 27), "", None, "a\x07b"]
    path = tmp_path / "t.xlsx"
    write_table(path, "表", [(f"列{i}", 10) for i in range(len(values))], [values])
    row = next(load_workbook(path).active.iter_rows(min_row=2))
    assert [c.data_type for c in row[:6]] == ["s"] * 6
    assert [c.value for c in row[:6]] == values[:6]
    assert [c.quotePrefix for c in row[:6]] == [False, False, False, True, True, True]
    assert (row[6].value, row[7].value, row[8].value.date()) == (42, 2.5, date(2026, 11, 27))
    assert row[11].value == "ab"  # a control character is dropped, not a failed download
