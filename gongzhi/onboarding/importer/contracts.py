"""The 物业合同 sheet (service contracts): a property company serves a compound from a start date;
a compound has one property company at a time, so periods (stored and in the file) must not
overlap."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils.translation import gettext as _

from gongzhi.orgs.models import Organization, ServiceContract

from ..schema import SHEETS_BY_KEY
from .plan import Plan, Row

SHEET = SHEETS_BY_KEY["contracts"]
KINDS = dict(SHEETS_BY_KEY["organizations"].column("kind").choices)  # kind → its label in the file


def plan_contracts(plan: Plan) -> None:
    # compound code → [(start, end, contract, row or None)] in their final state
    periods: dict[str, list] = defaultdict(list)
    replaced: set[int] = set()
    for row in plan.rows.get("contracts", []):
        planned = _plan_contract(plan, row)
        if planned is None:
            continue
        contract, existing, end = planned
        if existing is not None:
            replaced.add(existing.pk)
        periods[row.get("compound")].append((row.get("start"), end, contract, row))
    for stored in plan.contracts:
        code = plan.compound_code.get(stored.compound_id)
        if stored.pk not in replaced and code in periods:
            periods[code].append((stored.start, stored.end, stored, None))
    for code, items in periods.items():
        _check_overlaps(plan, code, items)


def _plan_contract(plan: Plan, row: Row) -> tuple | None:
    """Plan the row's contract: (contract, the stored one it updates or None, its end), or None
    when the row cannot be planned (its problems reported)."""
    company = plan.organization(SHEET, row, "company")
    compound = plan.compound(SHEET, row)
    manager = plan.person(SHEET, row, "manager") if row.usable("manager") else None
    if company is not None and company.kind and company.kind != Organization.Kind.PROPERTY_COMPANY:
        plan.cell_error(
            SHEET,
            row,
            "company",
            _("“%(code)s” is a %(kind)s, not a property company (类型 物业服务企业).")
            % {"code": row.get("company"), "kind": KINDS.get(company.kind, company.kind)},
        )
        return None
    if company is None or compound is None or (row.usable("manager") and manager is None):
        return None
    start = row.get("start")
    existing = None
    if company.pk and compound.pk:
        existing = next(
            (
                c
                for c in plan.contracts
                if c.company_id == company.pk and c.compound_id == compound.pk and c.start == start
            ),
            None,
        )
    new = {}
    plan.optional(row, new, "end", empty=None)
    if row.has("manager") and "manager" not in row.bad:
        new["manager"] = manager
    end = new.get("end", existing.end if existing else None)
    if end is not None and start is not None and end < start:
        plan.cell_error(
            SHEET,
            row,
            "end",
            _("The contract ends (%(end)s) before it starts (%(start)s).") % {"end": end, "start": start},
        )
        return None
    contract = plan.upsert(
        "contracts",
        existing,
        lambda c=company, p=compound, s=start: ServiceContract(town=plan.town, company=c, compound=p, start=s),
        new,
        row=row,
    )
    return contract, existing, end


def _check_overlaps(plan: Plan, code: str, items: list) -> None:
    """Report each row of the file whose period overlaps another's in compound `code` (once per
    pair: at the later row; a stored contract is reported at the row)."""
    items.sort(key=lambda item: (item[0], item[3].number if item[3] else 0))
    for i, (start, end, _contract, row) in enumerate(items):
        for other_start, other_end, other, other_row in items[:i] + items[i + 1 :]:
            if row is None or (other_row is not None and other_row.number > row.number):
                continue  # reported at the other row, or both stored
            if start <= (other_end or date.max) and other_start <= (end or date.max):
                plan.cell_error(
                    SHEET,
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
                        "other": _other_label(plan, other, other_row),
                        "other_start": other_start,
                        "other_end": _fmt_date(other_end),
                        "compound": code,
                    },
                )
                break


def _other_label(plan: Plan, other: ServiceContract, other_row: Row | None) -> str:
    if other_row is not None:
        return _("row %(row)s") % {"row": other_row.number}
    company_code = plan.organization_code.get(other.company_id, "")
    company = plan.organizations.get(company_code)
    return _("the recorded contract with %(company)s") % {
        "company": f"{company.name} ({company_code})" if company else company_code
    }


def _fmt_date(value: date | None) -> str:
    return value.isoformat() if value else _("open-ended")
