"""The importer: rows of places, organisations and people → records of one town.

    report = import_data(actor=user, town=town, data={"units": [{"compound": "XC01", ...}], ...})

`data` maps sheet keys (schema.SHEETS) to rows, each a dict of column keys to values — strings,
numbers, dates or None — which is what `read_workbook()` makes of an .xlsx, and what the demo
seeder builds directly. A row may carry its spreadsheet row number as `_row`; otherwise rows are
numbered from 2, as under a heading row.

Everything is checked first and every problem collected, located by sheet, row and column
(`ImportInvalid.errors`); only a file without errors is written, in one transaction, with bulk
inserts and updates and one audit entry per created or changed record. Rows equal to what is
stored change nothing and are not audited, so importing the same data twice is harmless.

Semantics of a row: its key (codes, numbers, the mobile number) finds the record to update, or
a new one is created. A column left out of a sheet leaves that field as it is; an empty cell in
a column that is there clears the field (or gives its default). Nothing is ever deleted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.models import User
from gongzhi.core.scope import get_scope
from gongzhi.orgs.models import Membership, Organization, Person, Residency, ServiceContract
from gongzhi.places.models import Building, Compound, Neighborhood, Town, Unit

from .cleaning import CellError, clean, is_blank
from .problems import ERROR, WARNING, ImportInvalid, ImportReport, Problem, SheetCounts, WorkbookRefused
from .schema import SHEETS, SHEETS_BY_KEY, Sheet, find_sheet
from .workbook import read_workbook

__all__ = [
    "ImportInvalid",
    "ImportReport",
    "Problem",
    "WorkbookRefused",
    "import_data",
    "read_workbook",
    "validate_data",
]

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage "validating" (rows checked) or "applying" (records written)."""

BATCH = 500
PROGRESS_EVERY = 1000
CHUNK = 500

AUDIT_FIELDS = {
    Neighborhood: ["code", "name", "address"],
    Compound: ["neighborhood", "code", "name", "address"],
    Building: ["compound", "number", "floors"],
    Unit: ["building", "number", "area"],
    Organization: ["kind", "code", "name", "neighborhood", "compound", "phone", "address"],
    Person: ["name", "phone", "is_party_member"],
    Membership: ["person", "organization", "position", "title", "start", "end"],
    ServiceContract: ["company", "compound", "start", "end", "manager"],
    Residency: ["person", "unit", "relation", "status", "source"],
}
# The order records are written in: each refers only to records written before it.
WRITE_ORDER = [Neighborhood, Compound, Building, Unit, Organization, Person, Membership, ServiceContract, Residency]


def import_data(*, actor, town: Town, data: dict[str, list[dict]], progress: Progress | None = None) -> ImportReport:
    """Check `data` and, if it has no errors, write it to `town` in one transaction. Raises
    ImportInvalid (nothing written) listing every error; PermissionDenied if `actor` (None: the
    system) may not import into the town."""
    ensure_can_import(actor, town)
    with transaction.atomic():
        Town.objects.select_for_update().filter(pk=town.pk).first()  # one import per town at a time
        plan = _Planner(town, data, progress, lock=True).run()
        if plan.errors:
            raise ImportInvalid(plan.errors, plan.warnings)
        try:
            with transaction.atomic():
                plan.apply(actor)
        except IntegrityError as error:
            # A concurrent change the checks could not foresee; the whole import is rolled back.
            raise ImportInvalid(
                [
                    Problem(
                        "",
                        None,
                        "",
                        _("The database refused the import (%(error)s). Nothing was imported; please try again.")
                        % {"error": str(error)[:200]},
                    )
                ],
                plan.warnings,
            ) from error
    return plan.report


def validate_data(*, town: Town, data: dict[str, list[dict]], progress: Progress | None = None) -> ImportReport:
    """Check `data` without writing anything: the report of what importing it would do, or
    ImportInvalid listing every error."""
    plan = _Planner(town, data, progress, lock=False).run()
    if plan.errors:
        raise ImportInvalid(plan.errors, plan.warnings)
    return plan.report


def ensure_can_import(actor, town: Town) -> None:
    if actor is None:
        return
    if not get_scope(actor).area("onboarding.import").covers_town(town.pk):
        raise PermissionDenied(f"onboarding.import not granted on town {town.pk}")


# --- Checking ----------------------------------------------------------------------------------


@dataclass
class _Row:
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


def _chunks(items: Iterable, size: int = CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fmt_date(value: date | None) -> str:
    return value.isoformat() if value else _("open-ended")


class _Planner:
    def __init__(self, town: Town, data: dict, progress: Progress | None, lock: bool):
        self.town = town
        self.data = data or {}
        self.progress = progress
        self.lock = lock
        self.problems: list[Problem] = []
        self.rows: dict[str, list[_Row]] = {}
        self.report = ImportReport(sheets={})
        self.creates: dict[type, list] = defaultdict(list)
        self.updates: dict[type, list[tuple[models.Model, dict, list[str]]]] = defaultdict(list)
        self.linked_users: set[int] = set()

    # Problems -----------------------------------------------------------------------------------

    def error(self, sheet: Sheet | str, row: int | None, column: str, message: str, level: str = ERROR) -> None:
        label = sheet.label if isinstance(sheet, Sheet) else sheet
        self.problems.append(Problem(label, row, column, message, level))

    def cell_error(self, sheet: Sheet, row: _Row, key: str, message: str) -> None:
        row.bad.add(key)
        self.error(sheet, row.number, sheet.column(key).label, message)

    @property
    def errors(self) -> list[Problem]:
        return self._sorted([p for p in self.problems if p.level == ERROR])

    @property
    def warnings(self) -> list[Problem]:
        return self._sorted([p for p in self.problems if p.level == WARNING])

    @staticmethod
    def _sorted(problems: list[Problem]) -> list[Problem]:
        sheet_order = {sheet.label: index for index, sheet in enumerate(SHEETS)}
        column_order = {(s.label, c.label): i for s in SHEETS for i, c in enumerate(s.columns)}
        return sorted(
            problems,
            key=lambda p: (sheet_order.get(p.sheet, -1), p.row or 0, column_order.get((p.sheet, p.column), 99)),
        )

    def tick(self, stage: str, done: int, total: int, force: bool = False) -> None:
        if self.progress and (force or done % PROGRESS_EVERY == 0):
            self.progress(stage, done, total)

    # The whole check ----------------------------------------------------------------------------

    def run(self) -> _Planner:
        for problem in getattr(self.data, "problems", ()):
            self.problems.append(problem)
        self.parse()
        if not any(self.rows.values()) and not self.errors:
            self.error(
                "",
                None,
                "",
                _(
                    "The file contains no rows to import. Fill in at least one sheet of the "
                    "template below its headings."
                ),
            )
        if self.errors and not any(self.rows.values()):
            return self
        self.load()
        self.plan_neighborhoods()
        self.plan_compounds()
        self.plan_buildings()
        self.plan_units()
        self.plan_organizations()
        self.plan_people()
        self.plan_memberships()
        self.plan_contracts()
        self.plan_residents()
        self.report.warnings = self.warnings
        return self

    def parse(self) -> None:
        total = sum(len(rows or []) for key, rows in self.data.items() if not str(key).startswith("_"))
        done = 0
        for key, rows in self.data.items():
            if str(key).startswith("_"):
                continue
            sheet = SHEETS_BY_KEY.get(key) or find_sheet(key)
            if sheet is None:
                names = "、".join(s.label for s in SHEETS)
                self.error(
                    str(key),
                    None,
                    "",
                    _("Unknown sheet “%(name)s”. Use the sheet names of the template: %(names)s.")
                    % {"name": key, "names": names},
                )
                continue
            if sheet.key in self.rows:
                self.error(sheet, None, "", _("This sheet appears twice in the file."))
                continue
            rows = list(rows or [])
            present: set[str] = set()
            for raw in rows:
                present.update(k for k in raw if not str(k).startswith("_"))
            known = {c.key for c in sheet.columns}
            for extra in sorted(present - known, key=str):
                self.error(sheet, 1, str(extra), _("This column is not used by the import and was ignored."), WARNING)
            for column in sheet.required:
                if rows and column.key not in present:
                    self.error(
                        sheet,
                        1,
                        column.label,
                        _("The required column “%(column)s” is missing. Add it to the first row of the sheet.")
                        % {"column": column.label},
                    )
            present_cols = frozenset(present & known)
            cleaned: list[_Row] = []
            for index, raw in enumerate(rows):
                done += 1
                self.tick("validating", done, total)
                if all(is_blank(raw.get(c.key)) for c in sheet.columns):
                    continue
                row = _Row(int(raw.get("_row") or index + 2), {}, present=present_cols)
                for column in sheet.columns:
                    if column.key not in present_cols:
                        continue
                    try:
                        value = clean(column, raw.get(column.key))
                    except CellError as problem:
                        self.cell_error(sheet, row, column.key, problem.message)
                        value = None
                    if value is None and column.required and column.key not in row.bad:
                        self.cell_error(sheet, row, column.key, _("Required: enter a value."))
                    row.values[column.key] = value
                cleaned.append(row)
            self.rows[sheet.key] = self._without_duplicates(sheet, cleaned)
            self.report.sheets[sheet.key] = SheetCounts()
        self.tick("validating", total, total, force=True)
        # Report sheets in the template's order.
        self.report.sheets = {s.key: self.report.sheets[s.key] for s in SHEETS if s.key in self.report.sheets}

    def _without_duplicates(self, sheet: Sheet, rows: list[_Row]) -> list[_Row]:
        seen: dict[tuple, int] = {}
        kept = []
        for row in rows:
            if not row.usable(*sheet.key_columns):
                continue  # its key cannot be read: already reported
            key = tuple(row.get(k) for k in sheet.key_columns)
            if key in seen:
                shown = " / ".join(str(v) for v in key)
                self.error(
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

    # What is stored -----------------------------------------------------------------------------

    def _qs(self, queryset):
        return queryset.select_for_update(of=("self",)) if self.lock else queryset

    def load(self) -> None:
        town = self.town
        self.nb = {n.code: n for n in self._qs(Neighborhood.objects.filter(town=town))}
        self.nb_code = {n.pk: n.code for n in self.nb.values()}
        self.cp = {c.code: c for c in self._qs(Compound.objects.filter(town=town))}
        self.cp_code = {c.pk: c.code for c in self.cp.values()}

        place_codes = {r.get("compound") for k in ("buildings", "units", "residents") for r in self.rows.get(k, [])}
        compound_ids = [self.cp[c].pk for c in place_codes if c in self.cp]
        self.bl: dict[tuple[str, str], Building] = {}
        self.un: dict[tuple[str, str, str], Unit] = {}
        bl_number = {}
        for ids in _chunks(compound_ids):
            for b in self._qs(Building.objects.filter(town=town, compound_id__in=ids)):
                self.bl[(self.cp_code[b.compound_id], b.number)] = b
                bl_number[b.pk] = b.number
        unit_compounds = {r.get("compound") for k in ("units", "residents") for r in self.rows.get(k, [])}
        for ids in _chunks([self.cp[c].pk for c in unit_compounds if c in self.cp]):
            for u in self._qs(Unit.objects.filter(town=town, compound_id__in=ids)):
                self.un[(self.cp_code[u.compound_id], bl_number.get(u.building_id), u.number)] = u

        self.org = {o.code: o for o in self._qs(Organization.objects.filter(town=town))}
        self.org_code = {o.pk: o.code for o in self.org.values()}

        phones = {r.get("phone") for k in ("people", "memberships", "residents") for r in self.rows.get(k, [])}
        phones |= {r.get("manager") for r in self.rows.get("contracts", [])}
        phones.discard(None)
        self.person: dict[str, Person] = {}
        for chunk in _chunks(sorted(phones)):
            for p in self._qs(Person.objects.filter(town=town, phone__in=chunk)):
                self.person[p.phone] = p

        org_ids = [
            self.org[r.get("organization")].pk
            for r in self.rows.get("memberships", [])
            if r.get("organization") in self.org
        ]
        self.ms: dict[tuple[int, int, date], Membership] = {}
        for ids in _chunks(set(org_ids)):
            for m in self._qs(Membership.objects.filter(town=town, organization_id__in=ids)):
                self.ms[(m.person_id, m.organization_id, m.start)] = m

        self.contracts = list(self._qs(ServiceContract.objects.filter(town=town)))

        unit_ids = [u.pk for u in self.un.values()]
        self.open_residencies: set[tuple[int, int]] = set()
        if self.rows.get("residents"):
            for ids in _chunks(unit_ids):
                self.open_residencies.update(
                    Residency.objects.filter(unit_id__in=ids).active().values_list("person_id", "unit_id")
                )

    # Planning, sheet by sheet -------------------------------------------------------------------

    def _count(self, sheet: str, outcome: str) -> None:
        counts = self.report.sheets[sheet]
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    def _upsert(self, sheet: str, obj: models.Model | None, make: Callable[[], models.Model], new: dict):
        """Plan creating `make()` (when obj is None) or updating obj with `new`; count the row."""
        if obj is None:
            obj = make()
            for name, value in new.items():
                setattr(obj, name, value)
            self.creates[type(obj)].append(obj)
            self._count(sheet, "created")
            return obj
        changed = []
        for name, value in new.items():
            f = obj._meta.get_field(name)
            if f.is_relation:
                current = getattr(obj, f.attname)
                differs = (value is None and current is not None) or (
                    value is not None and (value.pk is None or value.pk != current)
                )
            else:
                differs = getattr(obj, name) != value
            if differs:
                changed.append(name)
        if not changed:
            self._count(sheet, "unchanged")
            return obj
        before = audit.snapshot(obj, changed)
        for name in changed:
            setattr(obj, name, new[name])
        self.updates[type(obj)].append((obj, before, changed))
        self._count(sheet, "updated")
        return obj

    def _optional(self, row: _Row, new: dict, key: str, attr: str | None = None, empty="") -> None:
        """Copy an optional column into `new` if the sheet has it (an empty cell clears)."""
        if row.has(key) and key not in row.bad:
            value = row.get(key)
            new[attr or key] = empty if value is None else value

    def _unknown(self, sheet: Sheet, row: _Row, key: str, message: str) -> None:
        self.cell_error(sheet, row, key, message)

    def plan_neighborhoods(self) -> None:
        sheet = SHEETS_BY_KEY["neighborhoods"]
        file_rows: dict[str, _Row] = {}
        for row in self.rows.get("neighborhoods", []):
            code = row.get("code")
            new = {"name": row.get("name")}
            self._optional(row, new, "address")
            self.nb[code] = self._upsert(
                "neighborhoods", self.nb.get(code), lambda code=code: Neighborhood(town=self.town, code=code), new
            )
            file_rows[code] = row
        by_name = defaultdict(list)
        for code, neighborhood in self.nb.items():
            if neighborhood.name:
                by_name[neighborhood.name].append(code)
        for codes in by_name.values():
            for code in codes:
                if code in file_rows and len(codes) > 1:
                    other = next(c for c in codes if c != code)
                    where = (
                        (_("row %(row)s") % {"row": file_rows[other].number})
                        if other in file_rows
                        else _("already recorded")
                    )
                    self.cell_error(
                        sheet,
                        file_rows[code],
                        "name",
                        _(
                            "Another neighborhood (code %(code)s, %(where)s) has the same name; names must be unique in "
                            "the town."
                        )
                        % {"code": other, "where": where},
                    )

    def _compound(self, sheet: Sheet, row: _Row, key: str = "compound") -> Compound | None:
        if not row.usable(key):
            return None
        compound = self.cp.get(row.get(key))
        if compound is None:
            self._unknown(
                sheet,
                row,
                key,
                _("No compound with code “%(code)s” in this town or on the 小区 sheet.") % {"code": row.get(key)},
            )
        return compound

    def _neighborhood(self, sheet: Sheet, row: _Row, key: str = "neighborhood") -> Neighborhood | None:
        if not row.usable(key):
            return None
        neighborhood = self.nb.get(row.get(key))
        if neighborhood is None:
            self._unknown(
                sheet,
                row,
                key,
                _("No neighborhood with code “%(code)s” in this town or on the 居民区 sheet.") % {"code": row.get(key)},
            )
        return neighborhood

    def _person(self, sheet: Sheet, row: _Row, key: str) -> Person | None:
        if not row.usable(key):
            return None
        person = self.person.get(row.get(key))
        if person is None:
            self._unknown(
                sheet,
                row,
                key,
                _("No person with mobile number %(phone)s in this town or on the 人员 sheet.")
                % {"phone": row.get(key)},
            )
        return person

    def _organization(self, sheet: Sheet, row: _Row, key: str) -> Organization | None:
        if not row.usable(key):
            return None
        organization = self.org.get(row.get(key))
        if organization is None:
            self._unknown(
                sheet,
                row,
                key,
                _("No organisation with code “%(code)s” in this town or on the 组织 sheet.") % {"code": row.get(key)},
            )
        return organization

    def plan_compounds(self) -> None:
        sheet = SHEETS_BY_KEY["compounds"]
        for row in self.rows.get("compounds", []):
            code = row.get("code")
            new = {"name": row.get("name")}
            neighborhood = self._neighborhood(sheet, row)
            if neighborhood is not None:
                new["neighborhood"] = neighborhood
            self._optional(row, new, "address")
            self.cp[code] = self._upsert(
                "compounds", self.cp.get(code), lambda code=code: Compound(town=self.town, code=code), new
            )

    def plan_buildings(self) -> None:
        sheet = SHEETS_BY_KEY["buildings"]
        for row in self.rows.get("buildings", []):
            compound = self._compound(sheet, row)
            if compound is None:
                continue
            key = (row.get("compound"), row.get("number"))
            new = {}
            self._optional(row, new, "floors", empty=None)
            self.bl[key] = self._upsert(
                "buildings",
                self.bl.get(key),
                lambda c=compound, n=key[1]: Building(town=self.town, compound=c, number=n),
                new,
            )

    def plan_units(self) -> None:
        sheet = SHEETS_BY_KEY["units"]
        for row in self.rows.get("units", []):
            compound = self._compound(sheet, row)
            if compound is None or not row.usable("building"):
                continue
            building = self.bl.get((row.get("compound"), row.get("building")))
            if building is None:
                self._unknown(
                    sheet,
                    row,
                    "building",
                    _("No building “%(building)s” in compound %(compound)s: record it on the 楼栋 sheet.")
                    % {"building": row.get("building"), "compound": row.get("compound")},
                )
                continue
            key = (row.get("compound"), row.get("building"), row.get("number"))
            new = {"area": row.get("area")}
            self.un[key] = self._upsert(
                "units",
                self.un.get(key),
                lambda c=compound, b=building, n=key[2]: Unit(town=self.town, compound=c, building=b, number=n),
                new,
            )

    def plan_organizations(self) -> None:
        sheet = SHEETS_BY_KEY["organizations"]
        kinds = dict(sheet.column("kind").choices)
        file_rows: dict[str, _Row] = {}
        for row in self.rows.get("organizations", []):
            code, kind = row.get("code"), row.get("kind")
            neighborhood = compound = None
            needs = {
                "neighborhood": kind in Organization.NEIGHBORHOOD_KINDS,
                "compound": kind == Organization.Kind.OWNERS_COMMITTEE,
            }
            if kind is not None:
                for key, needed in needs.items():
                    given = row.get(key) is not None or key in row.bad
                    if needed and not given:
                        self.cell_error(
                            sheet,
                            row,
                            key,
                            _("A %(kind)s belongs to a %(place)s: enter its code.")
                            % {
                                "kind": kinds[kind],
                                "place": sheet.column(key).label.removeprefix("所属").removesuffix("编码"),
                            },
                        )
                    elif not needed and given:
                        self.cell_error(sheet, row, key, _("Leave this empty for a %(kind)s.") % {"kind": kinds[kind]})
                if needs["neighborhood"]:
                    neighborhood = self._neighborhood(sheet, row)
                if needs["compound"]:
                    compound = self._compound(sheet, row)
            new = {"name": row.get("name"), "kind": kind, "neighborhood": neighborhood, "compound": compound}
            self._optional(row, new, "phone")
            self._optional(row, new, "address")
            self.org[code] = self._upsert(
                "organizations", self.org.get(code), lambda code=code: Organization(town=self.town, code=code), new
            )
            file_rows[code] = row
        # One party organisation and one residents' committee per neighborhood; one owners'
        # committee per compound — counting what is stored and what this file adds or changes.
        holders = defaultdict(list)
        for code, org in self.org.items():
            if org.kind in Organization.NEIGHBORHOOD_KINDS:
                place = (
                    org.neighborhood.code
                    if org.neighborhood_id is None and org.neighborhood
                    else self.nb_code.get(org.neighborhood_id)
                )
                if place:
                    holders[("neighborhood", place, org.kind)].append(code)
            elif org.kind == Organization.Kind.OWNERS_COMMITTEE:
                place = (
                    org.compound.code if org.compound_id is None and org.compound else self.cp_code.get(org.compound_id)
                )
                if place:
                    holders[("compound", place, org.kind)].append(code)
        for (_place_kind, place, kind), codes in holders.items():
            if len(codes) < 2:
                continue
            for code in codes:
                if code in file_rows:
                    other = next(c for c in codes if c != code)
                    self.cell_error(
                        sheet,
                        file_rows[code],
                        "kind",
                        _("%(place)s already has a %(kind)s (code %(other)s): there can be only one.")
                        % {"place": place, "kind": kinds[kind], "other": other},
                    )

    def plan_people(self) -> None:
        for row in self.rows.get("people", []):
            phone = row.get("phone")
            new = {"name": row.get("name")}
            self._optional(row, new, "is_party_member", empty=False)
            self.person[phone] = self._upsert(
                "people", self.person.get(phone), lambda phone=phone: Person(town=self.town, phone=phone), new
            )
        # Residents not recorded yet become people of the town.
        sheet = SHEETS_BY_KEY["residents"]
        people_rows = {row.get("phone"): row for row in self.rows.get("people", [])}
        first_name: dict[str, tuple[str, int]] = {}
        for row in self.rows.get("residents", []):
            phone, name = row.get("phone"), row.get("name")
            if phone is None or name is None:
                continue
            person = self.person.get(phone)
            if person is None:
                person = Person(town=self.town, phone=phone, name=name)
                self.person[phone] = person
                self.creates[Person].append(person)
                self.report.people_created_for_residents += 1
                first_name[phone] = (name, row.number)
            elif person.name != name and phone not in people_rows:
                if phone in first_name:
                    message = _(
                        "The same mobile number is used with the name “%(name)s” in row %(row)s; that name is kept."
                    ) % {"name": first_name[phone][0], "row": first_name[phone][1]}
                else:
                    message = _("The person with this mobile number is recorded as “%(name)s”; that name is kept.") % {
                        "name": person.name
                    }
                self.error(sheet, row.number, sheet.column("name").label, message, WARNING)
        # A new person whose number already signs in is linked to that account.
        if self.creates[Person]:
            by_phone = {p.phone: p for p in self.creates[Person]}
            for chunk in _chunks(sorted(by_phone)):
                for user in User.objects.filter(phone__in=chunk, person__isnull=True):
                    by_phone[user.phone].user = user

    def plan_memberships(self) -> None:
        sheet = SHEETS_BY_KEY["memberships"]
        for row in self.rows.get("memberships", []):
            person = self._person(sheet, row, "phone")
            organization = self._organization(sheet, row, "organization")
            if person is None or organization is None:
                continue
            start = row.get("start")
            existing = None
            if person.pk and organization.pk:
                existing = self.ms.get((person.pk, organization.pk, start))
            new = {"title": row.get("title")}
            self._optional(row, new, "position", empty=Membership.Position.MEMBER)
            self._optional(row, new, "end", empty=None)
            end = new.get("end", existing.end if existing else None)
            if end is not None and start is not None and end < start:
                self.cell_error(
                    sheet,
                    row,
                    "end",
                    _("The term ends (%(end)s) before it starts (%(start)s).") % {"end": end, "start": start},
                )
            self._upsert(
                "memberships",
                existing,
                lambda p=person, o=organization, s=start: Membership(town=self.town, person=p, organization=o, start=s),
                new,
            )

    def plan_contracts(self) -> None:
        sheet = SHEETS_BY_KEY["contracts"]
        kinds = dict(SHEETS_BY_KEY["organizations"].column("kind").choices)
        # compound code → [(start, end, contract, row or None)] in their final state
        periods: dict[str, list] = defaultdict(list)
        replaced: set[int] = set()
        for row in self.rows.get("contracts", []):
            company = self._organization(sheet, row, "company")
            compound = self._compound(sheet, row)
            manager = self._person(sheet, row, "manager") if row.usable("manager") else None
            if company is not None and company.kind and company.kind != Organization.Kind.PROPERTY_COMPANY:
                self.cell_error(
                    sheet,
                    row,
                    "company",
                    _("“%(code)s” is a %(kind)s, not a property company (类型 物业服务企业).")
                    % {"code": row.get("company"), "kind": kinds.get(company.kind, company.kind)},
                )
                continue
            if company is None or compound is None or (row.usable("manager") and manager is None):
                continue
            start = row.get("start")
            existing = None
            if company.pk and compound.pk:
                existing = next(
                    (
                        c
                        for c in self.contracts
                        if c.company_id == company.pk and c.compound_id == compound.pk and c.start == start
                    ),
                    None,
                )
            new = {}
            self._optional(row, new, "end", empty=None)
            if row.has("manager") and "manager" not in row.bad:
                new["manager"] = manager
            end = new.get("end", existing.end if existing else None)
            if end is not None and start is not None and end < start:
                self.cell_error(
                    sheet,
                    row,
                    "end",
                    _("The contract ends (%(end)s) before it starts (%(start)s).") % {"end": end, "start": start},
                )
                continue
            contract = self._upsert(
                "contracts",
                existing,
                lambda c=company, p=compound, s=start: ServiceContract(town=self.town, company=c, compound=p, start=s),
                new,
            )
            if existing is not None:
                replaced.add(existing.pk)
            periods[row.get("compound")].append((start, end, contract, row))
        for stored in self.contracts:
            code = self.cp_code.get(stored.compound_id)
            if stored.pk not in replaced and code in periods:
                periods[code].append((stored.start, stored.end, stored, None))
        for code, items in periods.items():
            items.sort(key=lambda item: (item[0], item[3].number if item[3] else 0))
            for i, (start, end, _contract, row) in enumerate(items):
                for other_start, other_end, other, other_row in items[:i] + items[i + 1 :]:
                    if row is None or (other_row is not None and other_row.number > row.number):
                        continue  # reported at the other row, or both stored
                    if start <= (other_end or date.max) and other_start <= (end or date.max):
                        if other_row is not None:
                            other_label = _("row %(row)s") % {"row": other_row.number}
                        else:
                            company_code = self.org_code.get(other.company_id, "")
                            company = self.org.get(company_code)
                            other_label = _("the recorded contract with %(company)s") % {
                                "company": f"{company.name} ({company_code})" if company else company_code
                            }
                        self.cell_error(
                            sheet,
                            row,
                            "start",
                            _(
                                "This contract (%(start)s to %(end)s) overlaps %(other)s (%(other_start)s to "
                                "%(other_end)s) for compound %(compound)s. A compound has one property company at a "
                                "time."
                            )
                            % {
                                "start": start,
                                "end": _fmt_date(end),
                                "other": other_label,
                                "other_start": other_start,
                                "other_end": _fmt_date(other_end),
                                "compound": code,
                            },
                        )
                        break

    def plan_residents(self) -> None:
        sheet = SHEETS_BY_KEY["residents"]
        for row in self.rows.get("residents", []):
            compound = self._compound(sheet, row)
            if compound is None or not row.usable("building", "number"):
                continue
            unit = self.un.get((row.get("compound"), row.get("building"), row.get("number")))
            if unit is None:
                self._unknown(
                    sheet,
                    row,
                    "number",
                    _(
                        "No unit %(number)s in building %(building)s of compound %(compound)s: record it on the 房屋 "
                        "sheet."
                    )
                    % {"number": row.get("number"), "building": row.get("building"), "compound": row.get("compound")},
                )
                continue
            person = self.person.get(row.get("phone"))
            if person is None:
                continue
            if person.pk and unit.pk and (person.pk, unit.pk) in self.open_residencies:
                self._count("residents", "unchanged")
                continue
            residency = Residency(
                town=self.town,
                person=person,
                unit=unit,
                relation=row.get("relation"),
                status=Residency.Status.VERIFIED,
                source=Residency.Source.IMPORT,
            )
            self.creates[Residency].append(residency)
            self._count("residents", "created")

    # Writing ------------------------------------------------------------------------------------

    def apply(self, actor) -> None:
        now = timezone.now()
        total = sum(len(self.creates[m]) + len(self.updates[m]) for m in WRITE_ORDER)
        done = 0
        changes: list[audit.Change] = []
        for model in WRITE_ORDER:
            created = self.creates[model]
            if model is Residency:
                for residency in created:
                    residency.decided_by, residency.decided_at = actor, now
            for batch in _chunks(created, BATCH):
                model.objects.bulk_create(batch)
                done += len(batch)
                self.tick("applying", done, total, force=True)
            updated = self.updates[model]
            for obj, _before, _changed in updated:
                obj.version += 1
                obj.updated_at = now
            for batch in _chunks(updated, BATCH):
                _update_rows(model, [(obj, changed) for obj, _before, changed in batch])
                done += len(batch)
                self.tick("applying", done, total, force=True)
            label = model._meta.label_lower
            audit_fields = AUDIT_FIELDS[model]
            for obj in created:
                fields_of_obj = [*audit_fields, "user"] if model is Person and obj.user_id else audit_fields
                changes.append(audit.Change(f"{label}.import_create", obj, None, audit.snapshot(obj, fields_of_obj)))
            for obj, before, changed in updated:
                changes.append(audit.Change(f"{label}.import_update", obj, before, audit.snapshot(obj, changed)))
        audit.record_many(actor, changes)


def _update_rows(model: type[models.Model], items: list[tuple[models.Model, list[str]]]) -> None:
    """UPDATE … WHERE pk = … for each object, its changed fields plus version and updated_at, as
    one executemany per set of changed fields (QuerySet.bulk_update builds a CASE expression per
    field and row in Python: ten times slower for thousands of rows)."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    by_fields: dict[tuple[str, ...], list[models.Model]] = defaultdict(list)
    for obj, changed in items:
        by_fields[tuple(sorted(changed))].append(obj)
    for names, objs in by_fields.items():
        fields = [meta.get_field(name) for name in (*names, "version", "updated_at")]
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def import_workbook(*, actor, town: Town, file, progress: Progress | None = None) -> ImportReport:
    """Read an .xlsx file and import it (for scripts; the web upload goes through an ImportJob)."""
    return import_data(actor=actor, town=town, data=read_workbook(file), progress=progress)
