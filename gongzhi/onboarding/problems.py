"""What an import reports back: problems (errors and warnings) located by sheet, row and column,
the exception that carries the errors of an invalid file, and the report of a successful one."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One problem of the file. `sheet` and `column` are the labels the user sees in the
    spreadsheet (居民区, 小区编码 …); `row` is the spreadsheet row number (the headings are row 1),
    None for a problem of the whole sheet or file; `message` is translated."""

    sheet: str
    row: int | None
    column: str
    message: str
    level: str = ERROR

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        return cls(
            data.get("sheet", ""),
            data.get("row"),
            data.get("column", ""),
            data.get("message", ""),
            data.get("level", ERROR),
        )

    def __str__(self) -> str:
        where = " / ".join(str(part) for part in (self.sheet, self.row, self.column) if part not in (None, ""))
        return f"{where}: {self.message}" if where else self.message


class ImportInvalid(Exception):
    """The data cannot be imported; nothing was written. `errors` lists every problem found."""

    def __init__(
        self, errors: list[Problem], warnings: list[Problem] | None = None, report: ImportReport | None = None
    ):
        self.errors = list(errors)
        self.warnings = list(warnings or [])
        self.report = report  # the counts per sheet so far (rows with errors among them), if known
        super().__init__("; ".join(str(e) for e in self.errors[:5]) + (" …" if len(self.errors) > 5 else ""))


class WorkbookRefused(ImportInvalid):
    """The uploaded file is not a readable .xlsx workbook within the limits (one error, no sheet)."""

    def __init__(self, message: str):
        super().__init__([Problem("", None, "", message)])
        self.message = message


class PlanChanged(Exception):
    """The town's records changed between the preview and the confirmation so that importing the
    file would now do something else than the preview showed; nothing was written."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__("the plan no longer holds")


@dataclass
class SheetCounts:
    """Rows of one sheet: creating, updating or leaving unchanged a record; skipped (the template's
    example rows); with errors."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    """Per sheet (in the order of the template) how many rows created, updated or left unchanged
    a record, or were skipped as examples; people created for the residents sheet; the warnings
    (e.g. ignored columns); and the preview: per sheet and outcome the first rows
    (`{"units": {"created": [{"row": 3, "key": "hq1 / 1号楼 / 101", "changes": []}, …]}}`, an
    updated row's changes as [column, before, after])."""

    sheets: dict[str, SheetCounts] = field(default_factory=dict)
    people_created_for_residents: int = 0
    warnings: list[Problem] = field(default_factory=list)
    rows: dict[str, dict[str, list[dict]]] = field(default_factory=dict)
    digest: str = ""  # of everything the import writes (importer.write.plan_digest)

    @property
    def changed(self) -> bool:
        return self.people_created_for_residents > 0 or any(c.created or c.updated for c in self.sheets.values())

    @property
    def skipped(self) -> int:
        return sum(c.skipped for c in self.sheets.values())

    def to_json(self) -> dict:
        return {
            "sheets": {key: asdict(counts) for key, counts in self.sheets.items()},
            "people_created_for_residents": self.people_created_for_residents,
            "warnings": [w.as_dict() for w in self.warnings],
            "rows": self.rows,
            "digest": self.digest,
        }

    @classmethod
    def from_json(cls, data: dict | None) -> ImportReport:
        data = data or {}
        return cls(
            sheets={key: SheetCounts(**counts) for key, counts in data.get("sheets", {}).items()},
            people_created_for_residents=data.get("people_created_for_residents", 0),
            warnings=[Problem.from_dict(w) for w in data.get("warnings", [])],
            rows=data.get("rows", {}),
            digest=data.get("digest", ""),
        )

    def __str__(self) -> str:
        parts = [
            f"{key}: +{c.created} ~{c.updated} ={c.unchanged}" + (f" example {c.skipped}" if c.skipped else "")
            for key, c in self.sheets.items()
        ]
        if self.people_created_for_residents:
            parts.append(f"people for residents: +{self.people_created_for_residents}")
        return ", ".join(parts) or "nothing"
