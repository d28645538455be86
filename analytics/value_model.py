"""The customer value model: dimension scores, weights and presets, composite value, S/A/B/C tiers.

DOMAIN.md's three steps: choose the value dimensions that matter for the strategy now (weights,
with presets per strategic stage), set the grading criteria (tier cut-offs), attach a strategy
per tier (``analytics.strategy``).

The work is split so that a weight change is cheap, even for a million customers:

1. ``dimension_scores(features)`` turns per-customer features into 0-100 percentile scores, once
   per dataset (one sort per source column).
2. ``score_customers(scores, weights)`` is a matrix-vector product plus a partition into tiers,
   run on every weight or cut-off change.

Rows of every result are in ``customer_id`` order, which is also the tie-break between equal
scores, so tiers and ranks are deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

DIMENSIONS = ("economic", "potential", "influence", "strategic", "social", "per_head", "satisfaction")
TIERS = ("S", "A", "B", "C")

# A customer without data for a dimension (e.g. no satisfaction rating) gets the middle score:
# unknown counts as average, so it neither lifts nor sinks the customer, and every customer's
# composite uses the same weights, which keeps composites comparable.
NEUTRAL_SCORE = 50.0

ECONOMIC_SOURCES = ("revenue", "gross_profit", "orders", "recency_days")
STRATEGIC_SOURCES = ("channel_strength", "industry_expansion", "new_product_pilot")
# A model-based potential value replaces revenue growth as soon as the features carry one.
POTENTIAL_SOURCES = ("potential_value", "growth")

# Why a source column gives no data; the UI shows ``value.reason.<code>``.
EMPTY_SOURCE_REASONS = {
    "revenue": "no_revenue",
    "gross_profit": "no_cost_data",
    "orders": "no_orders",
    "recency_days": "no_order_dates",
    "growth": "no_growth_history",
    "referrals": "no_referrals",
    "channel_strength": "no_strategic_ratings",
    "industry_expansion": "no_strategic_ratings",
    "new_product_pilot": "no_strategic_ratings",
    "brand_influence": "no_brand_rating",
    "account_team_size": "no_team_size",
    "satisfaction": "no_satisfaction",
}
REASONS = tuple(dict.fromkeys(EMPTY_SOURCE_REASONS.values()))

RANK_FLAGS = ("none", "big_seller_low_value", "small_seller_high_value")  # see rank_comparison
# The feature columns ``value_table`` carries over (those present): who the customer is and its money.
VALUE_TABLE_FEATURES = ("customer_id", "name", "customer_type", "industry", "region", "revenue", "gross_profit", "margin_pct")
TIER_METHODS = ("by_customer_share", "by_value_share")
# Shares of S, A and B; C takes the rest.
# by_customer_share: S is the top 5% of customers, A the next 15%, B the next 30%.
# by_value_share: S is the smallest set of top customers holding 10% of the total composite value,
# S+A hold 30%, S+A+B 60%. Composite scores are bounded (0-100), so these tiers come out a little
# narrower than the same customer shares and follow where the value mass actually lies.
DEFAULT_SHARES = {
    "by_customer_share": {"S": 0.05, "A": 0.15, "B": 0.30},
    "by_value_share": {"S": 0.10, "A": 0.20, "B": 0.30},
}

# Weight presets for the strategic stages in DOMAIN.md; shown as ``value.preset.<name>``.
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
    """Per-customer 0-100 scores of the available dimensions, computed once per dataset.

    ``matrix[i, j]`` is customer ``customer_ids[i]``'s score on ``dimensions[j]``, with
    ``NEUTRAL_SCORE`` where ``missing[i, j]`` (the customer has no data for that dimension).
    """

    customer_ids: np.ndarray
    dimensions: tuple[str, ...]
    matrix: np.ndarray
    missing: np.ndarray
    sources: Mapping[str, tuple[str, ...]]
    unavailable: tuple[Unavailable, ...]

    @property
    def n_customers(self) -> int:
        return len(self.customer_ids)

    @property
    def unavailable_dimensions(self) -> tuple[str, ...]:
        return tuple(item.dimension for item in self.unavailable if item.source is None)

    @property
    def potential_source(self) -> str | None:
        """``potential_value`` (model-based), ``growth`` (fallback), or None when unavailable."""
        sources = self.sources.get("potential")
        return sources[0] if sources else None


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


@dataclass(frozen=True, eq=False)
class ValueModel:
    """Composite value and tiers for one set of weights, over precomputed dimension scores."""

    scores: DimensionScores
    weight_shares: np.ndarray
    composite: np.ndarray
    tiering: Tiering

    @property
    def weights_used(self) -> dict[str, float]:
        """Renormalized weight share of every dimension; 0 for switched-off ones."""
        used = dict(zip(self.scores.dimensions, self.weight_shares.tolist()))
        return {dimension: used.get(dimension, 0.0) for dimension in DIMENSIONS}

    def contributions(self) -> np.ndarray:
        """Per customer and dimension, weight share x score; rows sum to the composite."""
        return self.scores.matrix * self.weight_shares


@dataclass(frozen=True, eq=False)
class CustomerExplanation:
    """Why one customer has its value: dimension breakdown against the average customer."""

    customer_id: str
    composite: float
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
# Dimension scores


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


def dimension_scores(features: pd.DataFrame) -> DimensionScores:
    """Score every customer on every dimension that has data (see CONTRACTS.md for columns).

    Dimensions or sources without any data are switched off and listed in ``unavailable``
    with a reason code, never scored as zero.
    """
    features = _sorted_features(features)
    n = len(features)
    columns: list[np.ndarray] = []
    dimensions: list[str] = []
    sources: dict[str, tuple[str, ...]] = {}
    unavailable: list[Unavailable] = []

    def add(dimension: str, raw: np.ndarray | None, used: tuple[str, ...], reason: str) -> None:
        if raw is None:
            unavailable.append(Unavailable(dimension, None, reason))
            return
        dimensions.append(dimension)
        columns.append(raw)
        sources[dimension] = used

    economic_parts: list[np.ndarray] = []
    economic_used: list[str] = []
    for source in ECONOMIC_SOURCES:
        values = _source_values(features, source)
        if values is None:
            unavailable.append(Unavailable("economic", source, EMPTY_SOURCE_REASONS[source]))
            continue
        # More recent buyers score higher.
        economic_parts.append(percentile_scores(-values if source == "recency_days" else values))
        economic_used.append(source)
    economic = _row_mean(economic_parts) if economic_parts else None
    add("economic", economic, tuple(economic_used), EMPTY_SOURCE_REASONS["revenue"])

    candidates = ((source, _source_values(features, source)) for source in POTENTIAL_SOURCES)
    potential_source, potential = next(((s, v) for s, v in candidates if v is not None), (None, None))
    add("potential", _percentile_or_none(potential), (potential_source,), EMPTY_SOURCE_REASONS["growth"])

    add("influence", _percentile_or_none(_source_values(features, "referrals")), ("referrals",),
        EMPTY_SOURCE_REASONS["referrals"])

    ratings = {s: _source_values(features, s) for s in STRATEGIC_SOURCES}
    rated = {s: v for s, v in ratings.items() if v is not None}
    strategic = _row_mean(list(rated.values())) if rated else None
    add("strategic", _percentile_or_none(strategic), tuple(rated), EMPTY_SOURCE_REASONS["channel_strength"])
    if rated:
        unavailable.extend(
            Unavailable("strategic", s, EMPTY_SOURCE_REASONS[s]) for s in STRATEGIC_SOURCES if s not in rated
        )

    add("social", _percentile_or_none(_source_values(features, "brand_influence")), ("brand_influence",),
        EMPTY_SOURCE_REASONS["brand_influence"])

    gross_profit = _source_values(features, "gross_profit")
    team_size = _source_values(features, "account_team_size")
    per_head = None
    if gross_profit is not None and team_size is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            per_head = np.where(team_size > 0, gross_profit / team_size, np.nan)
    per_head_reason = EMPTY_SOURCE_REASONS["gross_profit" if gross_profit is None else "account_team_size"]
    add("per_head", _percentile_or_none(per_head), ("gross_profit", "account_team_size"), per_head_reason)

    add("satisfaction", _percentile_or_none(_source_values(features, "satisfaction")), ("satisfaction",),
        EMPTY_SOURCE_REASONS["satisfaction"])

    matrix = np.column_stack(columns) if columns else np.empty((n, 0))
    missing = np.isnan(matrix)
    matrix = np.where(missing, NEUTRAL_SCORE, matrix)
    return DimensionScores(
        customer_ids=features["customer_id"].to_numpy(dtype=object),
        dimensions=tuple(dimensions),
        matrix=np.ascontiguousarray(matrix),
        missing=missing,
        sources=sources,
        unavailable=tuple(unavailable),
    )


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


def _percentile_or_none(values: np.ndarray | None) -> np.ndarray | None:
    """Percentile scores, or None when no customer has a value (e.g. no team size recorded)."""
    if values is None or np.isnan(values).all():
        return None
    return percentile_scores(values)


def _row_mean(columns: list[np.ndarray]) -> np.ndarray:
    """Per-row mean over the non-NaN entries; NaN where a row has none."""
    stack = np.column_stack(columns)
    present = ~np.isnan(stack)
    counts = present.sum(axis=1)
    totals = np.where(present, stack, 0.0).sum(axis=1)
    return np.divide(totals, counts, out=np.full(len(stack), np.nan), where=counts > 0)


# ---------------------------------------------------------------------------------------------
# Weights, composite value, tiers


def validate_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights for all ``DIMENSIONS`` (absent ones are 0); finite, non-negative, not all zero."""
    unknown = set(weights) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions: {sorted(unknown)}; expected some of {DIMENSIONS}")
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


def assign_tiers(values, method: str = "by_customer_share", shares: Mapping[str, float] | None = None) -> Tiering:
    """Cut customers ordered by value (descending) into S/A/B/C.

    ``shares`` gives the S, A and B shares (C is the rest) of customers or of total value,
    depending on ``method``; see ``DEFAULT_SHARES``. Equal values are ordered by position, so
    pass values in customer_id order for a customer_id tie-break. The cut-offs table gives per
    tier the customers, shares and the score range in use.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or not np.isfinite(values).all():
        raise ValueError("values must be a 1-d array of finite numbers")
    shares = _validate_shares(method, shares)
    n = len(values)
    cumulative = np.cumsum([shares[tier] for tier in TIERS[:-1]])

    if method == "by_customer_share":
        ends = np.ceil(np.round(cumulative * n, 9)).astype(np.int64)
    else:
        ends = _value_share_ends(values, cumulative)
    ends = np.maximum.accumulate(np.minimum(ends, n))

    starts = np.concatenate([[0], ends])
    stops = np.concatenate([ends, [n]])
    counts = stops - starts
    # The first and last value of every tier in descending order, without sorting everything.
    positions = sorted({int(p) for s, e in zip(starts, stops) if e > s for p in (s, e - 1)})
    partitioned = np.partition(-values, positions) if positions else values
    value_at = {p: -partitioned[p] for p in positions}

    codes = np.full(n, len(TIERS) - 1, dtype=np.int8)
    for end in ends:
        # Each boundary a customer is above moves it up one tier.
        codes -= _top_mask(values, int(end), value_at.get(int(end) - 1))

    total_value = values.sum()
    tier_value = np.bincount(codes, weights=values, minlength=len(TIERS))
    cutoffs = pd.DataFrame({
        "tier": list(TIERS),
        "customers": counts,
        "customer_share": counts / n if n else np.zeros(len(TIERS)),
        "value_share": tier_value / total_value if total_value > 0 else np.full(len(TIERS), np.nan),
        "min_score": [value_at[e - 1] if e > s else np.nan for s, e in zip(starts, stops)],
        "max_score": [value_at[s] if e > s else np.nan for s, e in zip(starts, stops)],
    })
    return Tiering(codes=codes, method=method, shares=shares, cutoffs=cutoffs)


def _value_share_ends(values: np.ndarray, cumulative: np.ndarray, bins: int = 1024) -> np.ndarray:
    """For each cumulative share, the fewest top customers whose values add up to it.

    Linear time instead of a full sort: values are binned from the top, per-bin sums locate the
    bin where each share is reached, and only that bin is sorted.
    """
    n = len(values)
    total = values.sum()
    highest, lowest = (values.max(), values.min()) if n else (0.0, 0.0)
    if n and (lowest < 0 or total <= 0):
        raise ValueError("by_value_share needs non-negative values with a positive total")
    scale = bins / (highest - lowest) if highest > lowest else 0.0
    index = np.minimum(((highest - values) * scale).astype(np.intp), bins - 1)  # bin 0 holds the top
    sum_through = np.cumsum(np.bincount(index, weights=values, minlength=bins))
    count_through = np.cumsum(np.bincount(index, minlength=bins))
    ends = np.zeros(len(cumulative), dtype=np.int64)
    for j, share in enumerate(cumulative):
        if share <= 0:
            continue
        target = share * total * (1 - 1e-12)
        crossing = min(int(np.searchsorted(sum_through, target)), bins - 1)
        sum_before = sum_through[crossing - 1] if crossing else 0.0
        count_before = count_through[crossing - 1] if crossing else 0
        inside = np.sort(values[index == crossing])[::-1]
        reached = int(np.searchsorted(sum_before + np.cumsum(inside), target)) + 1
        ends[j] = min(count_before + reached, n)
    return ends


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


def _top_mask(values: np.ndarray, count: int, threshold: float | None) -> np.ndarray:
    """True for the first ``count`` customers by value descending, then by position."""
    if count <= 0:
        return np.zeros(len(values), dtype=bool)
    if count >= len(values):
        return np.ones(len(values), dtype=bool)
    mask = values > threshold
    tied = np.flatnonzero(values == threshold)
    mask[tied[: count - np.count_nonzero(mask)]] = True
    return mask


def score_customers(
    scores: DimensionScores,
    weights: Mapping[str, float],
    method: str = "by_customer_share",
    shares: Mapping[str, float] | None = None,
) -> ValueModel:
    """Composite value (weighted mean of available dimension scores, 0-100) and tiers."""
    shares_used = weight_shares(scores, weights)
    composite = scores.matrix @ shares_used
    return ValueModel(scores, shares_used, composite, assign_tiers(composite, method, shares))


# ---------------------------------------------------------------------------------------------
# Tables and explanations


def value_table(features: pd.DataFrame, model: ValueModel) -> pd.DataFrame:
    """One row per customer: identity, money, composite, tier, ranks, scores and contributions."""
    table = _aligned(features, model.scores, VALUE_TABLE_FEATURES)
    table["composite"] = model.composite
    table["tier"] = pd.Categorical(model.tiering.labels, categories=TIERS, ordered=True)
    table["value_rank"] = ordinal_rank_desc(model.composite)
    if "revenue" in table.columns:
        table["revenue_rank"] = ordinal_rank_desc(table["revenue"].to_numpy(dtype=float))
    contributions = model.contributions()
    for j, dimension in enumerate(model.scores.dimensions):
        table[f"score_{dimension}"] = model.scores.matrix[:, j]
    for j, dimension in enumerate(model.scores.dimensions):
        table[f"contribution_{dimension}"] = contributions[:, j]
    return table


def ordinal_rank_desc(values) -> np.ndarray:
    """Rank 1 for the largest value; ties by position; NaN ranked last."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(np.where(np.isnan(values), np.inf, -values), kind="stable")
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def explain_customer(features: pd.DataFrame, model: ValueModel, customer_id: str) -> CustomerExplanation:
    """Dimension breakdown of one customer: contribution, average contribution and the effect
    (contribution minus the average); dimensions with a positive effect lift it, negative sink it.
    """
    ids = model.scores.customer_ids
    position = int(np.searchsorted(ids, str(customer_id)))
    if position >= len(ids) or ids[position] != str(customer_id):
        raise KeyError(f"unknown customer {customer_id!r}")
    shares = model.weight_shares
    average_scores = model.scores.matrix.mean(axis=0) if len(ids) else np.zeros(len(shares))
    contribution = model.scores.matrix[position] * shares
    average = average_scores * shares
    breakdown = pd.DataFrame({
        "dimension": list(model.scores.dimensions),
        "weight_share": shares,
        "score": model.scores.matrix[position],
        "missing": model.scores.missing[position],
        "contribution": contribution,
        "average_contribution": average,
        "effect": contribution - average,
    })
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
        composite=float(model.composite[position]),
        tier=TIERS[model.tiering.codes[position]],
        value_rank=_rank_of(model.composite, position),
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
    """Revenue rank against value rank for every customer, flagging the mismatches DOMAIN.md
    warns about: ``big_seller_low_value`` (revenue rank in the top ``top_share``, value rank in
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
    value_best, value_worst = _tied_rank_range(model.composite)
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
        "composite": model.composite,
        "revenue_rank": ordinal_rank_desc(revenue),
        "value_rank": ordinal_rank_desc(model.composite),
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
