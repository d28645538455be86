"""Value dimensions: what each customer is worth on each dimension, in money, and its 0-100 score.

Every customer gets an amount per dimension, in the dataset's currency, that adds up over customers
(docs/VALUE_MODEL.md):

- economic, realized value (既成价值): gross profit over the analysis window, losses kept
  negative. A customer without cost data in a dataset that has some is valued at its revenue
  times the margin of the costed revenue; a dataset without cost data uses revenue.
- potential value (潜在价值): ``potential_value`` (the lifetime-value model's discounted
  expected gross profit, ``analytics.potential``) when the features carry it. Otherwise the
  growth proxy: next year's revenue if last year's trend holds once more,
  max(revenue of the last 12 months x (1 + growth), 0), at the customer's margin.
- influence value (影响价值): referrals x a value per referral, an explicit assumption that
  defaults to the average realized value of a customer new in the last year (never below 0).
- rated dimensions (strategic, social, satisfaction, profit per head): each gets the same pool
  of money as the economic dimension, the total realized value, shared out in proportion to
  the rating. Profit per head of the account team counts from zero: a loss-making customer
  supports nobody's work, and its loss already stands in its realized value.

Why the pool rule: a rating has no price of its own, but the strategist's weights say how much
it matters next to realized profit. Giving a rated dimension the same pool makes a weight mean
the same on every dimension: with weight share w on an evenly spread rating, every customer's
value moves w of the way towards the average customer's, which is exactly how much the
strategist asked to even value out; on a concentrated rating it concentrates value as much.
Ratings move money between customers but create none (each rated dimension sums to the pool),
totals stay meaningful, and raising a customer's gross profit never lowers its value (the pool
grows with it). When the total realized value is not positive there is no pool, and the rated
dimensions are switched off with that reason.

A customer without a figure for a dimension (no rating, say) gets the average figure of the
customers that have one: unknown counts as average, and neither lifts nor sinks it.

Scores (0-100): per dimension, the percentile rank of the figure the money is drawn from
(realized value, potential value, referrals, rating, profit per head); a customer without a
figure scores a neutral 50. They explain a customer's place and are never summed or shared.

Each dimension is one declaration in ``DIMENSION_TABLE``: its name, the feature columns it is
drawn from, the reason it is switched off when they give nothing, how its figure becomes money,
and, unless the figure is its one column as it is, the function that computes the figure.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from analytics.money import MONEY_EPSILON
from analytics.ordering import MIDDLE_PERCENTILE, Scratch, customer_id_order, percentile_scores
from analytics.threads import map_on_cores, mapped_empty

# A customer without data for a dimension gets the middle score: unknown counts as average.
NEUTRAL_SCORE = MIDDLE_PERCENTILE
# A customer is new for the default value per referral when its first order is this recent.
NEW_CUSTOMER_DAYS = 365
# Rows _row_mean works on at a time: its temporaries (512 KB each) stay in cache.
_ROW_BLOCK = 1 << 16

# How a dimension's figure becomes money.
AMOUNT = "amount"  # the figure is money already
PER_REFERRAL = "per_referral"  # the figure (referrals) times the value per referral
POOL = "pool"  # the figure shares out the pool, the customers' total realized value
SCORINGS = (AMOUNT, PER_REFERRAL, POOL)

# Reason codes besides each dimension's own (the UI shows ``value.reason.<code>``): no revenue,
# so nothing to value; no cost data; no positive realized value to pool; no customer with a
# positive figure to share the pool by.
NO_REVENUE, NO_COST_DATA = "no_revenue", "no_cost_data"
NO_POOL, NOTHING_TO_SHARE_BY = "no_realized_value", "nothing_to_share_by"


@dataclass(frozen=True)
class Unavailable:
    """A dimension (``source`` is None) or one source of a dimension that has no data."""

    dimension: str
    source: str | None
    reason: str


@dataclass(frozen=True)
class Figure:
    """What a dimension measures per customer (NaN where unknown) and the sources it came from.

    ``values`` is None when the sources give nothing; ``reason`` then overrides the dimension's
    own. ``missing_sources`` are (source, reason) pairs of declared sources without data while
    the dimension stays on with the others.
    """

    values: np.ndarray | None
    sources: tuple[str, ...] = ()
    missing_sources: tuple[tuple[str, str], ...] = ()
    reason: str | None = None


class _Columns:
    """The features' numeric columns as floats in customer_id order, each read once (no frame
    copies; a float column in order is read as it is, never written to)."""

    def __init__(self, features: pd.DataFrame, order: np.ndarray | None):
        self._features, self._order, self._read = features, order, {}
        self._reading = threading.Lock()  # dimensions measure their figures on threads

    def __call__(self, name: str) -> np.ndarray | None:
        """A column as floats, or None when it is absent or has no value at all."""
        with self._reading:
            return self._read_once(name)

    def plain(self, name: str) -> np.ndarray | None:
        """A column of numpy ints or floats as it is stored, in customer_id order: enough to compare
        with, without a float copy of it (80 MB at 10M customers). Other columns as ``__call__``."""
        column = self._features[name] if name in self._features.columns else None
        if column is None or not isinstance(column.dtype, np.dtype) or column.dtype.kind not in "iuf":
            return self(name)
        values = column.to_numpy()
        return values if self._order is None else values[self._order]

    def _read_once(self, name: str) -> np.ndarray | None:
        if name not in self._read:
            values = None
            if name in self._features.columns:
                column = self._features[name]
                if not pd.api.types.is_numeric_dtype(column):
                    column = pd.to_numeric(column, errors="coerce")
                values = column.to_numpy(dtype=float)
                values = values if self._order is None else values[self._order]
                values = None if np.isnan(values).all() else values
            self._read[name] = values
        return self._read[name]


@dataclass(frozen=True, eq=False)
class _Data:
    """What figures are computed from: the features' columns and each customer's realized value."""

    columns: _Columns
    realized: np.ndarray
    realized_measure: str

    def column(self, name: str) -> np.ndarray | None:
        return self.columns(name)


@dataclass(frozen=True)
class Dimension:
    """One value dimension: its ``sources`` (feature columns), ``empty_reason`` (reason code when
    they give nothing), ``scoring`` (one of ``SCORINGS``) and ``figure`` (None: the mean of the
    sources that have data, for one source the column itself)."""

    name: str
    sources: tuple[str, ...]
    empty_reason: str
    scoring: str
    figure: Callable[[Dimension, _Data], Figure] | None = None

    def __post_init__(self):
        if self.scoring not in SCORINGS:
            raise ValueError(f"unknown scoring {self.scoring!r}; expected one of {SCORINGS}")

    def measure(self, data: _Data) -> Figure:
        return (self.figure or _mean_of_sources)(self, data)


def _mean_of_sources(dimension: Dimension, data: _Data) -> Figure:
    """The sources' mean per customer over those it has, reporting sources without data."""
    present = {source: data.column(source) for source in dimension.sources}
    present = {source: values for source, values in present.items() if values is not None}
    if not present:
        return Figure(None)
    missing = tuple((source, dimension.empty_reason) for source in dimension.sources if source not in present)
    values = next(iter(present.values())) if len(present) == 1 else _row_mean(list(present.values()))
    return Figure(values, tuple(present), missing)


def _realized_figure(dimension: Dimension, data: _Data) -> Figure:
    """Realized value (``_realized_value``); without cost data, revenue, and gross profit is reported missing."""
    missing = (("gross_profit", NO_COST_DATA),) if data.realized_measure == "revenue" else ()
    return Figure(data.realized, (data.realized_measure,), missing)


def _potential_figure(dimension: Dimension, data: _Data) -> Figure:
    """The lifetime-value model's potential value, else the growth proxy (see the module docstring)."""
    model_value = data.column("potential_value")
    if model_value is not None:
        return Figure(model_value, ("potential_value",))
    growth, last_year, revenue = (data.column(column) for column in ("growth", "revenue_last_12m", "revenue"))
    if growth is None or last_year is None or revenue is None:
        return Figure(None)
    next_year = np.maximum(np.nan_to_num(last_year) * (1 + np.nan_to_num(growth)), 0.0)
    return Figure(next_year * _margins(np.nan_to_num(revenue), data.realized), ("growth",))


def _profit_per_head(dimension: Dimension, data: _Data) -> Figure:
    """Gross profit per person of the account team (NaN without a team); needs cost data."""
    if data.realized_measure != "gross_profit":
        return Figure(None, reason=NO_COST_DATA)
    team_size = data.column("account_team_size")
    if team_size is None:
        return Figure(None)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_head = np.divide(data.realized, team_size)  # in place below: one 10M-row array, not two
    _put(per_head, ~(team_size > 0), np.nan)
    return Figure(per_head, dimension.sources)


DIMENSION_TABLE = (
    Dimension("economic", ("gross_profit", "revenue"), NO_REVENUE, AMOUNT, _realized_figure),
    Dimension("potential", ("potential_value", "growth", "revenue_last_12m", "revenue"), "no_growth_history",
              AMOUNT, _potential_figure),
    Dimension("influence", ("referrals",), "no_referrals", PER_REFERRAL),
    Dimension("strategic", ("channel_strength", "industry_expansion", "new_product_pilot"), "no_strategic_ratings",
              POOL),
    Dimension("social", ("brand_influence",), "no_brand_rating", POOL),
    Dimension("per_head", ("gross_profit", "account_team_size"), "no_team_size", POOL, _profit_per_head),
    Dimension("satisfaction", ("satisfaction",), "no_satisfaction", POOL),
)
DIMENSIONS = tuple(dimension.name for dimension in DIMENSION_TABLE)
RATED_DIMENSIONS = tuple(dimension.name for dimension in DIMENSION_TABLE if dimension.scoring == POOL)
REASONS = tuple(dict.fromkeys([NO_REVENUE, NO_COST_DATA, *(d.empty_reason for d in DIMENSION_TABLE),
                               NO_POOL, NOTHING_TO_SHARE_BY]))


@dataclass(frozen=True, eq=False)
class DimensionScores:
    """Per-customer money and 0-100 scores of the available dimensions, computed once per dataset.

    ``money[i, j]`` is customer ``customer_ids[i]``'s value in money on ``dimensions[j]`` and
    ``matrix[i, j]`` its score there, ``NEUTRAL_SCORE`` where ``missing[i, j]`` (no data of its
    own: its money is then the average). ``realized_measure`` says what realized value is
    (``gross_profit`` or ``revenue``), ``estimated_realized`` how many customers without cost data
    were valued at the pooled margin, ``pool`` the total realized value the rated dimensions share
    out, ``referral_value`` the money per referral in use (None without referral data) and
    ``default_referral_value`` what it is unless the user sets it.
    """

    customer_ids: pd.api.extensions.ExtensionArray  # Arrow-backed str, ascending
    dimensions: tuple[str, ...]
    money: np.ndarray
    matrix: np.ndarray
    missing: np.ndarray
    sources: Mapping[str, tuple[str, ...]]
    unavailable: tuple[Unavailable, ...]
    realized_measure: str | None
    estimated_realized: int
    pool: float
    referral_value: float | None
    default_referral_value: float | None

    @property
    def n_customers(self) -> int:
        return len(self.customer_ids)

    @property
    def unavailable_dimensions(self) -> tuple[str, ...]:
        return tuple(item.dimension for item in self.unavailable if item.source is None)

    @property
    def potential_source(self) -> str | None:
        """``potential_value`` (model-based), ``growth`` (the proxy), or None when unavailable."""
        sources = self.sources.get("potential")
        return sources[0] if sources else None


def dimension_scores(features: pd.DataFrame, referral_value: float | None = None) -> DimensionScores:
    """Money and scores of every customer on every dimension that has data (see the module
    docstring; docs/CONTRACTS.md for the feature columns).

    ``referral_value`` is the money per referral; None uses the default (``_default_referral_value``).
    Dimensions or sources without data are switched off and listed in ``unavailable`` with a
    reason code, never valued at zero.
    """
    if referral_value is not None and not (math.isfinite(referral_value) and referral_value >= 0):
        raise ValueError(f"the value per referral must be a finite amount >= 0, got {referral_value!r}")
    customer_ids, order = customer_id_order(features)
    columns = _Columns(features, order)
    n = len(customer_ids)
    realized, realized_measure, estimated = _realized_value(columns)
    pool = 0.0 if realized is None else float(realized.sum())
    data = None if realized is None else _Data(columns, realized, realized_measure)

    # Filled straight into (dimensions x customers) arrays handed out transposed: a customer per
    # row, each dimension's column contiguous (Fortran order), with no copy. A row per declared
    # dimension; the rows of dimensions switched off are dropped after (memory never written takes
    # none). money and scores are written by threads: mapped here first (threads.mapped_empty).
    rows = (len(DIMENSION_TABLE), n)
    money, matrix = (mapped_empty(rows[0] * rows[1]).reshape(rows) for _ in range(2))
    missing = np.empty(rows, dtype=bool)
    threads = threading.local()  # each thread's work arrays, reused from one dimension to the next

    def value(row: int) -> tuple[Figure, bool, str | None]:
        """A dimension's figure, whether it has data, and why it gives no money (None when it gives
        some: its money and scores are then in its rows)."""
        dimension = DIMENSION_TABLE[row]
        figure = dimension.measure(data)
        if figure.values is None or np.isnan(figure.values, out=missing[row]).all():
            return figure, False, figure.reason or dimension.empty_reason
        reason = _no_money_reason(dimension.scoring, figure.values, pool)
        if reason is None:
            _money(dimension.scoring, figure.values, missing[row], pool, money[row])
            threads.scratch = getattr(threads, "scratch", None) or Scratch()
            percentile_scores(figure.values, out=matrix[row], scratch=threads.scratch, unknown_score=NEUTRAL_SCORE)
        return figure, True, reason

    # Each dimension on a thread of its own, the default value per referral beside them
    # (analytics/threads.py): at 10,000,000 customers the passes over the columns take most of the time.
    outcomes, default_value = [], None
    if data:
        *outcomes, default_value = map_on_cores(lambda task: task(), [
            *(partial(value, row) for row in range(len(DIMENSION_TABLE))),
            partial(_default_referral_value, columns, realized)])
    value_per_referral = default_value if referral_value is None else referral_value
    used: list[tuple[Dimension, Figure]] = []
    unavailable = [Unavailable(dimension.name, None, NO_REVENUE) for dimension in DIMENSION_TABLE] if not data else []
    for row, (dimension, (figure, has_data, reason)) in enumerate(zip(DIMENSION_TABLE, outcomes)):
        if reason is not None:
            unavailable.append(Unavailable(dimension.name, None, reason))
        else:
            if dimension.scoring == PER_REFERRAL:  # priced here, once the default value is known
                money[row] *= value_per_referral
            if row != len(used):  # a dimension before it is switched off: its rows move up
                for array in (money, matrix, missing):
                    array[len(used)] = array[row]
            used.append((dimension, figure))
        if has_data:
            unavailable.extend(Unavailable(dimension.name, source, why) for source, why in figure.missing_sources)
    money, matrix, missing = money[:len(used)].T, matrix[:len(used)].T, missing[:len(used)].T
    for array in (money, matrix, missing):  # shared read-only by every session (ui/cache.py)
        array.flags.writeable = False
    priced = any(dimension.scoring == PER_REFERRAL for dimension, _ in used)
    return DimensionScores(
        customer_ids=customer_ids,
        dimensions=tuple(dimension.name for dimension, _ in used),
        money=money,
        matrix=matrix,
        missing=missing,
        sources={dimension.name: figure.sources for dimension, figure in used},
        unavailable=tuple(unavailable),
        realized_measure=realized_measure,
        estimated_realized=estimated,
        pool=pool,
        referral_value=float(value_per_referral) if priced else None,
        default_referral_value=default_value,
    )


def _no_money_reason(scoring: str, figure: np.ndarray, pool: float) -> str | None:
    """Why a dimension's figure gives no money (a reason code), or None when it gives some: a pool
    dimension needs a pool to share and a customer with a positive figure to share it by."""
    if scoring != POOL:
        return None
    if pool <= 0:
        return NO_POOL
    return None if (figure > 0).any() else NOTHING_TO_SHARE_BY


def _money(scoring: str, figure: np.ndarray, unknown: np.ndarray, pool: float, out: np.ndarray) -> None:
    """A dimension's money per customer from its figure (NaN where ``unknown``), written to ``out``
    in place (a 10M-row temporary costs as much as the step); ``_no_money_reason`` said it has some.
    A ``PER_REFERRAL`` figure is left in referrals, to be priced by the caller."""
    if scoring == POOL:
        np.maximum(figure, 0.0, out=out)  # ratings are >= 0; profit per head counts from 0
    else:
        np.copyto(out, figure)
    _fill(out, unknown)
    if scoring == POOL:
        total = out.sum()
        out *= pool  # pool * share / total, as the sums go
        out /= total


def _realized_value(columns: _Columns) -> tuple[np.ndarray | None, str | None, int]:
    """Realized value per customer, what it is measured in, and how many customers were estimated.

    Gross profit where known; revenue x the margin of the costed revenue for customers without
    cost data; revenue when nobody has cost data. None when there is no revenue either.
    """
    gross_profit, revenue = columns("gross_profit"), columns("revenue")
    if gross_profit is None:
        return (None, None, 0) if revenue is None else (np.nan_to_num(revenue), "revenue", 0)
    if np.isfinite(gross_profit).all():  # every customer costed: the column itself (read, never written)
        return gross_profit, "gross_profit", 0
    unknown = np.isnan(gross_profit)
    if not unknown.any() or revenue is None:
        return np.nan_to_num(gross_profit), "gross_profit", 0
    costed = ~unknown & ~np.isnan(revenue)
    costed_revenue = revenue[costed].sum()
    margin = gross_profit[costed].sum() / costed_revenue if costed_revenue > 0 else 0.0
    estimated = np.where(unknown, revenue * margin, gross_profit)
    return np.nan_to_num(estimated), "gross_profit", int(np.count_nonzero(unknown & ~np.isnan(revenue)))


def _margins(revenue: np.ndarray, realized: np.ndarray) -> np.ndarray:
    """Realized value per unit of revenue of each customer; the pooled one where its revenue is not
    positive (below half a cent: ``MONEY_EPSILON``)."""
    total_revenue = revenue.sum()
    pooled = realized.sum() / total_revenue if total_revenue > MONEY_EPSILON else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(revenue > MONEY_EPSILON, realized / revenue, pooled)


def _default_referral_value(columns: _Columns, realized: np.ndarray) -> float:
    """The average realized value of a customer whose first order is at most ``NEW_CUSTOMER_DAYS``
    old (of every customer when there is none, or no tenure), never below 0: what a referral that
    becomes a customer is worth in its first year, as a default assumption. Summed a block of rows
    at a time with ``_bit_mask`` (picking the new customers out with ``realized[new]`` branches per row)."""
    tenure = columns.plain("tenure_days")
    new_customers, their_total = 0, 0.0
    if tenure is not None:
        mask, picked = np.empty(min(_ROW_BLOCK, realized.size), dtype=np.int64), np.empty(min(_ROW_BLOCK, realized.size))
        for start in range(0, realized.size, _ROW_BLOCK):
            new = tenure[start:start + _ROW_BLOCK] <= NEW_CUSTOMER_DAYS
            new_customers += np.count_nonzero(new)
            their_total += float(_kept(realized[start:start + _ROW_BLOCK], new, mask, picked).sum())
    if new_customers:
        return max(their_total / new_customers, 0.0)
    return max(float(realized.mean()), 0.0) if len(realized) else 0.0


def _fill(values: np.ndarray, unknown: np.ndarray) -> None:
    """Missing figures replaced, in place, by the average of the known ones (unknown counts as
    average). Summed with the unknown set to 0 first: no copy of the known ones."""
    missing = np.count_nonzero(unknown)
    if missing:
        _put(values, unknown, 0.0)
        _put(values, unknown, values.sum() / (values.size - missing))


def _bit_mask(flags: np.ndarray, out: np.ndarray) -> np.ndarray:
    """All 64 bits set where ``flags`` is true, none where it is false: floats picked by a bitwise
    and, with no branch per row. numpy's masked copies (``np.where``, ``np.copyto(where=)``) branch
    per row and take 35 ms over 10M rows when 40% of them are picked; this takes a quarter of that."""
    np.copyto(out, flags, casting="unsafe")
    return np.negative(out, out=out)


def _kept(values: np.ndarray, keep: np.ndarray, mask: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``values`` where ``keep``, +0.0 elsewhere, in ``out`` (``mask`` is ``_bit_mask``'s work array;
    both at least as long as ``values``)."""
    picked = _bit_mask(keep, mask[:values.size])
    return np.bitwise_and(values.view(np.int64), picked, out=out[:values.size].view(np.int64)).view(float)


def _put(values: np.ndarray, where: np.ndarray, value: float) -> None:
    """``np.copyto(values, value, where=where)``, a block of rows at a time with ``_bit_mask``."""
    bits, value_bits = values.view(np.int64), np.float64(value).view(np.int64)
    mask, change = np.empty((2, min(_ROW_BLOCK, values.size)), dtype=np.int64)
    for start in range(0, values.size, _ROW_BLOCK):
        block = bits[start:start + _ROW_BLOCK]
        picked = _bit_mask(where[start:start + _ROW_BLOCK], mask[:block.size])
        flips = np.bitwise_xor(block, value_bits, out=change[:block.size])
        flips &= picked
        block ^= flips  # the value's bits where picked, the block's own elsewhere


def _row_mean(columns: list[np.ndarray]) -> np.ndarray:
    """Per-row mean over the non-NaN entries; NaN where a row has none. Summed a column at a
    time, in the columns' order, as a row sum would (no stacked copy), a block of rows at a time
    (its temporaries stay in cache), a NaN counted as +0.0 by ``_bit_mask``: 10M rows of three
    ratings in 0.05 s instead of 0.17 s."""
    n = len(columns[0])
    means = np.empty(n)
    mask, known = np.empty(min(_ROW_BLOCK, n), dtype=np.int64), np.empty(min(_ROW_BLOCK, n))
    for start in range(0, n, _ROW_BLOCK):
        stop = min(start + _ROW_BLOCK, n)
        totals, counts = np.zeros(stop - start), np.zeros(stop - start)
        for column in columns:
            block = column[start:stop]
            present = block == block  # not NaN
            counts += present
            totals += _kept(block, present, mask, known)
        with np.errstate(invalid="ignore"):  # no value in the row: 0 / 0 is its NaN
            np.divide(totals, counts, out=means[start:stop])
    return means

