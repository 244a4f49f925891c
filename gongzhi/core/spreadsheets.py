"""Excel exports (the office lives in Excel) — the one safe spreadsheet writer (DESIGN.md
convention 16): every value an export writes goes through `safe_cell` (or `append_row` /
`write_cell`, which call it), so

- a text is always stored as text, never as a formula: one that Excel or WPS could take for
  the start of a formula (=, +, -, @, a tab or carriage return, or their full-width forms ＝＋－＠)
  also gets Excel's quote prefix — the cell shows the text exactly as typed, and stays text when
  someone edits it — so a compound renamed `=HYPERLINK(...)` never becomes a live link;
- numbers, dates and times stay real numbers and dates;
- characters a workbook cannot hold (control characters) are dropped instead of failing the
  download.

`write_table` writes a list in openpyxl's write_only mode to a file, so memory stays flat however
long the list is (the background exports, gongzhi.exports); `table_workbook` returns the same
workbook as bytes for a short list answered in the request; `xlsx_response` is that download."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What Excel or WPS may take for the start of a formula or a command (DDE).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _plain(value):
    """A value a cell can hold: a lazy translation as its text, a text without control characters."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def as_text(cell: Cell) -> Cell:
    """Make sure `cell` holds no formula: a text is stored as text, quoted if it looks like a formula."""
    value = cell.value
    if isinstance(value, str):
        cell.data_type = "s"  # text: never a formula (nor an error code such as "#N/A")
        if looks_like_formula(value):
            cell.quotePrefix = True
    return cell


def safe_cell(sheet, value=None, *, font: Font | None = None, number_format: str | None = None) -> Cell:
    """One cell for `sheet` (write-only or not) holding `value` — the one way an export writes a value."""
    cell = as_text(WriteOnlyCell(sheet, value=_plain(value)))
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _needs_a_cell(value) -> bool:
    """Whether openpyxl, given `value` as it is, would store something other than what it says: a
    text it would take for a formula (or that Excel would, once edited) or for an error code."""
    return isinstance(value, str) and (looks_like_formula(value) or value in ERROR_CODES)


def safe_row(sheet, values: Iterable, font: Font | None = None) -> list:
    """One row's values as openpyxl should store them: a cell already made (for its format) is
    checked; a text that needs it gets a cell of its own (text, quoted); the rest — numbers,
    dates, ordinary text without control characters — is handed to openpyxl as it is, which stores
    it as that same value without a cell object of ours (a million-row export makes 24 million)."""
    row = []
    for value in values:
        if isinstance(value, Cell):
            cell = as_text(value)
        else:
            value = _plain(value)
            if font is None and not _needs_a_cell(value):
                row.append(value)
                continue
            cell = safe_cell(sheet, value)
        if font is not None:
            cell.font = font
        row.append(cell)
    return row


def append_row(sheet, values: Iterable, font: Font | None = None) -> None:
    """`sheet.append(values)`, written safely."""
    sheet.append(safe_row(sheet, values, font))


def write_cell(sheet, row: int, column: int, value=None) -> Cell:
    """`sheet.cell(row, column, value)` of a normal (not write-only) sheet, written safely."""
    cell = sheet.cell(row=row, column=column)
    cell.value = _plain(value)
    return as_text(cell)


def write_table(out, title: str, headers: Sequence[tuple[str, int]], rows: Iterable[Sequence]) -> None:
    """Write one sheet named `title` to `out` (a path or a binary file): a bold heading row of
    `headers` (title, column width), frozen, then `rows`, each written as it comes — however many
    rows there are, only one is held at a time (the background exports write a million this way)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for index, (_heading, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    append_row(sheet, [heading for heading, _width in headers], Font(bold=True))
    try:
        for row in rows:
            append_row(sheet, row)
    except BaseException:
        _discard(sheet)
        raise
    book.save(out)


def _discard(sheet) -> None:
    """Remove the temporary file a write-only sheet writes its rows to, when the rows failed midway
    (saving the workbook removes it otherwise; openpyxl itself only at the process's exit, and a
    background worker runs for weeks)."""
    with contextlib.suppress(Exception):
        sheet.close()  # ends the sheet's XML, so that its writer lets go of the file
    writer = getattr(sheet, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.cleanup()


def table_workbook(title: str, headers: Sequence[tuple[str, int]], rows: Iterable[Sequence]) -> bytes:
    """`write_table` into memory: the workbook as bytes, for the short lists answered in the request."""
    out = io.BytesIO()
    write_table(out, title, headers, rows)
    return out.getvalue()


def xlsx_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
