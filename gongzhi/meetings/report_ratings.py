"""The meeting's rating of an annual report (年度述职) as one number: 述职评议满意率, defined in
docs/metrics.md ("Annual reports") and computed here only — by `report_rating`, with the same
`Rate` and the same weight w of 基本满意 as the residents' 群众满意率 (gongzhi.cases.rates). The
report's page, the list of reports and, later, the credit file call it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from gongzhi.cases.rates import Rate
from gongzhi.cases.town_settings import settings_for as case_settings_for

from .models import AnnualReport

REPORT_SATISFACTION = "report_satisfaction"


@dataclass(frozen=True)
class ReportRating:
    """The counts of one report's ratings and the rate made of them."""

    satisfied: int
    basic: int
    unsatisfied: int
    weight: Decimal  # w, the weight of 基本满意 (the town's CaseSettings.basic_satisfied_weight)
    rate: Rate

    @property
    def total(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def percent(self) -> Decimal | None:
        return self.rate.percent

    @property
    def text(self) -> str:
        """The rate as shown: one decimal and a percent sign, “—” when nobody has rated."""
        return "—" if self.percent is None else f"{self.percent}%"


def report_rating(satisfied: int, basic: int, unsatisfied: int, weight: Decimal) -> ReportRating:
    """述职评议满意率 = (满意 + w × 基本满意) ÷ (满意 + 基本满意 + 不满意); no value (“—”) without
    ratings (docs/metrics.md)."""
    satisfied, basic, unsatisfied = int(satisfied or 0), int(basic or 0), int(unsatisfied or 0)
    weight = Decimal(weight)
    rate = Rate(REPORT_SATISFACTION, Decimal(satisfied) + weight * basic, satisfied + basic + unsatisfied)
    return ReportRating(satisfied, basic, unsatisfied, weight, rate)


def basic_weight(town_id: int) -> Decimal:
    """w for a town's reports: the same setting as the residents' satisfaction rate."""
    return case_settings_for(town_id).basic_satisfied_weight


def rating_of(report: AnnualReport) -> ReportRating:
    """One report's rating, counted from its ratings."""
    counts = {"satisfied": 0, "basic": 0, "unsatisfied": 0}
    for value in report.ratings.values_list("rating", flat=True):
        counts[value] += 1
    return report_rating(counts["satisfied"], counts["basic"], counts["unsatisfied"], basic_weight(report.town_id))


def with_ratings(reports: Iterable[AnnualReport]) -> list[AnnualReport]:
    """Reports read with `AnnualReportQuerySet.with_rating_counts()`, each given `.rating`."""
    reports = list(reports)
    weights: dict[int, Decimal] = {}
    for report in reports:
        if report.town_id not in weights:
            weights[report.town_id] = basic_weight(report.town_id)
        report.rating = report_rating(
            report.rated_satisfied, report.rated_basic, report.rated_unsatisfied, weights[report.town_id]
        )
    return reports
