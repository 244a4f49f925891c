"""Assessment months for the three-rates report: ranges of months, their grains (month, quarter,
year) and the periods a month falls in."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_MONTHS = 120
GRAINS = {
    "month": gettext_lazy("Assessment month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def month_text(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def parse_month(text: str) -> date | None:
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1) if 2000 <= year <= 2100 and 1 <= month <= 12 else None
    except (ValueError, AttributeError):
        return None


def snap(first: date, last: date, grain: str) -> tuple[date, date]:
    """Widen a range of months to whole quarters or years."""
    if grain == "quarter":
        return date(first.year, (first.month - 1) // 3 * 3 + 1, 1), date(last.year, (last.month - 1) // 3 * 3 + 3, 1)
    if grain == "year":
        return date(first.year, 1, 1), date(last.year, 12, 1)
    return first, last


def bucket_of(month: date, grain: str) -> tuple[date, date, str]:
    """The period a month belongs to: its first and last month and its label."""
    if grain == "quarter":
        q = (month.month - 1) // 3
        return (
            date(month.year, q * 3 + 1, 1),
            date(month.year, q * 3 + 3, 1),
            _("%(year)s Q%(quarter)s") % {"year": month.year, "quarter": q + 1},
        )
    if grain == "year":
        return date(month.year, 1, 1), date(month.year, 12, 1), str(month.year)
    return month, month, month_text(month)
