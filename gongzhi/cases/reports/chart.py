"""The trend chart's data (the rates page, the town dashboard): one function, so that both draw the
same numbers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..rates import COMPOSITE, EFFECTIVE, HANDLING, SATISFACTION
from .compute import RatesReport
from .labels import RATE_LABELS


def trend_chart(report: RatesReport) -> dict:
    """The rates per period, in percent, for the trend chart (None where nothing is measured);
    `provisional` flags the periods not finished (the chart draws them hollow, dashed, labelled)."""
    keys = (HANDLING, EFFECTIVE, SATISFACTION)

    def value(number):
        return float(number) if number is not None else None

    series = [
        {
            "key": key,
            "name": str(RATE_LABELS[key]),
            "data": [value(getattr(line.rates, key).percent) for line in report.periods],
        }
        for key in keys
    ]
    if report.shows_composite:
        series.append(
            {
                "key": COMPOSITE,
                "name": str(RATE_LABELS[COMPOSITE]),
                "data": [value(line.rates.composite_percent) for line in report.periods],
            }
        )
    return {
        "labels": [line.label for line in report.periods],
        "provisional": [line.provisional for line in report.periods],
        "provisional_text": _("so far (not finished)"),
        "series": series,
    }
