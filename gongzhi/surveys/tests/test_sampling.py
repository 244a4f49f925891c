"""The survey's statistics against written reference values (DOMAIN-RULES "Satisfaction sampling
surveys"; Newcombe 1998 for the Wilson intervals)."""

import pytest

from gongzhi.surveys.sampling import (
    allocate,
    draw,
    initial_size,
    sample_size,
    shuffled,
    wilson,
    wilson_weighted,
)


def test_initial_size_is_the_textbook_384():
    assert round(initial_size(), 2) == 384.15


@pytest.mark.parametrize("population", [200_000, 500_000])
def test_sample_size_for_a_large_frame_is_384(population):
    assert sample_size(population) == 384


def test_sample_size_for_1000_households_is_278():
    assert sample_size(1000) == 278


def test_sample_size_floor_and_everyone_in_a_small_frame():
    assert sample_size(25) == 25  # everyone
    assert sample_size(0) == 0
    assert sample_size(60, margin=0.3) == 30  # the floor
    assert sample_size(20, margin=0.3) == 20  # the floor, but never more than the frame


def test_sample_size_wider_margin_and_higher_confidence():
    assert sample_size(1000, margin=0.10) == 88  # n0 = 96.04 → 96.04 / 1.09504 = 87.7
    assert sample_size(1000, confidence=0.99) > sample_size(1000)


@pytest.mark.parametrize(
    ("strata", "n"),
    [
        ({"A": 10, "B": 20, "C": 33}, 13),
        ({"1": 96, "2": 96, "3": 48, "4": 12}, 100),
        ({"x": 1, "y": 1, "z": 1}, 2),
        ({"a": 5, "b": 500}, 278),
        ({"a": 3, "b": 3}, 10),
    ],
)
def test_allocation_sums_to_n_and_never_exceeds_a_stratum(strata, n):
    result = allocate(strata, n)
    assert sum(result.values()) == min(n, sum(strata.values()))
    assert all(0 <= result[key] <= strata[key] for key in strata)


def test_allocation_is_proportional_with_the_largest_remainder():
    # quotas 2.06, 4.13, 6.81 → whole parts 2, 4, 6; the seat left goes to C (remainder 0.81)
    assert allocate({"A": 10, "B": 20, "C": 33}, 13) == {"A": 2, "B": 4, "C": 7}
    assert allocate({"1": 96, "2": 96, "3": 48, "4": 12}, 100) == {"1": 38, "2": 38, "3": 19, "4": 5}


def test_the_same_seed_draws_the_same_units():
    frame = {"b1": [f"u{i:03}" for i in range(40)], "b2": [f"v{i:03}" for i in range(25)]}
    allocation = allocate({key: len(units) for key, units in frame.items()}, 20)
    first = draw(frame, allocation, "2026Q4-7731")
    again = draw({key: list(reversed(units)) for key, units in frame.items()}, allocation, "2026Q4-7731")
    assert first == again
    assert {key: len(units) for key, units in first.items()} == allocation
    other = draw(frame, allocation, "another seed")
    assert other != first


def test_the_draw_is_pinned_to_python_random():
    # Written once from random.Random("2026Q4:B1").shuffle(sorted ids): anyone can re-run it.
    assert shuffled(range(10), seed="2026Q4", stratum="B1") == [4, 3, 0, 1, 6, 2, 9, 5, 8, 7]
    assert shuffled(["c", "a", "b"], seed="s", stratum="b") == shuffled(["a", "b", "c"], seed="s", stratum="b")


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 10, 0.0, 0.2775)],
)
def test_wilson_against_newcombe_1998(successes, n, low, high):
    got = wilson(successes, n)
    assert (round(got[0], 4), round(got[1], 4)) == (low, high)


def test_wilson_with_no_answers_is_the_whole_range():
    assert wilson(0, 0) == (0.0, 1.0)


def test_weighted_wilson_with_equal_weights_is_plain_wilson():
    scores = [1.0] * 81 + [0.0] * 182
    mean, low, high, n_eff = wilson_weighted(scores, [3.0] * 263)
    assert round(mean, 4) == round(81 / 263, 4)
    assert n_eff == pytest.approx(263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)


def test_weighted_wilson_with_unequal_weights_uses_the_effective_n():
    # 10 answers weighted 1 (all satisfied), 10 weighted 3 (none): mean 10/40 = 0.25,
    # effective n = 40² / (10 + 90) = 16.
    mean, low, high, n_eff = wilson_weighted([1.0] * 10 + [0.0] * 10, [1.0] * 10 + [3.0] * 10)
    assert mean == pytest.approx(0.25)
    assert n_eff == pytest.approx(16)
    assert (low, high) == pytest.approx(wilson(4, 16))
