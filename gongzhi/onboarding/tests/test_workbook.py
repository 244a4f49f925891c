"""The .xlsx side: what is refused (too large, not an .xlsx by content, damaged, no known sheet,
too many rows), how headings and cells are read, and the template."""

import io
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from gongzhi.onboarding import workbook as wb
from gongzhi.onboarding.importer import ImportInvalid, import_data
from gongzhi.onboarding.problems import WorkbookRefused
from gongzhi.onboarding.schema import SHEETS
from gongzhi.onboarding.workbook import build_problems_workbook, build_template, read_workbook
from gongzhi.places.models import Unit

from .conftest import xlsx_bytes

UNIT_HEADINGS = ["小区编码", "楼栋号", "房号", "专有面积（㎡）"]


def refused(content: bytes) -> str:
    with pytest.raises(WorkbookRefused) as caught:
        read_workbook(io.BytesIO(content))
    assert caught.value.errors[0].row is None
    return caught.value.message


def test_random_bytes_named_xlsx_are_refused():
    assert "not an Excel workbook" in refused(bytes(range(256)) * 20)


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "not an Excel workbook" in refused(buffer.getvalue())


def test_a_damaged_workbook_is_refused():
    content = xlsx_bytes({"房屋": [UNIT_HEADINGS, ["xc1", "1号楼", "101", 80]]})
    assert "damaged" in refused(content[: len(content) // 2])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><not closed")
    assert "damaged" in refused(buffer.getvalue())


def test_an_oversized_file_is_refused(settings):
    settings.ONBOARDING_MAX_UPLOAD_BYTES = 1000
    message = refused(xlsx_bytes({"房屋": [UNIT_HEADINGS] + [["xc1", "1号楼", str(n), 80] for n in range(300)]}))
    assert "1000" in message or "1.0" in message or "KB" in message or "字节" in message


@pytest.mark.parametrize(
    "content, words",
    [
        ("小区编码,楼栋号,房号,专有面积\nxc1,1号楼,101,88.5\n".encode(), "text file"),
        ("小区编码,楼栋号\n".encode("gb18030"), "text file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "picture"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "picture"),
        (wb.OLE_SIGNATURE + bytes(600), ".xls"),
        (b"%PDF-1.7\n", "PDF"),
        (b"", "empty"),
    ],
)
def test_files_of_another_type_are_refused_by_their_content(content, words):
    assert words in refused(content)


def test_a_workbook_without_a_known_sheet_is_refused():
    assert "none of the sheets" in refused(xlsx_bytes({"Sheet1": [["a", "b"], [1, 2]]}))


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(wb, "MAX_ROWS", 5)
    rows = [UNIT_HEADINGS] + [["xc1", "1号楼", n, 80] for n in range(6)]
    assert "more than 5 rows" in refused(xlsx_bytes({"房屋": rows}))


def test_headings_are_matched_leniently_and_rows_keep_their_numbers():
    content = xlsx_bytes(
        {
            " 房屋 ": [
                ["浦江镇房屋清单"],  # a title above the headings
                ["小区编码*", "楼号", "室号", "专有面积(m2)", "备注"],
                ["xc1", "1号楼", 101, 88.5, "新"],
                [None, None, None, None, None],
                ["xc1", "1号楼", "102", "90", None, "无标题"],
            ],
        }
    )
    data = read_workbook(io.BytesIO(content))
    assert data["units"] == [
        {"_row": 3, "compound": "xc1", "building": "1号楼", "number": 101, "area": 88.5},
        {"_row": 5, "compound": "xc1", "building": "1号楼", "number": "102", "area": "90"},
    ]
    assert [(p.sheet, p.row, p.column, p.level) for p in data.problems] == [
        ("房屋", 2, "备注", "warning"),
        ("房屋", 5, "F", "warning"),
    ]


def test_layout_problems_are_reported_with_the_data_errors(world):
    content = xlsx_bytes(
        {
            "房屋": [["小区编码", "楼栋号", "房号", "专有面积", "面积"], ["xc1", "1号楼", "301", 80, 80]],
            "楼宇": [["小区编码"], ["xc1"]],
            "Sheet3": [],
            "说明": [["anything"]],
        }
    )
    data = read_workbook(io.BytesIO(content))
    with pytest.raises(ImportInvalid) as caught:
        import_data(actor=None, town=world.town, data=data)
    errors = [(e.sheet, e.row, e.column) for e in caught.value.errors]
    assert errors == [("楼宇", None, ""), ("房屋", 1, "专有面积（㎡）")]
    assert "appears twice" in caught.value.errors[1].message
    assert [(w.sheet, w.level) for w in caught.value.warnings] == [("Sheet3", "warning")]


def test_dates_numbers_and_excel_floats_import_sensibly(world):
    content = xlsx_bytes(
        {
            "楼栋": [["小区编码", "楼栋号", "层数"], ["xc1", 7, 18]],
            "房屋": [UNIT_HEADINGS, ["xc1", 7, 701, 88.55], ["xc1", "7", 702.0, 100]],
            "人员": [["姓名", "手机号"], ["张三", 13911113333]],
            "任职": [["手机号", "组织编码", "职务", "任期开始"], [13911113333, "rc1", "社工", datetime(2024, 3, 1)]],
        }
    )
    import_data(actor=None, town=world.town, data=read_workbook(io.BytesIO(content)))
    assert set(Unit.objects.filter(building__number="7").values_list("number", "area")) == {
        ("701", Decimal("88.55")),
        ("702", Decimal("100.00")),
    }


def test_the_template_reads_back_with_its_example_rows_marked(world):
    content = build_template()
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["说明", *[s.label for s in SHEETS]]
    units = book["房屋"]
    assert [c.value for c in units[1]] == ["示例标记", *UNIT_HEADINGS]
    assert all(c.font.b for c in units[1]) and units["B1"].comment is not None
    assert units.max_row == 2 and units["A2"].value == "示例"
    kinds = book["组织"].data_validations.dataValidation
    assert any("物业服务企业" in v.formula1 for v in kinds)
    data = read_workbook(io.BytesIO(content))
    assert set(data) == {s.key for s in SHEETS} and all(len(rows) == 1 for rows in data.values())
    assert all(rows[0]["_example"] == "示例" for rows in data.values())
    assert not data.problems


def test_the_problem_list_is_a_workbook():
    from gongzhi.onboarding.problems import Problem

    content = build_problems_workbook(
        [Problem("房屋", 3, "专有面积（㎡）", "面积必须大于0")], [Problem("房屋", 1, "备注", "ignored", "warning")]
    )
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("房屋", 3, "专有面积（㎡）", "面积必须大于0") and len(rows) == 3


def test_a_path_can_be_read(tmp_path):
    path = tmp_path / "f.xlsx"
    book = Workbook()
    book.active.title = "居民区"
    book.active.append(["居民区编码", "名称"])
    book.active.append(["hq", "汇秋"])
    book.save(path)
    assert read_workbook(path)["neighborhoods"] == [{"_row": 2, "code": "hq", "name": "汇秋"}]


def test_the_command_checks_and_imports_a_file(world, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "f.xlsx"
    path.write_bytes(xlsx_bytes({"居民区": [["居民区编码", "名称"], ["hq", "汇秋"]]}))
    out = io.StringIO()
    call_command("import_spreadsheet", "pj", str(path), "--check", stdout=out)
    assert "would import: neighborhoods: +1" in out.getvalue()
    call_command("import_spreadsheet", "pj", str(path), stdout=out)
    assert world.town.neighborhoods.filter(code="hq").exists()
    path.write_bytes(xlsx_bytes({"居民区": [["居民区编码", "名称"], ["h q", "汇秋"]]}))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_spreadsheet", "pj", str(path), stdout=out, stderr=io.StringIO())
