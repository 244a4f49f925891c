"""The three rates in a database's fingerprint (gongzhi.core.fingerprint): of every town, per
assessment month over the last 12 (the rates page's default range) and over the whole range, as
the rates page computes them (`reports.build`, from the counters, `rates.three_rates`)."""

from __future__ import annotations

from datetime import date

from gongzhi.core.fingerprint import platform_reader
from gongzhi.places.models import Town

from . import reports
from .rates import Rate, ThreeRates


def _rate(rate: Rate) -> str:
    return f"{rate.key} {rate.numerator.normalize():f}/{rate.denominator}={rate.value}"


def _text(rates: ThreeRates) -> str:
    text = " · ".join(_rate(rate) for rate in rates.rates)
    if rates.definition.composite_weights is not None:
        text += f" · composite {rates.composite}"
    return text


def rate_figures(today: date) -> dict[str, str]:
    """`<town code>/<YYYY-MM>` and `<town code>/total` → the three rates, numerator/denominator=value."""
    reader = platform_reader()
    out = {}
    for town in Town.objects.order_by("code").only("code", "uid"):
        place = reports.place_for(reader, f"town.{town.uid}")
        settings = reports.settings_for(place.town_ids)
        first, last = reports.default_range(settings, today)
        report = reports.build(reader, place, grain="month", first=first, last=last, settings=settings, children=())
        for line in report.periods:
            out[f"{town.code}/{reports.month_text(line.first)}"] = _text(line.rates)
        out[f"{town.code}/total"] = _text(report.total.rates)
    return out
