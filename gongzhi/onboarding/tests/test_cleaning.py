"""Cell values as Excel and WPS deliver them, and as people type them."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from gongzhi.onboarding.cleaning import CellError, clean, to_text
from gongzhi.onboarding.schema import SHEETS_BY_KEY

UNITS = SHEETS_BY_KEY["units"]
AREA = UNITS.column("area")
NUMBER = UNITS.column("number")
START = SHEETS_BY_KEY["memberships"].column("start")
POSITION = SHEETS_BY_KEY["memberships"].column("position")
PARTY = SHEETS_BY_KEY["people"].column("is_party_member")
PHONE = SHEETS_BY_KEY["people"].column("phone")
FLOORS = SHEETS_BY_KEY["buildings"].column("floors")
CODE = SHEETS_BY_KEY["compounds"].column("code")


@pytest.mark.parametrize(
    "raw, text",
    [
        (None, ""),
        (101.0, "101"),
        (101, "101"),
        (88.5, "88.5"),
        ("  3单元  402 ", "3单元 402"),
        ("\u3000甲\u3000", "甲"),
        (Decimal("12.00"), "12"),
        (datetime(2024, 3, 1), "2024-03-01"),
        (True, "是"),
    ],
)
def test_text(raw, text):
    assert to_text(raw) == text


@pytest.mark.parametrize(
    "raw, value",
    [
        (88.5, Decimal("88.50")),
        ("88.55", Decimal("88.55")),
        (120, Decimal("120.00")),
        ("1,234.5", Decimal("1234.50")),
        ("76.5㎡", Decimal("76.50")),
        ("76.5 平方米", Decimal("76.50")),
        (Decimal("999999.99"), Decimal("999999.99")),
    ],
)
def test_area(raw, value):
    assert clean(AREA, raw) == value


@pytest.mark.parametrize("raw", ["-1", 0, "0.00", "abc", "88.555", 1000000, "NaN", "inf", True])
def test_bad_area(raw):
    with pytest.raises(CellError):
        clean(AREA, raw)


@pytest.mark.parametrize(
    "raw, value",
    [
        ("2024-03-01", date(2024, 3, 1)),
        ("2024/3/1", date(2024, 3, 1)),
        ("2024.3.1", date(2024, 3, 1)),
        ("2024年3月1日", date(2024, 3, 1)),
        ("20240301", date(2024, 3, 1)),
        (45352, date(2024, 3, 1)),
        (datetime(2024, 3, 1, 0, 0), date(2024, 3, 1)),
        (date(2024, 3, 1), date(2024, 3, 1)),
    ],
)
def test_date(raw, value):
    assert clean(START, raw) == value


@pytest.mark.parametrize("raw", ["2024-02-30", "明年", "3/1/2024", 12])
def test_bad_date(raw):
    with pytest.raises(CellError):
        clean(START, raw)


def test_choices_phones_flags_numbers_and_codes():
    assert clean(POSITION, "负责人") == "head" and clean(POSITION, "head") == "head"
    assert clean(POSITION, " 副职 ") == "deputy"
    assert clean(PARTY, "是") is True and clean(PARTY, "否") is False and clean(PARTY, True) is True
    assert clean(PHONE, "+86 139-1111-2222") == "13911112222" and clean(PHONE, 13911112222.0) == "13911112222"
    assert clean(FLOORS, 18.0) == 18 and clean(FLOORS, "18层") == 18
    assert clean(NUMBER, 1201.0) == "1201"
    assert clean(CODE, "XC-01") == "XC-01" and clean(AREA, "  ") is None
    for column, raw in [
        (POSITION, "首长"),
        (PARTY, "也许"),
        (PHONE, "12345"),
        (FLOORS, 18.5),
        (FLOORS, 0),
        (CODE, "新城"),
        (NUMBER, "1" * 21),
    ]:
        with pytest.raises(CellError):
            clean(column, raw)
