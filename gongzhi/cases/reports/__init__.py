"""The three-rates report (R-MECH-1): what the rates page and its Excel export show for one place
and one range of assessment months — the rates per period, the rates of the places and
organisations one level down, and the definition that produced them.

Every number comes from the counters (gongzhi.cases.stats, one row per handling organisation ×
compound × assessment month) through `rates.summed` and `rates.three_rates`; nothing here scans
cases. A quarter or a year is the sum of the months it contains. The cases behind a number are
found by `selectors.behind` over the same place and the same months (`drill_q`).

A place is named by one query parameter, `at`: `all` (every town the user covers),
`town.<uid>`, `neighborhood.<uid>`, `compound.<uid>`, `organization.<uid>`, or an organisation
within a place, `organization.<uid>~neighborhood.<uid>`. A place outside the user's scope is
not found (404).

The package, by topic: `months` (ranges and grains), `places` (the places, `at` and scope),
`definitions` (the settings the rates are produced with, drill-down), `compute` (the report),
`rankings` (order and names of the lines one level down), `labels`, `excel` (the export)."""

from .compute import Line, Ranking, RatesReport, build, default_range
from .definitions import DEFAULT_WEIGHT, Settings, drill_q, settings_for
from .excel import workbook
from .labels import COUNTER_LABELS, DRILL_COUNTERS, KIND_LABELS, RATE_LABELS, SORT_KEYS
from .months import GRAINS, MAX_MONTHS, add_months, bucket_of, month_text, months_between, parse_month, snap
from .places import (
    CASE_FIELD,
    MODELS,
    ROW_FIELD,
    Place,
    default_at,
    place_choices,
    place_for,
    reachable_place,
    scope_cases_q,
    scope_rows_q,
)
from .rankings import label_lines, sort_lines

__all__ = [
    "CASE_FIELD",
    "COUNTER_LABELS",
    "DEFAULT_WEIGHT",
    "DRILL_COUNTERS",
    "GRAINS",
    "KIND_LABELS",
    "MAX_MONTHS",
    "MODELS",
    "RATE_LABELS",
    "ROW_FIELD",
    "SORT_KEYS",
    "Line",
    "Place",
    "Ranking",
    "RatesReport",
    "Settings",
    "add_months",
    "bucket_of",
    "build",
    "default_at",
    "default_range",
    "drill_q",
    "label_lines",
    "month_text",
    "months_between",
    "parse_month",
    "place_choices",
    "place_for",
    "reachable_place",
    "scope_cases_q",
    "scope_rows_q",
    "settings_for",
    "snap",
    "sort_lines",
    "workbook",
]
