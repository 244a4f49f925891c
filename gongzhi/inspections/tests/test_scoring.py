"""The inspection score (docs/metrics.md, "Inspections") on hand-built answers."""

from decimal import Decimal

from gongzhi.inspections.scoring import Answer, average_score, inspection_score, score


def pf(weight, outcome):
    return Answer("pass_fail", weight, outcome)


def sc(weight, points, max_points=5, outcome="scored"):
    return Answer("score", weight, outcome, points, max_points)


def test_all_passed_is_100():
    assert inspection_score([pf(2, "pass"), pf(1, "pass"), sc(3, 5)]) == Decimal("100.0")


def test_failed_items_earn_nothing_and_weights_count():
    # earned 2 + 0 + 3×3/5 = 3.8 of 6 → 63.3 %
    assert inspection_score([pf(2, "pass"), pf(1, "fail"), sc(3, 3)]) == Decimal("63.3")


def test_not_applicable_items_are_excluded_from_both_sums():
    with_na = [pf(2, "pass"), pf(5, "na"), sc(3, 0)]
    assert inspection_score(with_na) == Decimal("40.0")  # 2 of 5
    s = score(with_na)
    assert (s.counted, s.excluded, s.achievable) == (2, 1, Decimal(5))


def test_nothing_counted_has_no_score():
    assert inspection_score([pf(1, "na"), sc(2, None, outcome="na")]) is None
    assert inspection_score([]) is None


def test_rounding_half_up_to_one_decimal():
    # 1 of 8 = 12.5 exactly; 1 of 3 = 33.33… → 33.3; 2 of 3 → 66.7
    assert inspection_score([pf(1, "pass"), pf(7, "fail")]) == Decimal("12.5")
    assert inspection_score([pf(1, "pass"), pf(2, "fail")]) == Decimal("33.3")
    assert inspection_score([pf(2, "pass"), pf(1, "fail")]) == Decimal("66.7")
    # 1 of 16 = 6.25 → 6.3 (half up, not to even)
    assert inspection_score([pf(1, "pass"), pf(15, "fail")]) == Decimal("6.3")


def test_points_are_held_within_the_items_scale():
    assert inspection_score([sc(1, 9, 5)]) == Decimal("100.0")


def test_average_leaves_out_inspections_without_a_score():
    assert average_score([Decimal("80"), None, Decimal("91")]) == Decimal("85.5")
    assert average_score([None]) is None
