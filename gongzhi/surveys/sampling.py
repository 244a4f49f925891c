"""The survey's statistics as pure functions (no Django), so anyone can re-run them: the sample
size with the finite-population correction, proportional allocation over strata by the largest
remainder, a deterministic draw from a recorded seed, and Wilson score intervals (plain and with
design weights). Definitions: docs/metrics.md, "Satisfaction surveys"."""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from statistics import NormalDist

Z95 = 1.959964


def z_for(confidence: float) -> float:
    """The two-sided standard-normal quantile for a confidence level (0.95 → 1.959964)."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def initial_size(*, confidence: float = 0.95, margin: float = 0.05, p: float = 0.5) -> float:
    """n₀ = z²·p(1−p)/e², unrounded (384.15 at 95 %, ±5 %, p = 0.5)."""
    if not 0 < margin < 1:
        raise ValueError("margin must be between 0 and 1")
    if not 0 < p < 1:
        raise ValueError("p must be between 0 and 1")
    z = z_for(confidence)
    return z * z * p * (1 - p) / (margin * margin)


def sample_size(
    population: int, *, confidence: float = 0.95, margin: float = 0.05, p: float = 0.5, floor: int = 30
) -> int:
    """The number of units to sample from a frame of `population` units: n = n₀ / (1 + (n₀ − 1)/N)
    rounded up, at least `floor` and at most N (everyone in a very small frame)."""
    if population < 0:
        raise ValueError("population must not be negative")
    if population == 0:
        return 0
    n0 = initial_size(confidence=confidence, margin=margin, p=p)
    n = n0 / (1 + (n0 - 1) / population)
    # Rounding up; the tolerance keeps an exact whole number from becoming the next one by float noise.
    size = math.ceil(n - 1e-9)
    return min(population, max(floor, size))


def allocate(strata: Mapping[Hashable, int], n: int) -> dict[Hashable, int]:
    """Share `n` over strata in proportion to their sizes by the largest remainder (Hamilton): each
    stratum gets the whole part of its quota, the seats left go to the largest fractional parts (ties:
    the larger stratum, then the key's order). No stratum gets more than its size; what a full stratum
    cannot take is shared again over the others. The result sums to n (at most the frame's size)."""
    sizes = {key: int(size) for key, size in strata.items()}
    if any(size < 0 for size in sizes.values()):
        raise ValueError("stratum sizes must not be negative")
    total = sum(sizes.values())
    if n < 0:
        raise ValueError("n must not be negative")
    n = min(n, total)
    result = {key: 0 for key in sizes}
    open_keys = [key for key in sizes if sizes[key] > 0]
    remaining = n
    while remaining > 0 and open_keys:
        room = {key: sizes[key] - result[key] for key in open_keys}
        weight = sum(room.values())
        quotas = {key: Fraction(remaining * room[key], weight) for key in open_keys}
        given = {key: min(room[key], math.floor(quotas[key])) for key in open_keys}
        left = remaining - sum(given.values())
        order = sorted(open_keys, key=lambda key: (-(quotas[key] - math.floor(quotas[key])), -room[key], str(key)))
        for key in order:
            if left == 0:
                break
            if given[key] < room[key]:
                given[key] += 1
                left -= 1
        for key in open_keys:
            result[key] += given[key]
        remaining = left
        open_keys = [key for key in open_keys if result[key] < sizes[key]]
    return result


def shuffled(units: Iterable, *, seed: str, stratum: Hashable) -> list:
    """One stratum's units in the seed's order: sorted, then shuffled by random.Random(f"{seed}:{stratum}").
    The first units are the sample; the rest, in this order, is the stratum's reserve list."""
    ordered = sorted(units)
    rng = random.Random(f"{seed}:{stratum}")
    rng.shuffle(ordered)
    return ordered


def draw(frame: Mapping[Hashable, Sequence], allocation: Mapping[Hashable, int], seed: str) -> dict[Hashable, list]:
    """The sample: for each stratum, the first `allocation[stratum]` units of its seed order. The same
    frame, allocation and seed always draw the same units."""
    sample = {}
    for stratum, units in frame.items():
        k = allocation.get(stratum, 0)
        if k > len(units):
            raise ValueError(f"stratum {stratum!r} has {len(units)} units, {k} allocated")
        sample[stratum] = shuffled(units, seed=seed, stratum=stratum)[:k]
    return sample


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion successes/n (Newcombe 1998, method 3). With n = 0 the
    interval is the whole of (0, 1). Successes may be fractional (a mean of scores in [0, 1], for which
    the interval is conservative since such a score's variance is at most p(1 − p))."""
    if n <= 0:
        return (0.0, 1.0)
    if successes < 0 or successes > n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denominator = 1 + z2 / n
    low = max(0.0, (centre - spread) / denominator)
    high = min(1.0, (centre + spread) / denominator)
    return (low, high)


def weighted_mean(scores: Sequence[float], weights: Sequence[float]) -> tuple[float, float]:
    """The design-weighted mean of scores and Kish's effective sample size (Σw)²/Σw²."""
    if len(scores) != len(weights):
        raise ValueError("one weight per score")
    total = sum(weights)
    if not scores or total <= 0:
        return (0.0, 0.0)
    mean = sum(s * w for s, w in zip(scores, weights, strict=True)) / total
    n_eff = total * total / sum(w * w for w in weights)
    return (mean, n_eff)


def wilson_weighted(
    scores: Sequence[float], weights: Sequence[float], z: float = Z95
) -> tuple[float, float, float, float]:
    """The weighted mean of scores in [0, 1] with its Wilson interval on the effective sample size:
    (mean, low, high, effective n). With equal weights this is the plain Wilson interval."""
    mean, n_eff = weighted_mean(scores, weights)
    if n_eff == 0:
        return (0.0, 0.0, 1.0, 0.0)
    mean = min(1.0, max(0.0, mean))
    low, high = wilson(mean * n_eff, n_eff, z)
    return (mean, low, high, n_eff)
