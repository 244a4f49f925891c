"""The scoring table on hand-built indicators and bands (no database): every expected number is
written out."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from gongzhi.assessments import scoring
from gongzhi.assessments.schemes import PROPERTY_BANDS, parse_bands


def ind(rule, max_points, **kw):
    return SimpleNamespace(rule=rule, max_points=D(max_points), low=kw.get("low"), high=kw.get("high"),
                           per_event=kw.get("per_event"), cap=kw.get("cap"))  # fmt: skip


@pytest.mark.parametrize(
    ("indicator", "value", "count", "manual", "expected"),
    [
        (ind("manual", 25), None, None, D("21.5"), D("21.5")),
        (ind("manual", 25), None, None, None, None),
        # formula: 0 at 60 %, all 30 points at 95 %, linear between, clamped outside
        (ind("formula", 30, low=D(60), high=D(95)), D("80"), None, None, D("17.1")),  # 30 × 20/35 = 17.14
        (ind("formula", 30, low=D(60), high=D(95)), D("95"), None, None, D("30.0")),
        (ind("formula", 30, low=D(60), high=D(95)), D("99.5"), None, None, D("30.0")),
        (ind("formula", 30, low=D(60), high=D(95)), D("55"), None, None, D("0.0")),
        # less is better: 0 at 10, all 20 at 0
        (ind("formula", 20, low=D(10), high=D(0)), D("4"), None, None, D("12.0")),
        # no figure: scored by hand
        (ind("formula", 30, low=D(60), high=D(95)), None, None, D("12"), D("12.0")),
        (ind("formula", 30, low=D(60), high=D(95)), None, None, None, None),
        # deductions: 10 − 2 per event, at most 10 off
        (ind("deductions", 10, per_event=D(2), cap=D(10)), D(3), 3, None, D("4.0")),
        (ind("deductions", 10, per_event=D(2), cap=D(10)), D(0), 0, None, D("10.0")),
        (ind("deductions", 10, per_event=D(2), cap=D(10)), D(7), 7, None, D("0.0")),
        # cap below the points: never below 10 − 6 = 4
        (ind("deductions", 10, per_event=D(2), cap=D(6)), D(7), 7, None, D("4.0")),
        (ind("deductions", D("7.5"), per_event=D("1.5"), cap=D(10)), D(1), 1, None, D("6.0")),
    ],
)
def test_points_of_an_indicator(indicator, value, count, manual, expected):
    assert scoring.points_for(indicator, value, count, manual) == expected


def test_total_is_the_sum_over_the_total_weight():
    assert scoring.total_of([D("21.5"), D("17.1"), D("4.0")], 100) == D("42.6")
    # a scheme out of 50: 40 of 50 is 80
    assert scoring.total_of([D("25"), D("15")], 50) == D("80.0")
    assert scoring.total_of([D("25"), None], 100) is None
    assert scoring.total_of([], 100) is None


@pytest.mark.parametrize(
    ("score", "band", "fee", "fails"),
    [
        (D("100.0"), "优秀", 100, False),
        (D("95.0"), "优秀", 100, False),
        (D("94.9"), "良好", 98, False),
        (D("85.0"), "良好", 98, False),
        (D("84.9"), "合格", 95, False),
        (D("75.0"), "合格", 95, False),
        (D("74.9"), "一般", 90, False),
        (D("65.0"), "一般", 90, False),
        (D("64.9"), "较差", 80, False),
        (D("60.0"), "较差", 80, False),
        (D("59.9"), "不合格", 70, True),
        (D("0.0"), "不合格", 70, True),
    ],
)
def test_property_service_bands_and_fee(score, band, fee, fails):
    found = scoring.band_for(score, parse_bands(PROPERTY_BANDS))
    assert (found.label, found.fee_percent, found.fails) == (band, fee, fails)


def test_quarter_fee_is_a_quarter_of_the_annual_fee_at_the_rate():
    assert scoring.quarter_fee(D("480000"), 95) == D("114000.00")
    assert scoring.quarter_fee(D("100000"), 70) == D("17500.00")


def test_two_periods_failing_in_a_row():
    assert scoring.failed_twice(True, True) is True
    assert scoring.failed_twice(True, False) is False
    assert scoring.failed_twice(True, None) is False  # no previous period
    assert scoring.failed_twice(False, True) is False


def test_ranks_share_equal_totals():
    assert scoring.ranks([D("80"), D("92.5"), D("80"), None, D("61")]) == [2, 1, 2, None, 4]
