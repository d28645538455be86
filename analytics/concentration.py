"""How concentrated customer value is: the 80/20 rule (二八原则), measured exactly.

A metric (revenue, gross profit, customer value in money) is ranked once, largest first, by
:func:`rank_metric`; every measure below reads that ranking, so one sort serves the Pareto curve,
the Gini coefficient, the top-N shares, the HHI and the whale curve alike. The sort is of the
values only (``np.sort``, several times faster than an order of the customers at ten million):
the few customers a curve names are found afterwards (``ordering.positions_at_ranks``).

Conventions, decided once for every measure:

- **Negative values hold no share.** A customer whose returns exceed its purchases, or who loses
  money, is counted at zero in the Pareto curve, the Gini coefficient, the readouts, the top-N
  shares and the HHI: a share of "who brings the value" cannot be negative, and clipping keeps
  Gini within [0, (n-1)/n]. Shares are therefore of the *positive* total. The money lost is not
  hidden: the whale curve (:func:`whale_curve`) uses the signed values.
- **HHI** is the sum of squared percentage shares, 0-10,000, as in antitrust practice
  (10,000 = one customer has everything; below 1,500 unconcentrated, above 2,500 highly
  concentrated in the US merger guidelines).
- **Readouts between whole customers** follow the piecewise-linear curve: exact at whole
  customers, interpolated between them (the top 20% of 7 customers is 1.4 customers).
- **Undefined measures raise** :class:`ConcentrationUndefined` (a ``ValueError``) carrying a
  ``message_key`` in the ``conc.error.*`` translations, so a page can show a sentence instead of a
  figure: no customers, no values for the metric, nothing positive to share out, or (whale curve)
  a total profit that is not positive. Malformed input (partly missing or infinite values,
  out-of-range shares) raises a plain ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.ordering import positions_at_ranks
from analytics.threads import map_on_cores

HHI_SCALE = 10_000.0
DEFAULT_TOP_NS = (1, 5, 10, 20)
DEFAULT_MAX_POINTS = 500
_MIN_POINTS = 10
# Customers between two running totals a RankedMetric keeps: a reading sums at most this many.
_BLOCK = 4096
RISK_LEVELS = ("low", "moderate", "high")


class ConcentrationUndefined(ValueError):
    """A concentration measure has no meaning for this data; ``message_key`` says why to the user."""

    def __init__(self, message_key: str, detail: str):
        super().__init__(detail)
        self.message_key = message_key


@dataclass(frozen=True, eq=False)
class RankedMetric:
    """One metric over all customers, ranked once, largest first.

    The running total (what the top k customers bring) is kept only every ``_BLOCK`` customers and
    finished from the ranked values when read: at ten million customers a full running total of
    each metric would be another 80 MB array to write and hold for a few hundred readings.
    """

    values: np.ndarray
    """The input values, largest first, signed."""
    labels: np.ndarray | pd.api.extensions.ExtensionArray | None
    """Customer names in input order, or None."""
    metric: np.ndarray
    """The input values in input order, to find the customers at given ranks."""
    block_totals: np.ndarray
    """Signed totals of the top 0, ``_BLOCK``, 2 x ``_BLOCK``, ... values (see :func:`_block_totals`)."""
    positive: int
    """Customers with a positive value: a prefix of the ranking."""

    @property
    def n_customers(self) -> int:
        return int(self.values.size)

    @property
    def total(self) -> float:
        """The positive total that shares are taken of."""
        return self.running_total(self.positive)

    def signed_total(self, k: int) -> float:
        """What the top ``k`` customers bring, losses counted."""
        block = min(k // _BLOCK, self.block_totals.size - 1)
        ascending = self.values[::-1]  # np.sort's own array: sums of the reversed view take longer
        n = ascending.size
        return float(self.block_totals[block] + ascending[n - k:n - block * _BLOCK].sum())

    def running_total(self, k: int) -> float:
        """What the top ``k`` customers bring with values clipped at zero (the Pareto curve's sums)."""
        return self.signed_total(min(k, self.positive))

    def first_reaching(self, target: float) -> int:
        """The fewest top customers (at least 1, at most ``positive``) whose running total reaches
        ``target``, a positive total or less."""
        full_blocks = self.positive // _BLOCK
        block = int(np.searchsorted(self.block_totals[1:full_blocks + 1], target, side="left"))
        start, stop = block * _BLOCK, min((block + 1) * _BLOCK, self.positive)
        running = np.cumsum(self.values[start:stop]) + self.block_totals[block]
        return start + min(int(np.searchsorted(running, target, side="left")), stop - start - 1) + 1

    def positions(self, ranks) -> np.ndarray:
        """Input positions of the customers at the 0-based ``ranks`` (0: the largest); equal values
        in input order."""
        return positions_at_ranks(self.metric, self.values, ranks)


@dataclass(frozen=True, eq=False)
class Curve:
    """A cumulative curve reduced to a bounded number of points, for drawing."""

    rank: np.ndarray
    """Customers included at each point, from 0 to n."""
    customer_share: np.ndarray
    """``rank / n``."""
    value_share: np.ndarray
    """Cumulative share of the total at each point."""
    label: np.ndarray | None
    """The customer at that rank (the last one included; "" at the origin), or None."""

    @property
    def n_customers(self) -> int:
        return int(self.rank[-1])

    def share_at(self, customer_share: float) -> float:
        """The curve read at ``customer_share``: exact where the curve was sampled with that mark."""
        return float(np.interp(customer_share, self.customer_share, self.value_share))


@dataclass(frozen=True, eq=False)
class WhaleCurve:
    """Cumulative gross profit, most to least profitable customer, as a share of total profit."""

    curve: Curve
    total_profit: float
    peak_share: float
    """Highest cumulative profit over total profit: 1.35 means 135%; 1.0 when nobody loses money."""
    peak_rank: int
    """Customers included at the peak: the profitable ones."""
    peak_customer_share: float
    loss_makers: int
    """Customers with negative gross profit."""
    profit_destroyed: float
    """Total profit those customers destroy, as a positive amount."""


@dataclass(frozen=True)
class ConcentrationSummary:
    """The headline concentration measures of one metric."""

    n_customers: int
    total: float
    gini: float
    hhi: float
    top_shares: dict[int, float]
    top20_share: float


@dataclass(frozen=True)
class RiskThresholds:
    """When dependency on the largest customers counts as moderate or high; a user may change them."""

    top_n: int = 5
    top_share_moderate: float = 0.25
    top_share_high: float = 0.50
    hhi_moderate: float = 1_500.0
    hhi_high: float = 2_500.0

    def __post_init__(self):
        if not (isinstance(self.top_n, (int, np.integer)) and self.top_n >= 1):
            raise ValueError(f"top_n must be a positive integer, got {self.top_n!r}")
        if not 0.0 <= self.top_share_moderate <= self.top_share_high <= 1.0:
            raise ValueError("need 0 <= top_share_moderate <= top_share_high <= 1")
        if not 0.0 <= self.hhi_moderate <= self.hhi_high <= HHI_SCALE:
            raise ValueError("need 0 <= hhi_moderate <= hhi_high <= 10,000")


@dataclass(frozen=True)
class RiskVerdict:
    """Concentration risk of revenue: the worse of the top-N share level and the HHI level."""

    level: str
    top_n: int
    """Customers counted, at most the number there are."""
    top_share: float
    hhi: float
    top_share_level: str
    hhi_level: str
    thresholds: RiskThresholds = field(repr=False)


def rank_metric(values: Iterable[float], labels: Sequence | None = None) -> RankedMetric:
    """Rank one metric over all customers, largest first, ready for every measure in this module.

    ``labels`` (one name per customer, same order as ``values``) lets curves and top lists name
    customers; a pandas column's ``.array`` is kept as it is (only the names at curve points are read). Raises :class:`ConcentrationUndefined` when there are no customers, when every value
    is missing (e.g. gross profit without cost data), or when no customer has a positive value.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {values.shape}")
    if values.size == 0:
        raise ConcentrationUndefined("conc.error.no_customers", "no customers")
    if not np.isfinite(values).all():
        if np.isnan(values).all():
            raise ConcentrationUndefined("conc.error.missing_metric", "every value is missing")
        raise ValueError("values must be finite; drop or fill missing values first")
    if labels is not None:
        if not isinstance(labels, pd.api.extensions.ExtensionArray):  # a pandas column's array is read as is
            labels = np.asarray(labels, dtype=object)
        if labels.shape != values.shape:
            raise ValueError(f"got {labels.size} labels for {values.size} values")
    ascending = np.sort(values)
    positive = values.size - int(np.searchsorted(ascending, 0.0, side="right"))
    if positive == 0:
        raise ConcentrationUndefined("conc.error.no_positive_total", "no customer has a positive value")
    return RankedMetric(values=ascending[::-1], labels=labels, metric=values,
                        block_totals=_block_totals(ascending), positive=positive)


def _block_totals(ascending: np.ndarray) -> np.ndarray:
    """Signed totals of the top 0, ``_BLOCK``, 2 x ``_BLOCK``, ... values of ``ascending`` (sorted
    smallest first): one sum per block of the largest values, counted from the top, then a running
    total of those few sums."""
    head = ascending.size % _BLOCK  # the smallest values, short of a whole block: summed when read
    block_sums = ascending[head:].reshape(-1, _BLOCK).sum(axis=1)
    totals = np.zeros(block_sums.size + 1)
    np.cumsum(block_sums[::-1], out=totals[1:])
    return totals


def rank_column(table, column: str) -> RankedMetric:
    """One column of a per-customer table (with ``name``) ranked, customers named: the 80/20 view's
    and the report's ranking of revenue, gross profit or value.

    Customers without a value (no cost data in their orders) are left out, so a dataset that
    mixes files with and without cost still shows the profit of those that have it.
    """
    values = table[column].to_numpy(dtype=float)
    labels = table["name"].array  # no conversion of the names to numpy objects
    known = ~np.isnan(values)
    if known.any() and not known.all():
        return rank_metric(values[known], labels=labels[known])
    return rank_metric(values, labels=labels)


def rank_columns(
    table, columns: Iterable[str]
) -> tuple[dict[str, RankedMetric], dict[str, ConcentrationUndefined]]:
    """``rank_column`` of several columns, each on a thread of its own, and why the others cannot be
    ranked. numpy sorts and sums without holding the GIL, so at 10,000,000 customers the 80/20
    view's three metrics take about the time of two sorts on two cores instead of three."""
    columns = list(columns)

    def rank(column: str) -> RankedMetric | ConcentrationUndefined:
        try:
            return rank_column(table, column)
        except ConcentrationUndefined as undefined:
            return undefined

    outcomes = dict(zip(columns, map_on_cores(rank, columns)))
    ranked = {column: outcome for column, outcome in outcomes.items() if isinstance(outcome, RankedMetric)}
    return ranked, {column: outcome for column, outcome in outcomes.items() if column not in ranked}


def gini(ranked: RankedMetric) -> float:
    """Gini coefficient of the clipped values: 0 when all are equal, (n-1)/n when one has everything.

    Exact over all customers. With x the clipped values sorted smallest first (i from 1),
    G = sum((2i - n - 1) x_i) / (n * total); only the positive values, the last p, weigh in, so
    G = ((n - 2p + 1) * total + 2 * sum(j * y_j)) / (n * total) with y the p positive values
    smallest first (j from 0).
    """
    n, p, total = ranked.n_customers, ranked.positive, ranked.total
    weighted = _index_weighted_sum(ranked.values[::-1][n - p:])
    return max(0.0, float(((n - 2 * p + 1) * total + 2.0 * weighted) / (n * total)))


def share_of_top(ranked: RankedMetric, customer_share: float) -> float:
    """Share of the total brought by the top ``customer_share`` (0-1) of customers."""
    _check_share(customer_share, "customer_share")
    position = customer_share * ranked.n_customers
    whole = min(int(position), ranked.n_customers - 1)
    within = (position - whole) * max(ranked.values[whole], 0.0)
    return float((ranked.running_total(whole) + within) / ranked.total)


def customers_for_share(ranked: RankedMetric, value_share: float) -> float:
    """Smallest share of customers (0-1), largest first, that brings ``value_share`` of the total."""
    _check_share(value_share, "value_share")
    target = value_share * ranked.total  # never above the total, so some customer reaches it
    whole = ranked.first_reaching(target) - 1  # the customers before the one that reaches it
    within = min(1.0, (target - ranked.running_total(whole)) / ranked.values[whole])  # a positive value
    return float((whole + max(within, 0.0)) / ranked.n_customers)


def top_n_shares(ranked: RankedMetric, ns: Iterable[int] = DEFAULT_TOP_NS) -> dict[int, float]:
    """Share of the total brought by the ``n`` largest customers, for each ``n`` (all when fewer)."""
    shares = {}
    for n in ns:
        if not (isinstance(n, (int, np.integer)) and n >= 1):
            raise ValueError(f"top-N counts must be positive integers, got {n!r}")
        shares[int(n)] = ranked.running_total(min(n, ranked.n_customers)) / ranked.total
    return shares


def hhi(ranked: RankedMetric) -> float:
    """Herfindahl-Hirschman index of the customers' shares, on the 0-10,000 scale."""
    ascending = ranked.values[::-1]  # np.sort's array: np.dot of the reversed view took ten times as long
    positive = ascending[ranked.n_customers - ranked.positive:]
    return float(HHI_SCALE * np.dot(positive, positive) / ranked.total**2)


def left_out(ranked: RankedMetric) -> tuple[int, float]:
    """Customers with a negative value and what they take away together (a positive amount): the
    shares count them at zero, the whale curve with their sign."""
    negative = int(np.searchsorted(ranked.values[::-1], 0.0, side="left"))
    return negative, ranked.total - ranked.signed_total(ranked.n_customers) if negative else 0.0


def concentration_summary(
    ranked: RankedMetric, ns: Iterable[int] = DEFAULT_TOP_NS
) -> ConcentrationSummary:
    """Gini, HHI, top-N shares and the share of the top 20% of one metric."""
    return ConcentrationSummary(
        n_customers=ranked.n_customers,
        total=ranked.total,
        gini=gini(ranked),
        hhi=hhi(ranked),
        top_shares=top_n_shares(ranked, ns),
        top20_share=share_of_top(ranked, 0.2),
    )


def pareto_curve(
    ranked: RankedMetric, max_points: int = DEFAULT_MAX_POINTS, marks: Iterable[float] = (0.2,)
) -> Curve:
    """Cumulative share of customers against cumulative share of the metric, largest first.

    At most ``max_points`` points, always with both ends and the whole customers on either side of
    each mark (a customer share such as 0.2), so the curve read at a mark is exact.
    """
    n = ranked.n_customers
    ranks = _curve_ranks(n, max_points, _mark_ranks(n, marks))
    return _curve(ranked, ranks, np.array([ranked.running_total(rank) for rank in ranks]) / ranked.total)


def whale_curve(
    ranked: RankedMetric, max_points: int = DEFAULT_MAX_POINTS, marks: Iterable[float] = ()
) -> WhaleCurve:
    """The whale curve of gross profit: where profit is made and where it is given back.

    ``ranked`` must be gross profit with its sign (see :func:`rank_metric`). Raises
    :class:`ConcentrationUndefined` when total profit is not positive, since shares of it mean
    nothing. The curve keeps the peak among its at most ``max_points`` points.
    """
    n = ranked.n_customers
    peak_rank = ranked.positive  # at least 1: rank_metric takes no metric without a positive value
    peak_profit = ranked.total
    total = ranked.signed_total(n)
    if total <= 0.0:
        raise ConcentrationUndefined("conc.error.no_profit", "total gross profit is not positive")
    loss_makers, _ = left_out(ranked)
    ranks = _curve_ranks(n, max_points, np.append(_mark_ranks(n, marks), peak_rank))
    profit = np.array([ranked.signed_total(rank) for rank in ranks])
    return WhaleCurve(
        curve=_curve(ranked, ranks, profit / total),
        total_profit=total,
        peak_share=peak_profit / total,
        peak_rank=peak_rank,
        peak_customer_share=peak_rank / n,
        loss_makers=loss_makers,
        profit_destroyed=peak_profit - total,
    )


def concentration_risk(
    revenue: RankedMetric, thresholds: RiskThresholds | None = None
) -> RiskVerdict:
    """Dependency on the largest customers: their revenue share and the HHI against thresholds.

    The same fact is a strength (large, stable contracts) and a risk (losing one hurts), so the
    verdict is something to watch, not a fault; the overall level is the worse of the two signals.
    """
    thresholds = thresholds or RiskThresholds()
    top_n = min(thresholds.top_n, revenue.n_customers)
    top_share = top_n_shares(revenue, (top_n,))[top_n]
    index = hhi(revenue)
    top_share_level = _level(top_share, thresholds.top_share_moderate, thresholds.top_share_high)
    hhi_level = _level(index, thresholds.hhi_moderate, thresholds.hhi_high)
    return RiskVerdict(
        level=max(top_share_level, hhi_level, key=RISK_LEVELS.index),
        top_n=top_n,
        top_share=top_share,
        hhi=index,
        top_share_level=top_share_level,
        hhi_level=hhi_level,
        thresholds=thresholds,
    )


def _check_share(share: float, name: str) -> None:
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {share!r}")


def _level(value: float, moderate: float, high: float) -> str:
    return "high" if value >= high else "moderate" if value >= moderate else "low"


def _mark_ranks(n: int, marks: Iterable[float]) -> np.ndarray:
    """The whole customers on either side of each mark (a customer share)."""
    ranks = []
    for mark in marks:
        _check_share(mark, "mark")
        ranks += [int(np.floor(mark * n)), int(np.ceil(mark * n))]
    return np.asarray(ranks, dtype=np.int64)


def _curve_ranks(n: int, max_points: int, required: np.ndarray) -> np.ndarray:
    """At most ``max_points`` ranks from 0 to n: the required ones, then half spread evenly and
    half geometrically, so the steep head keeps its individual customers and the tail its shape."""
    if max_points < _MIN_POINTS:
        raise ValueError(f"max_points must be at least {_MIN_POINTS}, got {max_points}")
    if n + 1 <= max_points:
        return np.arange(n + 1)
    required = np.unique(np.concatenate([[0, n], required]).astype(np.int64))
    budget = max_points - required.size
    if budget < 2:
        raise ValueError(f"max_points={max_points} leaves no room beside {required.size} required points")
    even = np.linspace(0, n, budget // 2)
    geometric = np.geomspace(1, n, budget - budget // 2)
    return np.unique(np.concatenate([required, np.rint(even), np.rint(geometric)]).astype(np.int64))


def _index_weighted_sum(values: np.ndarray) -> float:
    """``sum(i * values[i])`` a block of values at a time, with no index array as long as ``values``."""
    head = values.size % _BLOCK
    blocks = values[head:].reshape(-1, _BLOCK)
    # Per block: its sum and its values weighted by their place in it, in one pass (a matrix product).
    weights = np.stack([np.ones(_BLOCK), np.arange(_BLOCK, dtype=float)], axis=1)
    sums, within = (blocks @ weights).T
    starts = head + _BLOCK * np.arange(blocks.shape[0], dtype=float)
    return float(np.dot(values[:head], weights[:head, 1]) + np.dot(starts, sums) + within.sum())


def _curve(ranked: RankedMetric, ranks: np.ndarray, value_share: np.ndarray) -> Curve:
    labels = None
    if ranked.labels is not None:
        labels = np.empty(ranks.size, dtype=object)
        labels[0] = ""
        labels[1:] = ranked.labels[ranked.positions(ranks[1:] - 1)]
    return Curve(rank=ranks, customer_share=ranks / ranked.n_customers, value_share=value_share, label=labels)
