"""The three-rates report as an Excel workbook."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from gongzhi.core.spreadsheets import append_row, safe_cell

from ..models import CaseStats
from ..rates import COMPOSITE, EFFECTIVE, HANDLING, SATISFACTION, ThreeRates
from .compute import Line, RatesReport
from .labels import COUNTER_LABELS, RATE_LABELS
from .months import GRAINS, month_text
from .rankings import DEFAULT_SORT, kinds_of, rank_lines


def _rate_cells(rates: ThreeRates, composite: bool) -> list:
    out = []
    for rate in rates.rates:
        out += [
            float(rate.value) if rate.value is not None else "—",
            float(rate.numerator),
            rate.denominator,
        ]
    if composite:
        out.append(float(rates.composite) if rates.composite is not None else "—")
    return out


def _count_cells(counts: dict[str, int]) -> list[int]:
    return [counts[name] for name in CaseStats.COUNTERS]


def _headings(composite: bool) -> list[str]:
    out = []
    for key in (HANDLING, EFFECTIVE, SATISFACTION):
        out += [str(RATE_LABELS[key]), _("numerator"), _("denominator")]
    if composite:
        out.append(str(RATE_LABELS[COMPOSITE]))
    return out + [str(COUNTER_LABELS[name]) for name in CaseStats.COUNTERS]


def workbook(report: RatesReport) -> bytes:
    """The report as an .xlsx: the periods × rates with raw counts (unfinished periods marked),
    and the rankings (one kind of organisation at a time, with rank numbers); each sheet starts
    with the place, the range and the definition. Every cell goes through the safe writer: a
    place or organisation named like a formula stays text."""
    from openpyxl import Workbook

    composite = report.shows_composite
    book = Workbook(write_only=True)
    title = _("Three rates: %(place)s, %(range)s") % {"place": report.place.label, "range": report.range_text}
    definition = report.definition_text
    if report.settings.mixed:
        definition += " " + _("The towns use different settings; these sums weigh 基本满意 by the default.")

    def header(sheet, first_column: list[str], note: str, last_column: list[str] = ()):
        append_row(sheet, [title])
        append_row(sheet, [definition])
        append_row(sheet, [note] if note else [])
        append_row(sheet, [*first_column, *_headings(composite), *last_column])

    def row(sheet, leading: list, line: Line, trailing: list = ()):
        cells = []
        for i, value in enumerate(_rate_cells(line.rates, composite)):
            percent = (i % 3 == 0 or i == 9) and not isinstance(value, str)
            cells.append(safe_cell(sheet, value, number_format="0.0%" if percent else None))
        append_row(sheet, [*leading, *cells, *_count_cells(line.counts), *trailing])

    sheet = book.create_sheet(_("Rates by period"))
    unfinished = (
        _("Not finished yet, the numbers so far: %(months)s.") % {"months": report.unfinished_text}
        if report.unfinished_in_range
        else ""
    )
    header(sheet, [str(GRAINS[report.grain]), _("first month"), _("last month")], unfinished, [_("not finished")])
    so_far = _("so far (not finished)")
    for line in [*report.periods, report.total]:
        row(
            sheet,
            [line.label, month_text(line.first), month_text(line.last)],
            line,
            [so_far if line.provisional else None],
        )
    sheet = book.create_sheet(_("Ranking"))
    header(sheet, [_("kind"), _("name"), _("type"), _("rank")], f"{report.ranking_note} {report.ranking_rule}")
    too_few, not_ranked = _("too few to rank"), _("not ranked")
    for ranking in report.rankings:
        if ranking.kind == "organization":
            groups = [[line for line in ranking.lines if line.kind == kind] for kind, _n in kinds_of(ranking.lines)]
        else:
            groups = [ranking.lines]
        for lines in groups:
            ranked = rank_lines(lines, DEFAULT_SORT, report.settings.ranking_min_cases, ranked=not ranking.provisional)
            for item in ranked:
                rank = item.rank if item.rank is not None else (not_ranked if ranking.provisional else too_few)
                row(sheet, [str(ranking.title), item.line.label, item.line.note, rank], item.line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
