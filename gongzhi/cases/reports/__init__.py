"""The three-rates report (R-MECH-1): what the rates page and its Excel export show for one place
and one range of assessment months — the rates per period, the rates of the places and
organisations one level down, and the definition that produced them.

Every number comes from the counters (gongzhi.cases.stats, one row per handling organisation ×
compound × assessment month) through `rates.summed` and `rates.three_rates`; nothing here scans
cases. A quarter or a year is the sum of the months it contains. The cases behind a number are
found by `selectors.behind` over the same place and the same months (`drill_q`). The assessment
month containing today (and any later one) is not finished: its numbers are shown as provisional
and the rankings count the finished months only (`unfinished_from`).

A place is named by one query parameter, `at`: `all` (every town the user covers),
`town.<uid>`, `neighborhood.<uid>`, `compound.<uid>`, `organization.<uid>`, or an organisation
within a place, `organization.<uid>~neighborhood.<uid>`. A place outside the user's scope is
not found (404).

The package, by topic: `months` (ranges and grains), `places` (the places, `at` and scope),
`definitions` (the settings the rates are produced with, drill-down), `compute` (the report),
`rankings` (order, rank numbers, kinds and names of the lines one level down), `labels`, `excel` (the export)."""

from .chart import trend_chart
from .compute import Line, Ranking, RatesReport, build, default_range, towns_only, unfinished_from
from .definitions import Settings, drill_q, settings_for
from .excel import workbook
from .labels import (
    COUNTER_LABELS,
    DRILL_COUNTERS,
    EXTRAS,
    KIND_LABELS,
    RATE_LABELS,
    RATE_SORTS,
    SHORT_LABELS,
    SORT_KEYS,
    SUMS,
    count_of,
    rate_parts,
)
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
from .rankings import DEFAULT_SORT, Ranked, kinds_of, label_lines, rank_lines, sort_lines

__all__ = [
    "trend_chart",
    "CASE_FIELD",
    "COUNTER_LABELS",
    "DEFAULT_SORT",
    "DRILL_COUNTERS",
    "EXTRAS",
    "GRAINS",
    "KIND_LABELS",
    "MAX_MONTHS",
    "MODELS",
    "RATE_LABELS",
    "RATE_SORTS",
    "ROW_FIELD",
    "SHORT_LABELS",
    "SORT_KEYS",
    "SUMS",
    "Line",
    "Place",
    "Ranked",
    "Ranking",
    "RatesReport",
    "Settings",
    "add_months",
    "bucket_of",
    "build",
    "count_of",
    "default_at",
    "default_range",
    "drill_q",
    "kinds_of",
    "label_lines",
    "month_text",
    "months_between",
    "parse_month",
    "place_choices",
    "place_for",
    "rank_lines",
    "rate_parts",
    "reachable_place",
    "scope_cases_q",
    "scope_rows_q",
    "settings_for",
    "snap",
    "sort_lines",
    "towns_only",
    "unfinished_from",
    "workbook",
]
