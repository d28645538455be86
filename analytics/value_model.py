"""The customer value model: each customer's value in money, weights and presets, S/A/B/C tiers.

Three steps (docs/VALUE_MODEL.md): choose the value dimensions that matter for the strategy now
(weights, with presets per strategic stage), set the grading criteria (``analytics.tiering``),
attach a strategy per tier (``analytics.strategy``).

Value in money
    Every customer gets an amount per dimension, in the dataset's currency, that adds up over
    customers, and its value is the weighted mean of those amounts (weights renormalized over the
    available dimensions), so it is money too and every share, pyramid, Lorenz curve and resource
    split drawn from it is a share of money.

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

Scores (0-100)
    Per dimension, the percentile rank of what the money is drawn from (realized value, potential
    value, referrals, rating, profit per head); a customer without a figure scores a neutral 50.
    Their weighted mean, the value score, explains a customer's place ("what lifts it, what sinks
    it"); it orders, and is never summed, shared or allocated.

The work is split so that a weight change is cheap, even for ten million customers:
``dimension_scores(features)`` computes money and scores per dimension once per dataset;
``score_customers(scores, weights)`` is a matrix-vector product plus a linear-time partition
into tiers. Rows of every result are in ``customer_id`` order, which is also the tie-break between
equal values, so tiers and ranks are deterministic.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.tiering import TIERS, Tiering, assign_tiers

DIMENSIONS = ("economic", "potential", "influence", "strategic", "social", "per_head", "satisfaction")
RATED_DIMENSIONS = ("strategic", "social", "per_head", "satisfaction")

# A customer without data for a dimension gets the middle score: unknown counts as average.
NEUTRAL_SCORE = 50.0
# A customer is new for the default value per referral when its first order is this recent.
NEW_CUSTOMER_DAYS = 365

STRATEGIC_SOURCES = ("channel_strength", "industry_expansion", "new_product_pilot")

# Why a source column gives no data; the UI shows ``value.reason.<code>``.
EMPTY_SOURCE_REASONS = {
    "revenue": "no_revenue",
    "gross_profit": "no_cost_data",
    "growth": "no_growth_history",
    "referrals": "no_referrals",
    "channel_strength": "no_strategic_ratings",
    "industry_expansion": "no_strategic_ratings",
    "new_product_pilot": "no_strategic_ratings",
    "brand_influence": "no_brand_rating",
    "account_team_size": "no_team_size",
    "satisfaction": "no_satisfaction",
}
# Why a rated dimension has nothing to share out: no positive realized value to pool, or no
# customer with a positive figure to share it by.
NO_POOL, NOTHING_TO_SHARE_BY = "no_realized_value", "nothing_to_share_by"
REASONS = (*dict.fromkeys(EMPTY_SOURCE_REASONS.values()), NO_POOL, NOTHING_TO_SHARE_BY)

RANK_FLAGS = ("none", "big_seller_low_value", "small_seller_high_value")  # see rank_comparison
# The feature columns ``value_table`` carries over (those present): who the customer is and its money.
VALUE_TABLE_FEATURES = ("customer_id", "name", "customer_type", "industry", "region", "revenue", "gross_profit", "margin_pct")

# Weight presets for strategic stages (docs/VALUE_MODEL.md); shown as ``value.preset.<name>``.
PRESETS: dict[str, dict[str, float]] = {
    "balanced": {dimension: 1.0 for dimension in DIMENSIONS},
    # Stable stage: realized profit and the team's productivity come first.
    "profit_focus": {
        "economic": 5.0, "potential": 1.0, "influence": 0.5, "strategic": 0.5, "social": 0.5,
        "per_head": 2.0, "satisfaction": 1.0,
    },
    # Entering markets: networks, reach and growth matter more than this year's sales.
    "expansion": {
        "economic": 1.0, "potential": 3.0, "influence": 1.5, "strategic": 4.0, "social": 2.0,
        "per_head": 0.0, "satisfaction": 0.5,
    },
    # Key accounts: customers that support the account team, keep growing and stay content.
    "key_account": {
        "economic": 2.0, "potential": 3.0, "influence": 0.5, "strategic": 1.0, "social": 0.5,
        "per_head": 3.0, "satisfaction": 2.5,
    },
}
PRESET_PREFIX = "preset:"
MAX_PRESET_NAME_LENGTH = 60


@dataclass(frozen=True)
class Unavailable:
    """A dimension (``source`` is None) or one source of a dimension that has no data."""

    dimension: str
    source: str | None
    reason: str


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

    customer_ids: np.ndarray
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


@dataclass(frozen=True)
class Preset:
    name: str
    weights: dict[str, float]
    shipped: bool


# ---------------------------------------------------------------------------------------------
# Dimension inputs: money and scores


def percentile_scores(values) -> np.ndarray:
    """0-100 percentile rank by average rank: robust to outliers, ties share a score.

    NaN values are excluded from the ranking and stay NaN. The lowest value scores 0, the
    highest 100; a single or constant value scores ``NEUTRAL_SCORE``.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"expected a 1-d array, got shape {values.shape}")
    valid = np.count_nonzero(~np.isnan(values))
    if valid <= 1:
        return np.where(np.isnan(values), np.nan, NEUTRAL_SCORE)
    ranks = pd.Series(values).rank(method="average").to_numpy()
    return (ranks - 1.0) / (valid - 1) * 100.0


class _Inputs:
    """Collects, dimension by dimension, the money, the measure it is scored on, and why a
    dimension or source is switched off."""

    def __init__(self):
        self.dimensions: list[str] = []
        self.money: list[np.ndarray] = []
        self.measures: list[np.ndarray] = []
        self.sources: dict[str, tuple[str, ...]] = {}
        self.unavailable: list[Unavailable] = []

    def add(self, dimension: str, money: np.ndarray, measure: np.ndarray, sources: tuple[str, ...]) -> None:
        self.dimensions.append(dimension)
        self.money.append(money)
        self.measures.append(measure)
        self.sources[dimension] = sources

    def switch_off(self, dimension: str, reason: str, source: str | None = None) -> None:
        self.unavailable.append(Unavailable(dimension, source, reason))


def dimension_scores(features: pd.DataFrame, referral_value: float | None = None) -> DimensionScores:
    """Money and scores of every customer on every dimension that has data (see the module
    docstring; CONTRACTS.md for the feature columns).

    ``referral_value`` is the money per referral; None uses the default (``_default_referral_value``).
    Dimensions or sources without data are switched off and listed in ``unavailable`` with a
    reason code, never valued at zero.
    """
    if referral_value is not None and not (math.isfinite(referral_value) and referral_value >= 0):
        raise ValueError(f"the value per referral must be a finite amount >= 0, got {referral_value!r}")
    features = _sorted_features(features)
    n = len(features)
    inputs = _Inputs()

    realized, realized_measure, estimated = _realized_value(features)
    if realized is None:
        for dimension in ("economic", "potential", "influence", *RATED_DIMENSIONS):
            inputs.switch_off(dimension, EMPTY_SOURCE_REASONS["revenue"])
        pool, default_value, referral_value = 0.0, None, None
    else:
        pool = float(realized.sum())
        if realized_measure == "revenue":
            inputs.switch_off("economic", EMPTY_SOURCE_REASONS["gross_profit"], "gross_profit")
        inputs.add("economic", realized, realized, (realized_measure,))
        _add_potential(inputs, features, realized)
        default_value = _default_referral_value(features, realized)
        referral_value = _add_influence(inputs, features, default_value if referral_value is None else referral_value)
        _add_rated(inputs, features, realized, realized_measure, pool)

    order = sorted(range(len(inputs.dimensions)), key=lambda j: DIMENSIONS.index(inputs.dimensions[j]))
    measures = _columns([inputs.measures[j] for j in order], n)
    missing = np.isnan(measures)
    scores = np.column_stack([percentile_scores(column) for column in measures.T]) if order else measures
    return DimensionScores(
        customer_ids=features["customer_id"].to_numpy(dtype=object),
        dimensions=tuple(inputs.dimensions[j] for j in order),
        money=_columns([inputs.money[j] for j in order], n),
        matrix=np.ascontiguousarray(np.where(missing, NEUTRAL_SCORE, scores)),
        missing=missing,
        sources=inputs.sources,
        unavailable=tuple(sorted(inputs.unavailable, key=lambda item: DIMENSIONS.index(item.dimension))),
        realized_measure=realized_measure,
        estimated_realized=estimated,
        pool=pool,
        referral_value=referral_value,
        default_referral_value=default_value,
    )


def _columns(columns: list[np.ndarray], n: int) -> np.ndarray:
    return np.ascontiguousarray(np.column_stack(columns)) if columns else np.empty((n, 0))


def _realized_value(features: pd.DataFrame) -> tuple[np.ndarray | None, str | None, int]:
    """Realized value per customer, what it is measured in, and how many customers were estimated.

    Gross profit where known; revenue x the margin of the costed revenue for customers without
    cost data; revenue when nobody has cost data. None when there is no revenue either.
    """
    gross_profit = _source_values(features, "gross_profit")
    revenue = _source_values(features, "revenue")
    if gross_profit is None:
        return (None, None, 0) if revenue is None else (np.nan_to_num(revenue), "revenue", 0)
    unknown = np.isnan(gross_profit)
    if not unknown.any() or revenue is None:
        return np.nan_to_num(gross_profit), "gross_profit", 0
    costed = ~unknown & ~np.isnan(revenue)
    costed_revenue = revenue[costed].sum()
    margin = gross_profit[costed].sum() / costed_revenue if costed_revenue > 0 else 0.0
    estimated = np.where(unknown, revenue * margin, gross_profit)
    return np.nan_to_num(estimated), "gross_profit", int(np.count_nonzero(unknown & ~np.isnan(revenue)))


def _add_potential(inputs: _Inputs, features: pd.DataFrame, realized: np.ndarray) -> None:
    """The lifetime-value model's potential value, else the growth proxy (see the module docstring)."""
    model_value = _source_values(features, "potential_value")
    if model_value is not None:
        inputs.add("potential", _filled(model_value), model_value, ("potential_value",))
        return
    growth = _source_values(features, "growth")
    last_year = _source_values(features, "revenue_last_12m")
    revenue = _source_values(features, "revenue")
    if growth is None or last_year is None or revenue is None:
        inputs.switch_off("potential", EMPTY_SOURCE_REASONS["growth"])
        return
    next_year = np.maximum(np.nan_to_num(last_year) * (1 + np.nan_to_num(growth)), 0.0)
    proxy = next_year * _margins(np.nan_to_num(revenue), realized)
    inputs.add("potential", proxy, proxy, ("growth",))


def _margins(revenue: np.ndarray, realized: np.ndarray) -> np.ndarray:
    """Realized value per unit of revenue of each customer; the pooled one where its revenue is not positive."""
    total_revenue = revenue.sum()
    pooled = realized.sum() / total_revenue if total_revenue > 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(revenue > 0, realized / revenue, pooled)


def _default_referral_value(features: pd.DataFrame, realized: np.ndarray) -> float:
    """The average realized value of a customer whose first order is at most ``NEW_CUSTOMER_DAYS``
    old (of every customer when there is none, or no tenure), never below 0: what a referral that
    becomes a customer is worth in its first year, as a default assumption."""
    tenure = _source_values(features, "tenure_days")
    new = np.zeros(len(realized), dtype=bool) if tenure is None else tenure <= NEW_CUSTOMER_DAYS
    chosen = realized[new] if new.any() else realized
    return max(float(chosen.mean()), 0.0) if len(chosen) else 0.0


def _add_influence(inputs: _Inputs, features: pd.DataFrame, value_per_referral: float) -> float | None:
    referrals = _source_values(features, "referrals")
    if referrals is None:
        inputs.switch_off("influence", EMPTY_SOURCE_REASONS["referrals"])
        return None
    inputs.add("influence", _filled(referrals) * value_per_referral, referrals, ("referrals",))
    return float(value_per_referral)


def _add_rated(inputs: _Inputs, features: pd.DataFrame, realized: np.ndarray, realized_measure: str,
               pool: float) -> None:
    """The rated dimensions, each sharing out the pool by its rating (see the module docstring)."""
    ratings = {s: _source_values(features, s) for s in STRATEGIC_SOURCES}
    rated = {s: v for s, v in ratings.items() if v is not None}
    candidates = {"strategic": (_row_mean(list(rated.values())) if rated else None, tuple(rated), "channel_strength")}
    candidates["social"] = (_source_values(features, "brand_influence"), ("brand_influence",), "brand_influence")
    team_size = _source_values(features, "account_team_size")
    per_head = None
    if realized_measure == "gross_profit" and team_size is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            per_head = np.where(team_size > 0, realized / team_size, np.nan)
    per_head_reason_source = "gross_profit" if realized_measure != "gross_profit" else "account_team_size"
    candidates["per_head"] = (per_head, ("gross_profit", "account_team_size"), per_head_reason_source)
    candidates["satisfaction"] = (_source_values(features, "satisfaction"), ("satisfaction",), "satisfaction")

    for dimension, (measure, sources, reason_source) in candidates.items():
        if measure is None or np.isnan(measure).all():
            inputs.switch_off(dimension, EMPTY_SOURCE_REASONS[reason_source])
            continue
        shares_by = _filled(np.maximum(measure, 0.0))  # ratings are >= 0; profit per head counts from 0
        if pool <= 0:
            inputs.switch_off(dimension, NO_POOL)
        elif shares_by.sum() <= 0:
            inputs.switch_off(dimension, NOTHING_TO_SHARE_BY)
        else:
            inputs.add(dimension, pool * shares_by / shares_by.sum(), measure, sources)
        if dimension == "strategic":
            for source in STRATEGIC_SOURCES:
                if source not in rated:
                    inputs.switch_off("strategic", EMPTY_SOURCE_REASONS[source], source)


def _filled(values: np.ndarray) -> np.ndarray:
    """Missing figures replaced by the average of the known ones (unknown counts as average)."""
    missing = np.isnan(values)
    return np.where(missing, values[~missing].mean(), values) if missing.any() else values


def _sorted_features(features: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(features, pd.DataFrame):
        raise TypeError(f"features must be a pandas DataFrame, got {type(features).__name__}")
    if "customer_id" not in features.columns:
        raise ValueError("features need a customer_id column")
    ids = features["customer_id"]
    if ids.isna().any():
        raise ValueError("customer_id must not be missing")
    if not ids.is_unique:
        raise ValueError("customer_id must be unique")
    features = features.assign(customer_id=ids.astype(str))
    if not features["customer_id"].is_monotonic_increasing:
        features = features.sort_values("customer_id", kind="stable")
    return features.reset_index(drop=True)


def _source_values(features: pd.DataFrame, column: str) -> np.ndarray | None:
    """A column as floats, or None when it is absent or has no value at all."""
    if column not in features.columns:
        return None
    values = pd.to_numeric(features[column], errors="coerce").to_numpy(dtype=float)
    return None if np.isnan(values).all() else values


def _row_mean(columns: list[np.ndarray]) -> np.ndarray:
    """Per-row mean over the non-NaN entries; NaN where a row has none."""
    stack = np.column_stack(columns)
    present = ~np.isnan(stack)
    counts = present.sum(axis=1)
    totals = np.where(present, stack, 0.0).sum(axis=1)
    return np.divide(totals, counts, out=np.full(len(stack), np.nan), where=counts > 0)


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
    order = np.argsort(np.where(np.isnan(values), np.inf, -values), kind="stable")
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def explain_customer(features: pd.DataFrame, model: ValueModel, customer_id: str) -> CustomerExplanation:
    """Per dimension of one customer: weight share, score, its money (``value``, weighted) and the
    average customer's, and the score effect (weighted score minus the average's); dimensions
    with a positive effect lift it, negative sink it.
    """
    ids = model.scores.customer_ids
    position = int(np.searchsorted(ids, str(customer_id)))
    if position >= len(ids) or ids[position] != str(customer_id):
        raise KeyError(f"unknown customer {customer_id!r}")
    shares = model.weight_shares
    scores, money = model.scores.matrix, model.scores.money
    average_scores = scores.mean(axis=0) if len(ids) else np.zeros(len(shares))
    average_money = money.mean(axis=0) if len(ids) else np.zeros(len(shares))
    breakdown = pd.DataFrame({
        "dimension": list(model.scores.dimensions),
        "weight_share": shares,
        "score": scores[position],
        "missing": model.scores.missing[position],
        "value": money[position] * shares,
        "average_value": average_money * shares,
        "score_contribution": scores[position] * shares,
        "average_score_contribution": average_scores * shares,
    })
    breakdown["effect"] = breakdown["score_contribution"] - breakdown["average_score_contribution"]
    tolerance = 1e-9
    by_effect = breakdown.sort_values("effect", ascending=False, kind="stable")
    lifts = tuple(by_effect.loc[by_effect["effect"] > tolerance, "dimension"])
    sinks = tuple(by_effect.loc[by_effect["effect"] < -tolerance, "dimension"][::-1])

    revenue_rank = None
    aligned = _aligned(features, model.scores, ("revenue",))
    if "revenue" in aligned.columns and not np.isnan(aligned["revenue"].iloc[position]):
        revenue_rank = _rank_of(aligned["revenue"].to_numpy(dtype=float), position)
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
        "customer_id": ids.to_numpy(),
        "name": names.to_numpy(),
        "tier": model.tiering.labels,
        "revenue": revenue,
        "value": model.value,
        "revenue_rank": ordinal_rank_desc(revenue),
        "value_rank": ordinal_rank_desc(model.value),
        "flag": flag,
    })


def _tied_rank_range(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst rank (1 = largest, NaN last) each value can take among its ties."""
    descending = -np.asarray(values, dtype=float)
    ordered = np.sort(descending)  # NaN sorts last, and searchsorted orders NaN the same way
    best = np.searchsorted(ordered, descending, side="left") + 1
    worst = np.searchsorted(ordered, descending, side="right")
    return best, worst


def _aligned(features: pd.DataFrame, scores: DimensionScores, columns=()) -> pd.DataFrame:
    """``customer_id`` and those of ``columns`` that ``features`` has, in the row order of
    ``scores`` (customer_id order). Selecting first keeps the copy small: features are wide."""
    features = features[["customer_id", *(c for c in columns if c in features.columns and c != "customer_id")]]
    ids = features["customer_id"].astype(str)
    if len(ids) == scores.n_customers and np.array_equal(ids.to_numpy(dtype=object), scores.customer_ids):
        return features.assign(customer_id=ids).reset_index(drop=True)
    if not set(scores.customer_ids).issubset(set(ids)):
        raise ValueError("features do not cover the scored customers")
    return features.assign(customer_id=ids).set_index("customer_id", drop=False).loc[scores.customer_ids].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Presets, persisted in the store's settings table


def list_presets(store) -> list[Preset]:
    """Shipped presets first (in ``PRESETS`` order), then saved ones by name."""
    shipped = [Preset(name, dict(weights), True) for name, weights in PRESETS.items()]
    saved = [
        Preset(key[len(PRESET_PREFIX):], validate_weights(weights), False)
        for key, weights in sorted(store.settings_with_prefix(PRESET_PREFIX).items())
    ]
    return shipped + saved


def load_preset(store, name: str) -> dict[str, float]:
    if name in PRESETS:
        return dict(PRESETS[name])
    weights = store.get_setting(PRESET_PREFIX + name)
    if weights is None:
        raise KeyError(f"no preset named {name!r}")
    return validate_weights(weights)


def save_preset(store, name: str, weights: Mapping[str, float]) -> None:
    """Save (or overwrite) a user preset; shipped presets are read-only."""
    name = _checked_preset_name(name)
    store.put_setting(PRESET_PREFIX + name, validate_weights(weights))


def delete_preset(store, name: str) -> None:
    name = _checked_preset_name(name)
    if store.get_setting(PRESET_PREFIX + name) is None:
        raise KeyError(f"no preset named {name!r}")
    store.delete_setting(PRESET_PREFIX + name)


def _checked_preset_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a preset needs a non-empty name")
    name = name.strip()
    if len(name) > MAX_PRESET_NAME_LENGTH:
        raise ValueError(f"preset names are at most {MAX_PRESET_NAME_LENGTH} characters")
    if name in PRESETS:
        raise ValueError(f"{name!r} is a shipped preset and cannot be changed")
    return name
