"""Turning a spreadsheet cell into a value: trimmed text, codes, whole numbers, areas, dates,
mobile numbers, choices and yes/no — forgiving about what Excel and WPS do to cells (101.0 for
101, a date serial number, 2024/3/1 or 2024年3月1日), strict about what the records accept.

`clean(column, raw)` returns the value or raises CellError with a translated message."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.core.phones import normalise_phone
from gongzhi.places.models import code_validator

from .schema import AREA, BOOL, CHOICE, CHOICE_ALIASES, CODE, DATE, INT, NO, PHONE, TEXT, YES, Column, normalise_label

MAX_AREA = Decimal("1000000")
MAX_FLOORS = 200
EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def to_text(raw) -> str:
    """Any cell as trimmed text with inner runs of whitespace made one space; a number Excel
    stored as 101.0 becomes "101"."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, Decimal):
        return format(raw.normalize(), "f") if raw == raw.to_integral_value() else str(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return " ".join(str(raw).split())


def _text(column: Column, raw) -> str:
    value = to_text(raw)
    if column.max_length and len(value) > column.max_length:
        raise CellError(
            _("Too long: at most %(n)s characters (this has %(len)s).") % {"n": column.max_length, "len": len(value)}
        )
    return value


def _code(column: Column, raw) -> str:
    value = _text(column, raw)
    try:
        code_validator(value)
    except ValidationError:
        raise CellError(
            _("“%(value)s” is not a valid code: use letters, digits, '-', '_' or '.', starting with a letter or digit.")
            % {"value": value}
        )
    return value


def _int(column: Column, raw) -> int:
    if isinstance(raw, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value():
        value = int(raw)
    else:
        text = to_text(raw).removesuffix("层")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise CellError(_("Enter a whole number, e.g. 18."))
        value = int(text)
    if not 1 <= value <= MAX_FLOORS:
        raise CellError(_("Enter a whole number from 1 to %(max)s.") % {"max": MAX_FLOORS})
    return value


def _area(column: Column, raw) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(_("Enter the area as a number of square metres, e.g. 88.5."))
    if isinstance(raw, float):
        value = Decimal(repr(raw))
    elif isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
    else:
        text = to_text(raw).replace(",", "").replace("，", "")
        text = re.sub(r"\s*(㎡|m²|m2|平方米|平米)$", "", text, flags=re.IGNORECASE)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellError(_("Enter the area as a number of square metres, e.g. 88.5."))
    if not value.is_finite():
        raise CellError(_("Enter the area as a number of square metres, e.g. 88.5."))
    if value <= 0:
        raise CellError(_("The area must be greater than 0."))
    if value >= MAX_AREA:
        raise CellError(_("The area must be less than 1,000,000 m²."))
    if value != value.quantize(Decimal("0.01")):
        raise CellError(_("Use at most two decimal places for the area."))
    return value.quantize(Decimal("0.01"))


def _date(column: Column, raw) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 20000 <= raw <= 80000:  # a date Excel stored as a serial number (1954–2119)
            return EXCEL_EPOCH + timedelta(days=int(raw))
        raw = to_text(raw)
    text = to_text(raw)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise CellError(_("“%(value)s” is not a date. Enter a date such as 2024-03-01.") % {"value": text})


def _phone(column: Column, raw) -> str:
    text = to_text(raw)
    try:
        return normalise_phone(text)
    except ValidationError as error:
        raise CellError(_("“%(value)s”: %(problem)s") % {"value": text, "problem": error.messages[0]})


def choice_lookup(column: Column) -> dict[str, str]:

    lookup = {}
    for value, label in column.choices:
        for name in (value, label, *CHOICE_ALIASES.get(value, ())):
            lookup[normalise_label(name)] = value
    return lookup


_CHOICE_CACHE: dict[int, dict[str, str]] = {}


def _choice(column: Column, raw) -> str:

    lookup = _CHOICE_CACHE.setdefault(id(column), choice_lookup(column))
    text = to_text(raw)
    value = lookup.get(normalise_label(text))
    if value is None:
        raise CellError(
            _("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": "、".join(column.choice_labels)}
        )
    return value


def _bool(column: Column, raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = to_text(raw).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("Enter 是 or 否."))


CLEANERS = {TEXT: _text, CODE: _code, INT: _int, AREA: _area, DATE: _date, PHONE: _phone, CHOICE: _choice, BOOL: _bool}


def clean(column: Column, raw):
    """The cell's value, or None when the cell is empty; CellError when it is not acceptable."""
    if is_blank(raw):
        return None
    return CLEANERS[column.kind](column, raw)
