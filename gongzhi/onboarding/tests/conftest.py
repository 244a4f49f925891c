"""Helpers for the onboarding tests: uploaded files go to a temporary directory, and small
workbooks are built in memory."""

import io
from datetime import date

import pytest
from openpyxl import Workbook


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(settings):
    """The tests read the English source messages; test_language.py checks the default, Chinese."""
    settings.LANGUAGE_CODE = "en"


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with one sheet per entry: sheet name → rows (the first row holds the headings)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file(sheets: dict[str, list[list]], name: str = "导入.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, xlsx_bytes(sheets), content_type="application/octet-stream")


def valid_data(world) -> dict[str, list[dict]]:
    """A file that adds a neighborhood with a compound, its buildings and units, the four parties,
    people with their roles, a property contract and residents — and refers to records that are
    already there (neighborhood xc, compound xc2)."""
    return {
        "neighborhoods": [{"code": "hq", "name": "汇秋", "address": "汇秋路1号"}],
        "compounds": [
            {"code": "hq1", "name": "汇秋一村", "neighborhood": "hq", "address": "汇秋路100弄"},
            {"code": "xc9", "name": "新城九村", "neighborhood": "xc", "address": None},
        ],
        "buildings": [
            {"compound": "hq1", "number": "1号楼", "floors": 6},
            {"compound": "hq1", "number": "2号楼", "floors": 6.0},
            {"compound": "xc2", "number": "5号楼", "floors": None},
        ],
        "units": [
            {"compound": "hq1", "building": "1号楼", "number": 101.0, "area": 88.5},
            {"compound": "hq1", "building": "1号楼", "number": "102", "area": "90.25"},
            {"compound": "hq1", "building": "2号楼", "number": "201", "area": 120},
            {"compound": "xc2", "building": "5号楼", "number": "501", "area": "75.00"},
        ],
        "organizations": [
            {"code": "hq-po", "name": "汇秋党总支", "kind": "党组织", "neighborhood": "hq"},
            {"code": "hq-rc", "name": "汇秋居委会", "kind": "居委会", "neighborhood": "hq", "phone": "021-5555"},
            {"code": "hq1-oc", "name": "汇秋一村业委会", "kind": "业委会", "compound": "hq1"},
            {"code": "pc9", "name": "九号物业", "kind": "物业服务企业"},
        ],
        "people": [
            {"name": "王书记", "phone": "13911110001", "is_party_member": "是"},
            {"name": "李经理", "phone": "139 1111 0002", "is_party_member": "否"},
        ],
        "memberships": [
            {
                "phone": "13911110001",
                "organization": "hq-po",
                "title": "党总支书记",
                "position": "负责人",
                "start": date(2024, 1, 1),
                "end": None,
            },
            {
                "phone": "13911110001",
                "organization": "hq-rc",
                "title": "居委会主任",
                "position": "负责人",
                "start": "2024-01-01",
                "end": "2026-12-31",
            },
            {
                "phone": "13911110002",
                "organization": "pc9",
                "title": "小区经理",
                "position": None,
                "start": "2024/3/1",
                "end": None,
            },
        ],
        "contracts": [
            {"company": "pc9", "compound": "hq1", "start": "2024-01-01", "end": "2026-12-31", "manager": "13911110002"},
        ],
        "residents": [
            {
                "compound": "hq1",
                "building": "1号楼",
                "number": "101",
                "name": "赵业主",
                "phone": "13911110003",
                "relation": "业主",
            },
            {
                "compound": "hq1",
                "building": "1号楼",
                "number": "101",
                "name": "赵家人",
                "phone": "13911110004",
                "relation": "家庭成员",
            },
            {
                "compound": "xc1",
                "building": "1号楼",
                "number": "101",
                "name": "王书记",
                "phone": "13911110001",
                "relation": "租户",
            },
        ],
    }
