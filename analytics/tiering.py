"""S/A/B/C tiers from customer values in money, in linear time.

Two grading criteria (docs/VALUE_MODEL.md):

- ``by_customer_share``: customers ranked by value; S is the top 5%, A the next 15%, B the next
  30%, C the rest (by default).
- ``by_value_share``: an ABC analysis on the cumulative value. S is the fewest top customers whose
  values add up to 50% of the total value, S+A to 80%, S+A+B to 95%; C holds the rest (by default).
  The total is the net total, losses included, so the shares shown next to the tiers add up to
  100%; when it is not positive, nobody holds a share of it and every customer is C.

Equal values are ordered by position (pass values in customer_id order for a customer_id
tie-break), so tiers are deterministic. Neither method sorts all customers: a weight change
re-tiers ten million customers in well under a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

TIERS = ("S", "A", "B", "C")
TIER_METHODS = ("by_customer_share", "by_value_share")
# Shares of S, A and B; C takes the rest.
DEFAULT_SHARES = {
    "by_customer_share": {"S": 0.05, "A": 0.15, "B": 0.30},
    "by_value_share": {"S": 0.50, "A": 0.30, "B": 0.15},
}
# Bins of the value-share search: enough that even a heavy tail leaves few customers in the bin
# where a share is reached, which is then sorted (or binned again when it is still large).
_BINS = 1 << 16
_SORT_AT_MOST = 4096


@dataclass(frozen=True, eq=False)
class Tiering:
    """Tier per customer (``codes``: 0=S .. 3=C) and the cut-offs that produced it."""

    codes: np.ndarray
    method: str
    shares: Mapping[str, float]
    cutoffs: pd.DataFrame

    @property
    def labels(self) -> np.ndarray:
        return np.asarray(TIERS)[self.codes]


def assign_tiers(values, method: str = "by_customer_share", shares: Mapping[str, float] | None = None) -> Tiering:
    """Cut customers ordered by value (descending) into S/A/B/C.

    ``shares`` gives the S, A and B shares (C is the rest) of customers or of total value,
    depending on ``method``; see ``DEFAULT_SHARES``. The cut-offs table gives per tier the
    customers, their value, the shares of customers and of the net total value (NaN when that
    total is not positive) and the lowest value in the tier (its cut-off).
    """
    values = np.asarray(values, dtype=float)
    total_value = values.sum() if values.ndim == 1 else np.nan
    if not np.isfinite(total_value):  # a NaN or infinite value makes the total so
        raise ValueError("values must be a 1-d array of finite numbers")
    shares = _validate_shares(method, shares)
    n = len(values)
    cumulative = np.cumsum([shares[tier] for tier in TIERS[:-1]])

    if method == "by_customer_share":
        ends = np.minimum(np.ceil(np.round(cumulative * n, 9)).astype(np.int64), n)
        kth = sorted({n - int(e) for e in ends if e > 0})  # ascending position of the value at end - 1
        partitioned = np.partition(values, kth) if kth else values
        thresholds = [partitioned[n - int(e)] if e > 0 else np.inf for e in ends]
    elif total_value > 0:
        ends, thresholds = _value_share_ends(values, cumulative * total_value)
    else:
        ends, thresholds = np.zeros(3, dtype=np.int64), [np.inf] * 3

    codes = np.full(n, len(TIERS) - 1, dtype=np.int8)
    for end, threshold in zip(ends, thresholds):
        codes -= _top_mask(values, int(end), threshold)  # each boundary a customer is above moves it up a tier

    counts = np.diff(np.concatenate([[0], ends, [n]]))
    lowest = [*thresholds, values.min() if n else np.nan]
    tier_value = np.bincount(codes, weights=values, minlength=len(TIERS))
    cutoffs = pd.DataFrame({
        "tier": list(TIERS),
        "customers": counts,
        "customer_share": counts / n if n else np.zeros(len(TIERS)),
        "value": tier_value,
        "value_share": tier_value / total_value if total_value > 0 else np.full(len(TIERS), np.nan),
        "min_value": [low if count else np.nan for low, count in zip(lowest, counts)],
    })
    return Tiering(codes=codes, method=method, shares=shares, cutoffs=cutoffs)


def _top_mask(values: np.ndarray, count: int, threshold: float) -> np.ndarray:
    """True for the first ``count`` customers by value descending, then by position;
    ``threshold`` is the value of the last of them."""
    if count <= 0:
        return np.zeros(len(values), dtype=bool)
    above = values > threshold
    missing = count - np.count_nonzero(above)
    if missing:  # the customers valued at the threshold, first by position
        above[np.flatnonzero(values == threshold)[:missing]] = True
    return above


def _value_share_ends(values: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """For each target amount, the fewest top customers whose values add up to it, and the value
    of the last of them.

    Targets lie within the net total, which the positive values reach before any value at or
    below zero is needed, so only positive values are searched. Linear time: values are binned
    from the top (one pass shared by the targets), per-bin sums locate the bin where each target
    is reached, and that bin alone is sorted, or binned again while it is large.
    """
    positive = values[values > 0]
    index, bin_sums, bin_counts = _binned_from_top(positive)
    ends, thresholds = np.zeros(len(targets), dtype=np.int64), []
    for j, target in enumerate(targets):
        ends[j], threshold = _fewest_reaching(positive, target * (1 - 1e-12), index, bin_sums, bin_counts)
        thresholds.append(threshold)
    return ends, thresholds


def _binned_from_top(values: np.ndarray):
    """``_BINS`` equal-width bins from the largest value down (bin 0 holds the top): each value's
    bin and the running sums and counts per bin; None for all three when every value is equal."""
    highest, lowest = (values.max(), values.min()) if len(values) else (0.0, 0.0)
    if highest == lowest:
        return None, None, None
    scale = _BINS / (highest - lowest) * (1 - 1e-12)  # the lowest value lands in the last bin, not past it
    below_top = np.subtract(highest, values)
    below_top *= scale  # in place: at ten million customers every temporary array costs
    index = below_top.astype(np.intp)
    bin_sums = np.cumsum(np.bincount(index, weights=values, minlength=_BINS))
    bin_counts = np.cumsum(np.bincount(index, minlength=_BINS))
    return index, bin_sums, bin_counts


def _fewest_reaching(values: np.ndarray, target: float, index, bin_sums, bin_counts) -> tuple[int, float]:
    """The fewest of the largest ``values`` (all positive) adding up to ``target`` and the value of
    the last of them, given their first binning; refines the crossing bin until it can be sorted
    or holds one repeated value."""
    count_before, sum_before = 0, 0.0
    candidates = values
    while True:
        if len(candidates) <= _SORT_AT_MOST:
            descending = np.sort(candidates)[::-1]
            reached = min(int(np.searchsorted(sum_before + np.cumsum(descending), target)) + 1, len(descending))
            return count_before + reached, float(descending[reached - 1])
        if index is None:  # one repeated value: count how many are needed
            needed = int(np.ceil((target - sum_before) / candidates[0] - 1e-9))
            return count_before + min(max(needed, 1), len(candidates)), float(candidates[0])
        crossing = min(int(np.searchsorted(sum_before + bin_sums, target)), _BINS - 1)
        if crossing:
            count_before += int(bin_counts[crossing - 1])
            sum_before += float(bin_sums[crossing - 1])
        candidates = candidates[index == crossing]
        index, bin_sums, bin_counts = _binned_from_top(candidates)


def _validate_shares(method: str, shares: Mapping[str, float] | None) -> dict[str, float]:
    if method not in TIER_METHODS:
        raise ValueError(f"unknown tier method {method!r}; expected one of {TIER_METHODS}")
    if shares is None:
        return dict(DEFAULT_SHARES[method])
    if set(shares) != set(TIERS[:-1]):
        raise ValueError(f"shares need exactly the keys {TIERS[:-1]} (C is the rest), got {sorted(shares)}")
    checked = {tier: float(shares[tier]) for tier in TIERS[:-1]}
    if any(not 0 <= share <= 1 for share in checked.values()) or sum(checked.values()) > 1 + 1e-9:
        raise ValueError(f"shares must be in [0, 1] and add up to at most 1, got {checked}")
    return checked
