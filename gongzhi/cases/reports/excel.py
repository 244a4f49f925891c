"""The three-rates report as an Excel workbook."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from ..models import CaseStats
from ..rates import EFFECTIVE, HANDLING, SATISFACTION, ThreeRates
from .compute import Line, RatesReport
from .labels import COUNTER_LABELS, RATE_LABELS
from .months import GRAINS, month_text
from .rankings import sort_lines


def _rate_cells(rates: ThreeRates) -> list:
    out = []
    for rate in rates.rates:
        out += [
            float(rate.value) if rate.value is not None else "—",
            float(rate.numerator),
            rate.denominator,
        ]
    return out


def _count_cells(counts: dict[str, int]) -> list[int]:
    return [counts[name] for name in CaseStats.COUNTERS]


def _headings() -> list[str]:
    out = []
    for key in (HANDLING, EFFECTIVE, SATISFACTION):
        out += [str(RATE_LABELS[key]), _("numerator"), _("denominator")]
    return out + [str(COUNTER_LABELS[name]) for name in CaseStats.COUNTERS]


def workbook(report: RatesReport) -> bytes:
    """The report as an .xlsx: the periods × rates with raw counts, and the ranking; each
    sheet starts with the place, the range and the definition."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    title = _("Three rates: %(place)s, %(range)s") % {"place": report.place.label, "range": report.range_text}
    definition = report.definition_text
    if report.settings.mixed:
        definition += " " + _("The towns use different settings; these sums weigh 基本满意 by the default.")

    def header(sheet, first_column: list[str]):
        sheet.append([title])
        sheet.append([definition])
        sheet.append([])
        sheet.append([*first_column, *_headings()])

    def row(sheet, leading: list, line: Line):
        cells = []
        for i, value in enumerate(_rate_cells(line.rates)):
            cell = WriteOnlyCell(sheet, value=value)
            if i % 3 == 0 and not isinstance(value, str):
                cell.number_format = "0.0%"
            cells.append(cell)
        sheet.append([*leading, *cells, *_count_cells(line.counts)])

    sheet = book.create_sheet(_("Rates by period"))
    header(sheet, [str(GRAINS[report.grain]), _("first month"), _("last month")])
    for line in [*report.periods, report.total]:
        row(sheet, [line.label, month_text(line.first), month_text(line.last)], line)
    sheet = book.create_sheet(_("Ranking"))
    header(sheet, [_("kind"), _("name"), _("type")])
    for ranking in report.rankings:
        for line in sort_lines(ranking.lines, "name"):
            row(sheet, [str(ranking.title), line.label, line.note], line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
