"""Reading the file's rows: known sheets and columns, each cell cleaned (cleaning.clean), required
cells present, rows whose key repeats an earlier row's dropped with an error."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..cleaning import CellError, clean, is_blank
from ..problems import WARNING, SheetCounts
from ..schema import EXAMPLE_KEY, SHEETS, SHEETS_BY_KEY, Sheet, find_sheet, is_example_mark
from .plan import Plan, Row


def parse(plan: Plan) -> None:
    """Fill plan.rows (sheet key → cleaned rows) and a count per sheet, in the template's order."""
    total = sum(len(rows or []) for key, rows in plan.data.items() if not str(key).startswith("_"))
    done = 0
    for key, rows in plan.data.items():
        if str(key).startswith("_"):
            continue
        sheet = _sheet(plan, key)
        if sheet is None:
            continue
        rows = list(rows or [])
        present = _columns(plan, sheet, rows)
        plan.report.sheets[sheet.key] = SheetCounts()
        cleaned: list[Row] = []
        for index, raw in enumerate(rows):
            done += 1
            plan.tick("validating", done, total)
            if all(is_blank(raw.get(c.key)) for c in sheet.columns):
                continue
            number = int(raw.get("_row") or index + 2)
            plan.row_numbers[sheet.key].add(number)
            if _is_example(plan, sheet, raw, number):
                plan.skip_example(sheet.key, number, raw)
                continue
            cleaned.append(_row(plan, sheet, raw, number, present))
        plan.rows[sheet.key] = _without_duplicates(plan, sheet, cleaned)
    plan.tick("validating", total, total, force=True)
    # Report sheets in the template's order.
    plan.report.sheets = {s.key: plan.report.sheets[s.key] for s in SHEETS if s.key in plan.report.sheets}


def _is_example(plan: Plan, sheet: Sheet, raw: dict, number: int) -> bool:
    """The row is one of the template's examples: marked 示例 in the 示例标记 column, or (a template
    from before the mark) equal to the template's example in every column it has."""
    mark = raw.get(EXAMPLE_KEY)
    if is_example_mark(mark):
        return True
    if not is_blank(mark):
        plan.error(
            sheet,
            number,
            "示例标记",
            _("Only 示例 in the 示例标记 column marks an example row; this row is imported."),
            WARNING,
        )
    return _equals_template_example(sheet, raw)


def _equals_template_example(sheet: Sheet, raw: dict) -> bool:
    columns = [c for c in sheet.columns if c.key in raw]
    if not all(c.key in raw for c in sheet.columns if c.required):
        return False
    for column in columns:
        try:
            value = clean(column, raw.get(column.key))
            example = clean(column, column.example)
        except CellError:
            return False
        if value != example:
            return False
    return True


def _sheet(plan: Plan, key) -> Sheet | None:
    """The sheet called `key`, or None (with an error) for an unknown or repeated one."""
    sheet = SHEETS_BY_KEY.get(key) or find_sheet(key)
    if sheet is None:
        names = "、".join(s.label for s in SHEETS)
        plan.error(
            str(key),
            None,
            "",
            _("Unknown sheet “%(name)s”. Use the sheet names of the template: %(names)s.")
            % {"name": key, "names": names},
        )
        return None
    if sheet.key in plan.rows:
        plan.error(sheet, None, "", _("This sheet appears twice in the file."))
        return None
    return sheet


def _columns(plan: Plan, sheet: Sheet, rows: list[dict]) -> frozenset:
    """The sheet's known columns that the file has; unused columns warned about, missing required
    ones reported."""
    present: set[str] = set()
    for raw in rows:
        present.update(k for k in raw if not str(k).startswith("_"))
    known = {c.key for c in sheet.columns}
    for extra in sorted(present - known, key=str):
        plan.error(sheet, 1, str(extra), _("This column is not used by the import and was ignored."), WARNING)
    for column in sheet.required:
        if rows and column.key not in present:
            plan.error(
                sheet,
                1,
                column.label,
                _("The required column “%(column)s” is missing. Add it to the first row of the sheet.")
                % {"column": column.label},
            )
    return frozenset(present & known)


def _row(plan: Plan, sheet: Sheet, raw: dict, number: int, present: frozenset) -> Row:
    row = Row(number, {}, present=present)
    for column in sheet.columns:
        if column.key not in present:
            continue
        try:
            value = clean(column, raw.get(column.key))
        except CellError as problem:
            plan.cell_error(sheet, row, column.key, problem.message)
            value = None
        if value is None and column.required and column.key not in row.bad:
            plan.cell_error(sheet, row, column.key, _("Required: enter a value."))
        row.values[column.key] = value
    return row


def _without_duplicates(plan: Plan, sheet: Sheet, rows: list[Row]) -> list[Row]:
    seen: dict[tuple, int] = {}
    kept = []
    for row in rows:
        if not row.usable(*sheet.key_columns):
            continue  # its key cannot be read: already reported
        key = tuple(row.get(k) for k in sheet.key_columns)
        if key in seen:
            shown = " / ".join(str(v) for v in key)
            plan.error(
                sheet,
                row.number,
                sheet.column(sheet.key_columns[-1]).label,
                _("“%(key)s” appears more than once in this sheet: also in row %(row)s.")
                % {"key": shown, "row": seen[key]},
            )
            continue
        seen[key] = row.number
        kept.append(row)
    return kept
