"""The customer value model: each customer's value in money under the strategist's weights, its
value score, tiers, and the tables and explanations the pages show.

Three steps (docs/VALUE_MODEL.md): choose the value dimensions that matter for the strategy now
(weights, with presets per strategic stage in ``analytics.presets``), set the grading criteria
(``analytics.tiering``), attach a strategy per tier (``analytics.strategy``).

A customer's value is the weighted mean of its money on the available dimensions
(``analytics.dimensions``; weights renormalized over those), so it is money too and every share,
pyramid, Lorenz curve and resource split drawn from it is a share of money. The value score, the
same weighted mean of the 0-100 dimension scores, explains a customer's place ("what lifts it,
what sinks it"); it orders, and is never summed, shared or allocated.

The work is split so that a weight change is cheap, even for ten million customers:
``dimension_scores(features)`` computes money and scores per dimension once per dataset;
``score_customers(scores, weights)`` is a matrix-vector product plus a linear-time partition
into tiers. Rows of every result are in ``customer_id`` order, which is also the tie-break between
equal values, so tiers and ranks are deterministic.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analytics.dimensions import DIMENSIONS, DimensionScores
from analytics.ordering import argsort
from analytics.tiering import TIERS, Tiering, assign_tiers

RANK_FLAGS = ("none", "big_seller_low_value", "small_seller_high_value")  # see rank_comparison
# The feature columns ``value_table`` carries over (those present): who the customer is and its money.
VALUE_TABLE_FEATURES = ("customer_id", "name", "customer_type", "industry", "region", "revenue", "gross_profit", "margin_pct")


@dataclass(frozen=True, eq=False)
class ValueModel:
    """Value in money and tiers for one set of weights, over precomputed dimension inputs."""

    scores: DimensionScores
    weight_shares: np.ndarray
    value: np.ndarray
    tiering: Tiering

    @property
    def weights_used(self) -> dict[str, float]:
        """Renormalized weight share of every dimension; 0 for switched-off ones."""
        used = dict(zip(self.scores.dimensions, self.weight_shares.tolist()))
        return {dimension: used.get(dimension, 0.0) for dimension in DIMENSIONS}

    @property
    def total_value(self) -> float:
        return float(self.value.sum())

    @functools.cached_property
    def score(self) -> np.ndarray:
        """The 0-100 value score (weighted mean of dimension scores), for explanations only."""
        return _weighted_sum(self.scores.matrix, self.weight_shares)

    def contributions(self) -> np.ndarray:
        """Per customer and dimension, weight share x money; rows sum to the value."""
        return self.scores.money * self.weight_shares


@dataclass(frozen=True, eq=False)
class CustomerExplanation:
    """Why one customer has its value: per dimension its money and its score against the average
    customer's; dimensions whose score effect is positive lift it, negative sink it."""

    customer_id: str
    value: float
    score: float
    tier: str
    value_rank: int
    revenue_rank: int | None
    n_customers: int
    breakdown: pd.DataFrame
    lifts: tuple[str, ...]
    sinks: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Weights, value, tiers


def validate_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights for every dimension (missing ones are 0); rejects unknown names and bad numbers."""
    unknown = set(weights) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions {sorted(unknown)}; expected some of {DIMENSIONS}")
    checked = {dimension: float(weights.get(dimension, 0.0)) for dimension in DIMENSIONS}
    bad = {d: w for d, w in checked.items() if not math.isfinite(w) or w < 0}
    if bad:
        raise ValueError(f"weights must be finite and >= 0, got {bad}")
    if not any(checked.values()):
        raise ValueError("at least one weight must be positive")
    return checked


def weight_shares(scores: DimensionScores, weights: Mapping[str, float]) -> np.ndarray:
    """Weights renormalized over the available dimensions, aligned with ``scores.dimensions``."""
    checked = validate_weights(weights)
    raw = np.array([checked[d] for d in scores.dimensions], dtype=float)
    total = raw.sum()
    if total <= 0:
        raise ValueError(
            f"no positive weight on an available dimension ({', '.join(scores.dimensions) or 'none'})"
        )
    return raw / total


def score_customers(
    scores: DimensionScores,
    weights: Mapping[str, float],
    method: str = "by_customer_share",
    shares: Mapping[str, float] | None = None,
) -> ValueModel:
    """Value in money (weighted mean of the available dimensions' money) and tiers by it."""
    shares_used = weight_shares(scores, weights)
    value = _weighted_sum(scores.money, shares_used)
    return ValueModel(scores, shares_used, value, assign_tiers(value, method, shares))


def _weighted_sum(matrix: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """``matrix @ shares`` in numpy's own loop: BLAS threads keep spinning after the product and
    took a core from the tiering that follows, doubling a weight change on two cores."""
    return np.einsum("ij,j->i", matrix, shares)


# ---------------------------------------------------------------------------------------------
# Tables and explanations


def value_table(features: pd.DataFrame, model: ValueModel) -> pd.DataFrame:
    """One row per customer: identity, revenue and profit, value (money), value score, tier,
    ranks, and per dimension its score and its weighted money (``value_<dimension>``, adding up
    to ``value``)."""
    table = _aligned(features, model.scores, VALUE_TABLE_FEATURES)
    table["value"] = model.value
    table["score"] = model.score
    table["tier"] = pd.Categorical(model.tiering.labels, categories=TIERS, ordered=True)
    table["value_rank"] = ordinal_rank_desc(model.value)
    if "revenue" in table.columns:
        table["revenue_rank"] = ordinal_rank_desc(table["revenue"].to_numpy(dtype=float))
    contributions = model.contributions()
    for j, dimension in enumerate(model.scores.dimensions):
        table[f"score_{dimension}"] = model.scores.matrix[:, j]
    for j, dimension in enumerate(model.scores.dimensions):
        table[f"value_{dimension}"] = contributions[:, j]
    return table


def ordinal_rank_desc(values) -> np.ndarray:
    """Rank 1 for the largest value; ties by position; NaN ranked last."""
    values = np.asarray(values, dtype=float)
    order = argsort(np.where(np.isnan(values), np.inf, -values))  # stable: ties by position
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def explain_customer(features: pd.DataFrame, model: ValueModel, customer_id: str) -> CustomerExplanation:
    """Per dimension of one customer: weight share, score, its money (``value``, weighted) and the
    average customer's, and the score effect (weighted score minus the average's); dimensions
    with a positive effect lift it, negative sink it.
    """
    return Explainer(features, model).explain(customer_id)


class Explainer:
    """``explain_customer`` for many customers of one model: the averages and the revenue aligned
    with the model are computed once (the key-account reviews explain thousands)."""

    def __init__(self, features: pd.DataFrame, model: ValueModel):
        self.model = model
        n, dimensions = model.scores.n_customers, len(model.weight_shares)
        self.average_scores = model.scores.matrix.mean(axis=0) if n else np.zeros(dimensions)
        self.average_money = model.scores.money.mean(axis=0) if n else np.zeros(dimensions)
        aligned = _aligned(features, model.scores, ("revenue",))
        self.revenue = aligned["revenue"].to_numpy(dtype=float) if "revenue" in aligned.columns else None

    def explain(self, customer_id: str) -> CustomerExplanation:
        model = self.model
        ids = model.scores.customer_ids
        position = bisect.bisect_left(ids, str(customer_id))  # a few reads of the Arrow array, no conversion
        if position >= len(ids) or ids[position] != str(customer_id):
            raise KeyError(f"unknown customer {customer_id!r}")
        shares = model.weight_shares
        scores, money = model.scores.matrix, model.scores.money
        breakdown = pd.DataFrame({
            "dimension": list(model.scores.dimensions),
            "weight_share": shares,
            "score": scores[position],
            "missing": model.scores.missing[position],
            "value": money[position] * shares,
            "average_value": self.average_money * shares,
            "score_contribution": scores[position] * shares,
            "average_score_contribution": self.average_scores * shares,
        })
        breakdown["effect"] = breakdown["score_contribution"] - breakdown["average_score_contribution"]
        tolerance = 1e-9
        by_effect = breakdown.sort_values("effect", ascending=False, kind="stable")
        lifts = tuple(by_effect.loc[by_effect["effect"] > tolerance, "dimension"])
        sinks = tuple(by_effect.loc[by_effect["effect"] < -tolerance, "dimension"][::-1])

        revenue_rank = None
        if self.revenue is not None and not np.isnan(self.revenue[position]):
            revenue_rank = _rank_of(self.revenue, position)
        return CustomerExplanation(
            customer_id=str(customer_id),
            value=float(model.value[position]),
            score=float(model.score[position]),
            tier=TIERS[model.tiering.codes[position]],
            value_rank=_rank_of(model.value, position),
            revenue_rank=revenue_rank,
            n_customers=len(ids),
            breakdown=breakdown,
            lifts=lifts,
            sinks=sinks,
        )


def _rank_of(values: np.ndarray, position: int) -> int:
    """``ordinal_rank_desc(values)[position]`` without sorting everything."""
    value = values[position]
    ahead = np.count_nonzero(values > value) + np.count_nonzero(values[:position] == value)
    return int(ahead) + 1


def rank_comparison(
    features: pd.DataFrame, model: ValueModel, top_share: float = 0.2, bottom_share: float = 0.5
) -> pd.DataFrame:
    """Revenue rank against value rank for every customer, flagging the mismatches that show high
    sales are not high value: ``big_seller_low_value`` (revenue rank in the top ``top_share``, value rank in
    the bottom ``bottom_share``) and the reverse, ``small_seller_high_value``.

    The ranks shown are ordinal (ties by customer_id), but a flag must hold for every order of
    a customer's ties: otherwise, with many equal revenues (zero, say) or equal values, which of
    the tied customers is flagged would only depend on their ids. ``name`` falls back to the
    customer id where a customer has none.
    """
    if not (0 < top_share <= 1 and 0 < bottom_share <= 1):
        raise ValueError("top_share and bottom_share must be in (0, 1]")
    features = _aligned(features, model.scores, ("name", "revenue"))
    n = len(features)
    revenue = features["revenue"].to_numpy(dtype=float)
    top = top_share * n
    bottom = (1 - bottom_share) * n
    revenue_best, revenue_worst = _tied_rank_range(revenue)
    value_best, value_worst = _tied_rank_range(model.value)
    flag = np.full(n, "none", dtype=object)
    flag[(revenue_worst <= top) & (value_best > bottom)] = "big_seller_low_value"
    flag[(value_worst <= top) & (revenue_best > bottom)] = "small_seller_high_value"
    ids = features["customer_id"]
    names = features["name"].where(features["name"].notna(), ids) if "name" in features.columns else ids
    return pd.DataFrame({
        "customer_id": ids.array,  # kept in Arrow: no round trip through Python strings
        "name": names.array,
        "tier": model.tiering.labels,
        "revenue": revenue,
        "value": model.value,
        "revenue_rank": ordinal_rank_desc(revenue),
        "value_rank": ordinal_rank_desc(model.value),
        "flag": flag,
    })


def _tied_rank_range(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst rank (1 = largest, NaN last) each value can take among its ties, read off one
    order of the values: a binary search per value, twice, took a minute and a half at 10M."""
    descending = -np.asarray(values, dtype=float)
    known = ~np.isnan(descending)
    best, worst = np.full(descending.size, np.count_nonzero(known) + 1), np.full(descending.size, descending.size)
    ranked = descending if known.all() else descending[known]
    order = argsort(ranked)
    ordered = ranked[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))  # where each tie begins
    sizes = np.diff(np.append(starts, ordered.size))
    best_known, worst_known = np.empty(ordered.size, dtype=np.int64), np.empty(ordered.size, dtype=np.int64)
    best_known[order], worst_known[order] = np.repeat(starts + 1, sizes), np.repeat(starts + sizes, sizes)
    best[known], worst[known] = best_known, worst_known
    return best, worst


def _aligned(features: pd.DataFrame, scores: DimensionScores, columns=()) -> pd.DataFrame:
    """``customer_id`` and those of ``columns`` that ``features`` has, in the row order of
    ``scores`` (customer_id order). Selecting first keeps the copy small: features are wide. The
    ids are matched in Arrow: as ten million Python strings they took seconds."""
    features = features[["customer_id", *(c for c in columns if c in features.columns and c != "customer_id")]]
    ids = features["customer_id"].astype("str")
    if len(ids) == scores.n_customers and ids.array.equals(scores.customer_ids):
        return features.assign(customer_id=ids).reset_index(drop=True)
    positions = pc.index_in(pa.array(scores.customer_ids), value_set=pa.array(ids.array))
    if positions.null_count:
        raise ValueError("features do not cover the scored customers")
    return features.assign(customer_id=ids).take(positions.to_numpy()).reset_index(drop=True)
