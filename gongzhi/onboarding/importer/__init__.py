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
a column that is there clears the field (or gives its default). Nothing is ever deleted.

The package: `plan` (the state of one import and the helpers every sheet uses), `parse` (the
file's rows, cleaned), `stored` (what the town has), one module per group of sheets (`places`,
`organizations`, `people`, `contracts`, `residents`), `write` (bulk writes and audit); this
module runs them in order."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongzhi.core.scope import get_scope
from gongzhi.places.models import Town

from ..problems import ImportInvalid, ImportReport, PlanChanged, Problem, WorkbookRefused
from ..schema import SHEETS
from ..workbook import read_workbook
from . import parse, stored, write
from .contracts import plan_contracts
from .organizations import plan_organizations
from .people import plan_memberships, plan_people
from .places import plan_buildings, plan_compounds, plan_neighborhoods, plan_units
from .plan import Plan, Progress
from .residents import plan_residents

__all__ = [
    "ImportInvalid",
    "ImportReport",
    "PlanChanged",
    "Problem",
    "Progress",
    "WorkbookRefused",
    "ensure_can_import",
    "import_data",
    "read_workbook",
    "validate_data",
]

# The sheets in the order they are planned: each refers only to records of sheets before it.
SHEET_PLANNERS = (
    plan_neighborhoods,
    plan_compounds,
    plan_buildings,
    plan_units,
    plan_organizations,
    plan_people,
    plan_memberships,
    plan_contracts,
    plan_residents,
)


def import_data(
    *,
    actor,
    town: Town,
    data: dict[str, list[dict]],
    progress: Progress | None = None,
    expected_digest: str | None = None,
    on_written: Callable[[list[write.Written]], None] | None = None,
) -> ImportReport:
    """Check `data` and, if it has no errors, write it to `town` in one transaction. Raises
    ImportInvalid (nothing written) listing every error; PermissionDenied if `actor` (None: the
    system) may not import into the town. With `expected_digest` (the digest of the previewed
    plan), raises PlanChanged (nothing written) when the import would now write anything else.
    `on_written(records)` is called in the transaction with what was written."""
    ensure_can_import(actor, town)
    with transaction.atomic():
        Town.objects.select_for_update().filter(pk=town.pk).first()  # one import per town at a time
        plan = check(town, data, progress, lock=True)
        if plan.errors:
            raise ImportInvalid(plan.errors, plan.warnings)
        if expected_digest is not None and plan.report.digest != expected_digest:
            raise PlanChanged(plan.report)
        try:
            with transaction.atomic():
                written = write.apply(plan, actor)
                if on_written is not None:
                    on_written(written)
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
    plan = check(town, data, progress, lock=False)
    if plan.errors:
        raise ImportInvalid(plan.errors, plan.warnings, plan.report)
    return plan.report


def ensure_can_import(actor, town: Town) -> None:
    if actor is None:
        return
    if not get_scope(actor).area("onboarding.import").covers_town(town.pk):
        raise PermissionDenied(f"onboarding.import not granted on town {town.pk}")


def check(town: Town, data: dict, progress: Progress | None, lock: bool) -> Plan:
    """Read and check the whole file: the plan of what to write, with every problem found."""
    plan = Plan(town, data, progress, lock)
    plan.problems.extend(getattr(plan.data, "problems", ()))  # the workbook reader's
    parse.parse(plan)
    if not any(plan.rows.values()) and not plan.errors and not plan.report.skipped:
        plan.error(
            "",
            None,
            "",
            _("The file contains no rows to import. Fill in at least one sheet of the template below its headings."),
        )
    if plan.errors and not any(plan.rows.values()):
        _count_rows_with_errors(plan)
        return plan
    stored.load(plan)
    for plan_sheet in SHEET_PLANNERS:
        plan_sheet(plan)
    plan.report.warnings = plan.warnings
    _count_rows_with_errors(plan)
    plan.report.digest = write.plan_digest(plan)
    return plan


def _count_rows_with_errors(plan: Plan) -> None:
    labels = {sheet.label: sheet.key for sheet in SHEETS}
    rows: dict[str, set[int]] = {}
    for problem in plan.errors:
        key = labels.get(problem.sheet)
        if key in plan.report.sheets and problem.row in plan.row_numbers[key]:
            rows.setdefault(key, set()).add(problem.row)
    for key, numbers in rows.items():
        plan.report.sheets[key].errors = len(numbers)
