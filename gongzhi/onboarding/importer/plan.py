"""The state of one import while it is checked: the file's rows, the town's stored records by
their keys, the records to create and to update, the problems found and the report. The sheet
modules (places, organizations, people, …) read and extend it; `write.apply` writes it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.phones import mask_phone
from gongzhi.orgs.models import Membership, Organization, Person, ServiceContract
from gongzhi.places.models import Building, Compound, Neighborhood, Town, Unit

from ..cleaning import to_text
from ..problems import ERROR, WARNING, ImportReport, Problem
from ..schema import PHONE, SHEETS, SHEETS_BY_KEY, Sheet

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage "validating" (rows checked) or "applying" (records written)."""

PROGRESS_EVERY = 1000
CHUNK = 500
PREVIEW_ROWS = 200  # rows listed per sheet and outcome in the preview (the counts cover them all)


@dataclass
class Row:
    """One row of a sheet, its cells cleaned (schema column key → value)."""

    number: int
    values: dict
    bad: set = field(default_factory=set)  # columns whose cell was not acceptable
    present: frozenset = frozenset()

    def get(self, key):
        return self.values.get(key)

    def has(self, key) -> bool:
        """The column is in the sheet (even if this cell is empty)."""
        return key in self.present

    def usable(self, *keys) -> bool:
        return all(k not in self.bad and self.values.get(k) is not None for k in keys)


def chunks(items: Iterable, size: int = CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Plan:
    def __init__(self, town: Town, data: dict, progress: Progress | None, lock: bool):
        self.town = town
        self.data = data or {}
        self.progress = progress
        self.lock = lock  # lock the stored records read (an import, not a check)
        self.problems: list[Problem] = []
        self.rows: dict[str, list[Row]] = {}  # sheet key → its rows, in the file's order
        self.report = ImportReport(sheets={})
        self.row_numbers: dict[str, set[int]] = defaultdict(set)  # sheet key → the numbers of its rows read
        self.creates: dict[type, list] = defaultdict(list)
        self.updates: dict[type, list[tuple[models.Model, dict, list[str]]]] = defaultdict(list)
        # What is stored (filled by stored.load), extended by the sheets as they are planned:
        self.neighborhoods: dict[str, Neighborhood] = {}  # code → record
        self.neighborhood_code: dict[int, str] = {}  # pk → code
        self.compounds: dict[str, Compound] = {}
        self.compound_code: dict[int, str] = {}
        self.buildings: dict[tuple[str, str], Building] = {}  # (compound code, number)
        self.units: dict[tuple[str, str, str], Unit] = {}  # (compound code, building number, number)
        self.organizations: dict[str, Organization] = {}
        self.organization_code: dict[int, str] = {}
        self.people: dict[str, Person] = {}  # mobile number → person
        self.memberships: dict[tuple[int, int, date], Membership] = {}  # (person, organization, start)
        self.contracts: list[ServiceContract] = []
        self.open_residencies: set[tuple[int, int]] = set()  # (person, unit)

    # Problems -----------------------------------------------------------------------------------

    def error(self, sheet: Sheet | str, row: int | None, column: str, message: str, level: str = ERROR) -> None:
        label = sheet.label if isinstance(sheet, Sheet) else sheet
        self.problems.append(Problem(label, row, column, message, level))

    def cell_error(self, sheet: Sheet, row: Row, key: str, message: str) -> None:
        row.bad.add(key)
        self.error(sheet, row.number, sheet.column(key).label, message)

    @property
    def errors(self) -> list[Problem]:
        return _sorted([p for p in self.problems if p.level == ERROR])

    @property
    def warnings(self) -> list[Problem]:
        return _sorted([p for p in self.problems if p.level == WARNING])

    def tick(self, stage: str, done: int, total: int, force: bool = False) -> None:
        if self.progress and (force or done % PROGRESS_EVERY == 0):
            self.progress(stage, done, total)

    # Planning a row -----------------------------------------------------------------------------

    def count(self, sheet: str, outcome: str, row: Row | None = None, changes: list | None = None) -> None:
        counts = self.report.sheets[sheet]
        setattr(counts, outcome, getattr(counts, outcome) + 1)
        if row is not None:
            self._list(sheet, outcome, row.number, row_label(SHEETS_BY_KEY[sheet], row.values), changes)

    def skip_example(self, sheet: str, number: int, raw: dict) -> None:
        """The row is one of the template's examples: not imported, counted and listed as skipped."""
        self.report.sheets[sheet].skipped += 1
        self._list(sheet, "skipped", number, row_label(SHEETS_BY_KEY[sheet], raw))

    def _list(self, sheet: str, outcome: str, number: int, key: str, changes: list | None = None) -> None:
        listed = self.report.rows.setdefault(sheet, {}).setdefault(outcome, [])
        if len(listed) < PREVIEW_ROWS:
            listed.append({"row": number, "key": key, "changes": changes or []})

    def upsert(
        self, sheet: str, obj: models.Model | None, make: Callable[[], models.Model], new: dict, row: Row | None = None
    ):
        """Plan creating `make()` (when obj is None) or updating obj with `new`; count the row."""
        if obj is None:
            obj = make()
            for name, value in new.items():
                setattr(obj, name, value)
            self.creates[type(obj)].append(obj)
            self.count(sheet, "created", row)
            return obj
        changed = [name for name, value in new.items() if _differs(obj, name, value)]
        if not changed:
            self.count(sheet, "unchanged", row)
            return obj
        before = audit.snapshot(obj, changed)
        for name in changed:
            setattr(obj, name, new[name])
        self.updates[type(obj)].append((obj, before, changed))
        shown = [
            [column_label(SHEETS_BY_KEY[sheet], obj, name), self.shown(obj, name, before[name]), self.shown(obj, name)]
            for name in changed
        ]
        self.count(sheet, "updated", row, shown)
        return obj

    def shown(self, obj: models.Model, name: str, value=models.NOT_PROVIDED) -> str:
        """A field's value as the preview shows it: what the file would hold (codes for records,
        choices by their label in the file, phone numbers masked); `value` (JSON, as
        audit.snapshot makes it) instead of the object's current value."""
        field = obj._meta.get_field(name)
        if value is models.NOT_PROVIDED:
            value = getattr(obj, name)
        if value is None or value == "":
            return ""
        if field.is_relation:
            if isinstance(value, Person):
                return mask_phone(value.phone)
            if isinstance(value, models.Model):
                return str(getattr(value, "code", None) or value)
            if field.related_model is Person:
                person = next((p for p in self.people.values() if p.pk == value), None)
                return mask_phone(person.phone) if person else f"#{value}"
            codes = {
                Neighborhood: self.neighborhood_code,
                Compound: self.compound_code,
                Organization: self.organization_code,
            }.get(field.related_model, {})
            return str(codes.get(value, f"#{value}"))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        labels = _choice_labels(obj, name)
        if labels:
            return labels.get(value, str(value))
        if name == "phone":
            return mask_phone(str(value))
        return to_text(value)

    @staticmethod
    def optional(row: Row, new: dict, key: str, attr: str | None = None, empty="") -> None:
        """Copy an optional column into `new` if the sheet has it (an empty cell clears)."""
        if row.has(key) and key not in row.bad:
            value = row.get(key)
            new[attr or key] = empty if value is None else value

    # The records a row refers to (None, with an error, when there is none) ----------------------

    def compound(self, sheet: Sheet, row: Row, key: str = "compound") -> Compound | None:
        if not row.usable(key):
            return None
        compound = self.compounds.get(row.get(key))
        if compound is None:
            self.cell_error(
                sheet,
                row,
                key,
                _("No compound with code “%(code)s” in this town or on the 小区 sheet.") % {"code": row.get(key)},
            )
        return compound

    def neighborhood(self, sheet: Sheet, row: Row, key: str = "neighborhood") -> Neighborhood | None:
        if not row.usable(key):
            return None
        neighborhood = self.neighborhoods.get(row.get(key))
        if neighborhood is None:
            self.cell_error(
                sheet,
                row,
                key,
                _("No neighborhood with code “%(code)s” in this town or on the 居民区 sheet.") % {"code": row.get(key)},
            )
        return neighborhood

    def person(self, sheet: Sheet, row: Row, key: str) -> Person | None:
        if not row.usable(key):
            return None
        person = self.people.get(row.get(key))
        if person is None:
            self.cell_error(
                sheet,
                row,
                key,
                _("No person with mobile number %(phone)s in this town or on the 人员 sheet.")
                % {"phone": row.get(key)},
            )
        return person

    def organization(self, sheet: Sheet, row: Row, key: str) -> Organization | None:
        if not row.usable(key):
            return None
        organization = self.organizations.get(row.get(key))
        if organization is None:
            self.cell_error(
                sheet,
                row,
                key,
                _("No organisation with code “%(code)s” in this town or on the 组织 sheet.") % {"code": row.get(key)},
            )
        return organization


def _differs(obj: models.Model, name: str, value) -> bool:
    f = obj._meta.get_field(name)
    if not f.is_relation:
        return getattr(obj, name) != value
    current = getattr(obj, f.attname)
    return (value is None and current is not None) or (value is not None and (value.pk is None or value.pk != current))


def _sorted(problems: list[Problem]) -> list[Problem]:
    sheet_order = {sheet.label: index for index, sheet in enumerate(SHEETS)}
    column_order = {(s.label, c.label): i for s in SHEETS for i, c in enumerate(s.columns)}
    return sorted(
        problems,
        key=lambda p: (sheet_order.get(p.sheet, -1), p.row or 0, column_order.get((p.sheet, p.column), 99)),
    )


def row_label(sheet: Sheet, values: dict) -> str:
    """How the preview names a row: its key (codes, numbers; phone numbers masked), and its name."""
    parts = []
    for key in sheet.key_columns:
        text = to_text(values.get(key))
        if text and sheet.column(key).kind == PHONE:
            text = mask_phone(text.replace(" ", "").replace("-", ""))
        parts.append(text)
    label = " / ".join(p for p in parts if p)
    name = to_text(values.get("name")) if "name" not in sheet.key_columns else ""
    return f"{label} {name}".strip() if any(c.key == "name" for c in sheet.columns) else label


def column_label(sheet: Sheet, obj: models.Model, name: str) -> str:
    """The heading of the sheet's column for the field `name` (its verbose name if it has none)."""
    column = next((c for c in sheet.columns if c.key == name), None)
    return column.label if column else str(obj._meta.get_field(name).verbose_name)


def _choice_labels(obj: models.Model, name: str) -> dict:
    """The labels a choice field's values have in the file (业主, 负责人 …)."""
    for sheet in SHEETS:
        for column in sheet.columns:
            if column.key == name and column.choices:
                return dict(column.choices)
    return {}
