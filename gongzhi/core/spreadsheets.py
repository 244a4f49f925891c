"""Excel exports (the office lives in Excel): a list written with openpyxl's write_only mode, so
memory stays flat however long the list is; text cells always stored as text, so a value
beginning with "=" is never taken for a formula; the download response."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_safe_cells(sheet, values: Sequence, font: Font | None = None) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text, never a formula
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


def table_workbook(title: str, headers: Sequence[tuple[str, int]], rows: Iterable[Sequence]) -> bytes:
    """One sheet named `title`: a bold heading row of `headers` (title, column width), frozen,
    then `rows`."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for index, (_heading, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(text_safe_cells(sheet, [heading for heading, _width in headers], Font(bold=True)))
    for row in rows:
        sheet.append(text_safe_cells(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
