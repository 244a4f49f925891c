"""The .xlsx side of the import: checking that an upload is a readable workbook within the limits,
reading it into importer rows, the downloadable template, and the downloadable list of problems.

Reading uses openpyxl's read-only (streaming) mode. A file is refused — with one clear message,
before anything is written — when it is too large, is not an .xlsx workbook (judged by its
content: a renamed .csv, .xls or picture is recognised as such), is damaged, would unpack to too
much (checked from the sizes its parts declare, before openpyxl unpacks anything: see
gongzhi.core.uploads.unpacked_problem), has no sheet the import knows, or has more than MAX_ROWS
rows. openpyxl parses the XML with defusedxml (installed: no entity expansion, no external
entities). The template and the list of problems are written through the safe spreadsheet writer."""

from __future__ import annotations

import io
import logging
import os
import zipfile
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from gongzhi.core.spreadsheets import XLSX, append_row, write_cell
from gongzhi.core.uploads import unpacked_problem

from .cleaning import is_blank
from .problems import ERROR, WARNING, Problem, WorkbookRefused
from .schema import (
    AREA,
    CODE,
    DATE,
    EXAMPLE_HEADING,
    EXAMPLE_KEY,
    EXAMPLE_MARK,
    INSTRUCTIONS_SHEET,
    PHONE,
    SHEETS,
    TEXT,
    Sheet,
    find_column,
    find_sheet,
    is_example_heading,
    is_ignored_sheet,
)

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = XLSX  # one definition: gongzhi.core.spreadsheets
MAX_ROWS = 200_000
MAX_EMPTY_RUN = 10_000  # this many empty rows in a row end a sheet (formatting left on a million rows)
HEADING_SEARCH_ROWS = 10
UNPACKED_FACTOR = 10  # the unpacked workbook may be this many times the upload limit (real ones: 5 to 20× the file)
TEMPLATE_ROWS = 200_001  # rows covered by the template's drop-down lists

ZIP_SIGNATURES = (b"PK\x03\x04",)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and password-protected .xlsx
IMAGE_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"RIFF", b"II*\x00", b"MM\x00*")
PDF_SIGNATURE = b"%PDF"

Progress = Callable[[str, int, int], None]


class WorkbookData(dict):
    """What `read_workbook` returns: sheet key → rows (dicts of column key → cell value, with the
    spreadsheet row number under "_row"), and the problems found in the file's layout (unknown
    sheets, repeated or unused headings) for the importer to report with the rest."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems: list[Problem] = []


def max_upload_bytes() -> int:
    return settings.ONBOARDING_MAX_UPLOAD_BYTES


def _size_of(file) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return size
    position = file.tell()
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def check_file(file) -> None:
    """Refuse (WorkbookRefused) a file that is too large or not an .xlsx workbook, judging by its
    content, not its name. Reads only the beginning and the zip directory."""
    limit = max_upload_bytes()
    size = _size_of(file)
    if size > limit:
        raise WorkbookRefused(
            _("The file is %(size)s; files of at most %(limit)s can be imported. Split it into several files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    if not head:
        raise WorkbookRefused(_("The file is empty."))
    _refuse_by_first_bytes(head)
    _check_archive(file, limit)


def _refuse_by_first_bytes(head: bytes) -> None:
    """Refuse a file whose first bytes show it is something other than a zip archive (.xlsx)."""
    if head.startswith(OLE_SIGNATURE):
        raise WorkbookRefused(
            _(
                "This is an old-format Excel file (.xls) or a password-protected workbook. Open it in "
                "Excel or WPS, remove any password, save it as “Excel workbook (*.xlsx)” and upload "
                "that file."
            )
        )
    if head.startswith(IMAGE_SIGNATURES):
        raise WorkbookRefused(
            _("This is a picture, not a spreadsheet. Upload the .xlsx file filled in from the template.")
        )
    if head.startswith(PDF_SIGNATURE):
        raise WorkbookRefused(
            _("This is a PDF document, not a spreadsheet. Upload the .xlsx file filled in from the template.")
        )
    if not head.startswith(ZIP_SIGNATURES):
        if _looks_like_text(head):
            raise WorkbookRefused(
                _(
                    "This is a text file (for example .csv), not an Excel workbook. Open it in Excel "
                    "or WPS, save it as “Excel workbook (*.xlsx)” and upload that file."
                )
            )
        raise WorkbookRefused(
            _("This is not an Excel workbook (.xlsx). Save the file as “Excel workbook (*.xlsx)” and upload it again.")
        )


def _check_archive(file, limit: int) -> None:
    """Refuse a zip archive that is damaged, holds no workbook, or unpacks to too much."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            problem = unpacked_problem(archive, limit * UNPACKED_FACTOR)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise WorkbookRefused(
            _(
                "The file is damaged or incomplete and cannot be read as an .xlsx workbook. Open it in "
                "Excel or WPS, save it again and upload it again."
            )
        )
    finally:
        file.seek(0)
    if "xl/workbook.xml" not in names and not any(n.startswith("xl/") and n.endswith("workbook.xml") for n in names):
        raise WorkbookRefused(
            _(
                "This file is not an Excel workbook (it may be a Word or other document, or a zip "
                "archive). Upload the .xlsx file filled in from the template."
            )
        )
    if problem:  # too many parts, a part packed far too tightly, or too much in all
        raise WorkbookRefused(_("The workbook is too large once unpacked. Split it into several files."))


def _damaged() -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "The file could not be read: it may be damaged. Open it in Excel or WPS, save it again as "
            "“Excel workbook (*.xlsx)” and upload it again."
        )
    )


def read_workbook(file, progress: Progress | None = None) -> WorkbookData:
    """The rows of every known sheet of an .xlsx workbook (a path or a binary file object).
    Raises WorkbookRefused for a file that cannot be imported at all."""
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as handle:
            return read_workbook(handle, progress)
    check_file(file)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors on a broken file
        logger.info("Unreadable workbook", exc_info=True)
        raise _damaged()
    try:
        return _read_sheets(workbook, progress)
    except WorkbookRefused:
        raise
    except Exception:  # noqa: BLE001
        logger.info("Unreadable workbook", exc_info=True)
        raise _damaged()
    finally:
        workbook.close()


def _read_sheets(workbook, progress: Progress | None) -> WorkbookData:
    data = WorkbookData()
    counter = {"rows": 0}
    estimate = 0
    for name in workbook.sheetnames:
        worksheet = workbook[name]
        if find_sheet(name) is not None and hasattr(worksheet, "max_row"):
            estimate += max((worksheet.max_row or 1) - 1, 0)
    estimate = min(estimate, MAX_ROWS)
    for name in workbook.sheetnames:
        worksheet = workbook[name]
        if is_ignored_sheet(name):
            continue
        sheet = find_sheet(name)
        if sheet is None:
            if hasattr(worksheet, "iter_rows") and _has_values(worksheet):
                data.problems.append(
                    Problem(
                        name,
                        None,
                        "",
                        _(
                            "Unknown sheet “%(name)s”. Use the sheet names of the template: %(names)s. Rename the sheet or "
                            "delete it."
                        )
                        % {"name": name, "names": "、".join(s.label for s in SHEETS)},
                    )
                )
            elif hasattr(worksheet, "iter_rows"):
                data.problems.append(
                    Problem(name, None, "", _("Empty sheet “%(name)s” ignored.") % {"name": name}, WARNING)
                )
            continue
        if sheet.key in data:
            data.problems.append(
                Problem(
                    name,
                    None,
                    "",
                    _("A second sheet for %(label)s: put all rows of one kind on one sheet.") % {"label": sheet.label},
                )
            )
            continue
        data[sheet.key] = _read_sheet(worksheet, sheet, data.problems, counter, estimate, progress)
    if not any(find_sheet(n) for n in workbook.sheetnames):
        names = "、".join(s.label for s in SHEETS)
        raise WorkbookRefused(
            _(
                "The workbook has none of the sheets the import reads (%(names)s). Download the "
                "template and copy your data into it."
            )
            % {"names": names}
        )
    if progress:
        progress("reading", counter["rows"], counter["rows"])
    return data


def _has_values(worksheet) -> bool:
    for values in worksheet.iter_rows(values_only=True, max_row=1000):
        if any(not is_blank(v) for v in values):
            return True
    return False


def _read_sheet(
    worksheet, sheet: Sheet, problems: list[Problem], counter: dict, estimate: int, progress: Progress | None
) -> list[dict]:
    rows: list[dict] = []
    columns: _Columns | None = None
    unlabeled_warned: set[int] = set()
    heading_row = 0
    empty_run = 0
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if columns is None:
            if all(is_blank(v) for v in values):
                if number > HEADING_SEARCH_ROWS:
                    break
                continue
            columns = _map_headings(sheet, values, number, problems)
            if columns is None:
                if number >= HEADING_SEARCH_ROWS:
                    break
                continue
            heading_row = number
            continue
        if all(is_blank(v) for v in values):
            empty_run += 1
            if empty_run > MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0
        _count_row(counter, estimate, progress)
        row = {"_row": number}
        for key, index in columns.items():
            row[key] = values[index] if index < len(values) else None
        if columns.example is not None and columns.example < len(values) and not is_blank(values[columns.example]):
            row[EXAMPLE_KEY] = values[columns.example]
        _warn_unlabeled(values, columns, sheet, number, heading_row, unlabeled_warned, problems)
        rows.append(row)
    if columns is None:
        _no_headings(worksheet, sheet, problems)
        return []
    return rows


def _count_row(counter: dict, estimate: int, progress: Progress | None) -> None:
    """Count one more row read, refuse a workbook over MAX_ROWS, and report progress now and then."""
    counter["rows"] += 1
    if counter["rows"] > MAX_ROWS:
        raise WorkbookRefused(
            _("The workbook has more than %(max)s rows. Split it into several files.") % {"max": f"{MAX_ROWS:,}"}
        )
    if progress and counter["rows"] % 1000 == 0:
        # The estimate comes from the sheets' recorded dimensions; 0 when a file records none.
        progress("reading", counter["rows"], max(estimate, counter["rows"]) if estimate else 0)


def _warn_unlabeled(
    values, columns: _Columns, sheet: Sheet, number: int, heading_row: int, warned: set[int], problems: list[Problem]
) -> None:
    """Warn once per column that holds values under no heading."""
    for index, value in enumerate(values):
        if index not in columns.labelled and index not in warned and not is_blank(value):
            warned.add(index)
            problems.append(
                Problem(
                    sheet.label,
                    number,
                    get_column_letter(index + 1),
                    _("This column has values but no heading in row %(row)s; it was ignored.") % {"row": heading_row},
                    WARNING,
                )
            )


def _no_headings(worksheet, sheet: Sheet, problems: list[Problem]) -> None:
    """A sheet with values but no recognisable headings is an error; an empty one is not."""
    if _has_values(worksheet):
        problems.append(
            Problem(
                sheet.label,
                1,
                "",
                _("No column headings found. Row 1 must hold the headings of the template, e.g. %(example)s.")
                % {"example": "、".join(c.label for c in sheet.columns[:3])},
            )
        )


class _Columns(dict):
    labelled: set[int]
    example: int | None = None  # the index of the 示例标记 column, if the sheet has one


def _map_headings(sheet: Sheet, values, number: int, problems: list[Problem]) -> _Columns | None:
    """Column key → index for a heading row; None if the row holds none of the sheet's headings
    (a title above the headings)."""
    found = _Columns()
    found.labelled = set()
    pending: list[Problem] = []
    for index, heading in enumerate(values):
        if is_blank(heading):
            continue
        found.labelled.add(index)
        if is_example_heading(heading) and found.example is None:
            found.example = index  # the template's example mark: not a column of the sheet
            continue
        column = find_column(sheet, str(heading))
        if column is None:
            pending.append(
                Problem(
                    sheet.label,
                    number,
                    str(heading).strip(),
                    _("This column is not used by the import and was ignored."),
                    WARNING,
                )
            )
        elif column.key in found:
            pending.append(
                Problem(
                    sheet.label,
                    number,
                    column.label,
                    _("This column appears twice (columns %(first)s and %(second)s). Keep one.")
                    % {"first": get_column_letter(found[column.key] + 1), "second": get_column_letter(index + 1)},
                    ERROR,
                )
            )
        else:
            found[column.key] = index
    if not found:
        return None
    problems.extend(pending)
    return found


# --- The template ------------------------------------------------------------------------------

HEADING_FILL = PatternFill("solid", fgColor="F2F2F2")
REQUIRED_FONT = Font(bold=True, color="C00000")
OPTIONAL_FONT = Font(bold=True)
EXAMPLE_FONT = Font(italic=True, color="595959")
EXAMPLE_MARK_FONT = Font(bold=True, color="7F6000")
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")


def _example_value(column):
    if column.example is None:
        return None
    if column.kind == DATE:
        return date.fromisoformat(str(column.example))
    return column.example


def _column_comment(column) -> str:
    lines = [column.label, _("Required.") if column.required else _("Optional.")]
    lines.append(str(column.help))  # the help of a choice column lists the choices
    return "\n".join(lines)


def build_template() -> bytes:
    """The import template: an instructions sheet, then one sheet per kind with its headings
    (required ones in red), a comment on each heading, drop-down lists for the choice columns
    and one example row, shaded and marked 示例 in the first column (示例标记): the importer skips
    rows so marked, so the template uploaded as it is imports nothing."""
    workbook = Workbook()
    guide = workbook.active
    guide.title = INSTRUCTIONS_SHEET
    _write_instructions(guide)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.label)
        worksheet.freeze_panes = "B2"
        _write_example_mark_column(worksheet)
        for index, column in enumerate(sheet.columns, start=2):
            letter = get_column_letter(index)
            cell = write_cell(worksheet, 1, index, column.label)
            cell.font = REQUIRED_FONT if column.required else OPTIONAL_FONT
            cell.fill = HEADING_FILL
            cell.alignment = Alignment(vertical="center")
            comment = Comment(_column_comment(column), "共治")
            comment.width, comment.height = 280, 140
            cell.comment = comment
            dimension = worksheet.column_dimensions[letter]
            dimension.width = max(column.width, len(column.label) * 2 + 4)
            if column.kind in (TEXT, CODE, PHONE):
                dimension.number_format = "@"
            elif column.kind == DATE:
                dimension.number_format = "yyyy-mm-dd"
            elif column.kind == AREA:
                dimension.number_format = "0.00"
            example = write_cell(worksheet, 2, index, _example_value(column))
            example.font = EXAMPLE_FONT
            example.fill = EXAMPLE_FILL
            example.number_format = dimension.number_format
            if column.choices:
                validation = DataValidation(
                    type="list", formula1=f'"{",".join(column.choice_labels)}"', allow_blank=True, showErrorMessage=True
                )
                validation.errorTitle = column.label
                validation.error = _("Choose one of: %(choices)s") % {"choices": "、".join(column.choice_labels)}
                validation.promptTitle = column.label
                validation.prompt = "、".join(column.choice_labels)
                worksheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        worksheet.row_dimensions[1].height = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_example_mark_column(worksheet) -> None:
    """Column A: headed 示例标记, holding 示例 in the example row (and empty in the user's rows)."""
    heading = write_cell(worksheet, 1, 1, EXAMPLE_HEADING)
    heading.font = Font(bold=True, color="7F6000")
    heading.fill = EXAMPLE_FILL
    heading.alignment = Alignment(vertical="center")
    comment = Comment(
        _(
            "Rows marked 示例 in this column are examples: they are never imported. Leave this column empty in "
            "your own rows."
        ),
        "共治",
    )
    comment.width, comment.height = 280, 100
    heading.comment = comment
    worksheet.column_dimensions["A"].width = 10
    mark = write_cell(worksheet, 2, 1, EXAMPLE_MARK)
    mark.font = EXAMPLE_MARK_FONT
    mark.fill = EXAMPLE_FILL


def _write_instructions(worksheet) -> None:
    worksheet.column_dimensions["A"].width = 14
    worksheet.column_dimensions["B"].width = 20
    worksheet.column_dimensions["C"].width = 10
    worksheet.column_dimensions["D"].width = 90
    wrap = Alignment(wrap_text=True, vertical="top")
    append_row(worksheet, [_("Import template: places, organisations and people")])
    worksheet["A1"].font = Font(bold=True, size=14)
    append_row(worksheet, [])
    steps = [
        _(
            "Fill in the sheets you need; every sheet is optional. Row 2 of each sheet is an example, marked 示例 "
            "in column A (示例标记): it is never imported. Enter your rows below it and leave column A empty; a row "
            "marked 示例 is skipped even if you change its values."
        ),
        _(
            "Keep the sheet names and the headings in row 1 as they are. Red headings are required; the other columns "
            "may be left empty or left out. Point at a heading to see what it expects."
        ),
        _(
            "Codes (居民区编码, 小区编码, 组织编码) are short identifiers you choose: letters, digits, '-', '_' or '.'. "
            "Existing records are found by their code (buildings by compound and building number, units by compound, "
            "building and unit number, people by mobile number) and updated; other rows create new records. Nothing "
            "is ever deleted."
        ),
        _(
            "A row may refer to records already in the platform or to rows on another sheet of this file, for example "
            "a unit to a compound on the 小区 sheet."
        ),
        _("An empty cell clears that field; a column left out of a sheet leaves the field unchanged."),
        _(
            "Dates as 2024-03-01 (or a date cell); areas in square metres with at most two decimal places; mobile "
            "numbers with 11 digits."
        ),
        _(
            "If any row has a problem, nothing is imported: every problem is listed with its sheet, row and column. "
            "Correct them and upload the file again. Uploading the same file twice changes nothing the second time."
        ),
        _(
            "After the upload you see a preview of what will be created, updated and left unchanged on each sheet; "
            "nothing is written until you confirm it. An import can be undone as long as nothing recorded later "
            "depends on it."
        ),
        _("Limits: %(size)s per file and %(rows)s rows.")
        % {"size": filesizeformat(max_upload_bytes()), "rows": f"{MAX_ROWS:,}"},
    ]
    for number, step in enumerate(steps, start=1):
        append_row(worksheet, [f"{number}.", step])
        row = worksheet.max_row
        worksheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        worksheet.cell(row=row, column=2).alignment = wrap
        worksheet.row_dimensions[row].height = 32
    append_row(worksheet, [])
    append_row(worksheet, [_("Sheet"), _("Column"), _("Required"), _("What to enter")])
    for cell in worksheet[worksheet.max_row]:
        cell.font = OPTIONAL_FONT
        cell.fill = HEADING_FILL
    for sheet in SHEETS:
        append_row(worksheet, [sheet.label, "", "", str(sheet.help)])
        worksheet.cell(row=worksheet.max_row, column=1).font = OPTIONAL_FONT
        for column in sheet.columns:
            text = str(column.help)
            append_row(worksheet, ["", column.label, _("yes") if column.required else "", text])
            worksheet.cell(row=worksheet.max_row, column=4).alignment = wrap


# --- The list of problems ----------------------------------------------------------------------


def build_problems_workbook(errors: list[Problem], warnings: list[Problem] = ()) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = _("Problems")[:31]
    headings = [_("Sheet"), _("Row"), _("Column"), _("Problem"), _("Kind")]
    append_row(worksheet, headings)
    for cell in worksheet[1]:
        cell.font = OPTIONAL_FONT
        cell.fill = HEADING_FILL
    for problem in [*errors, *warnings]:
        append_row(
            worksheet,
            [
                problem.sheet,
                problem.row,
                problem.column,
                problem.message,
                _("error") if problem.level == ERROR else _("warning"),
            ],
        )
    for letter, width in zip("ABCDE", (12, 8, 18, 90, 8), strict=True):
        worksheet.column_dimensions[letter].width = width
    worksheet.freeze_panes = "A2"
    worksheet.auto_filter.ref = f"A1:E{max(worksheet.max_row, 1)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
