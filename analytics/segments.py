"""Customer segments: clustering on behaviour and value, with plain names and 2-D maps.

Tiers (S/A/B/C) rank customers by value; segments group customers who behave alike (recent or
lapsed, frequent or occasional, new or long-standing, high or low margin), so each tier can be read
as a mix of behaviours and each group can get its own strategy.

Features are the per-customer columns of ``analytics.features.customer_features`` (plus
``potential_value`` when the caller joins the lifetime-value estimate). Skewed amounts are put on a
signed log scale, margins are clipped to +-100 %, missing values take the column median, and
columns that are mostly missing or constant are dropped. KMeans or a Gaussian mixture is fitted on
a sample; the number of clusters is the one with the best silhouette on a smaller sample unless the
user fixes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

CLUSTER_FEATURES = (
    "recency_days", "orders", "revenue", "margin_pct", "tenure_days", "growth", "potential_value",
)
PERCENT_FEATURES = ("growth",)  # features that are fractions (0.03 is 3%); margin_pct is in percent already
METHODS = ("kmeans", "gmm")
MIN_PRESENT_SHARE = 0.5  # a feature missing for more than half of the customers is dropped
MIN_CUSTOMERS = 10

# Segment names, from the cluster's median percentile (0-1) of each feature in the whole base;
# 0.5 is the overall median. The first rule that holds names the cluster.
NAME_KEYS = (
    "seg.name.new",
    "seg.name.lapsed",
    "seg.name.at_risk",
    "seg.name.high_value_low_margin",
    "seg.name.loyal_high_value",
    "seg.name.high_potential",
    "seg.name.growing",
    "seg.name.occasional_low_value",
    "seg.name.regular",
)


class SegmentationError(ValueError):
    """The customers cannot be clustered; ``reason`` and ``counts`` fill ``seg.error.<reason>``."""

    REASONS = ("too_few_customers", "no_usable_features")

    def __init__(self, reason: str, **counts):
        if reason not in self.REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        self.reason = reason
        self.counts = counts
        super().__init__(f"{reason} {counts}")


@dataclass(frozen=True)
class Segmentation:
    """Result of ``segment_customers``.

    labels: cluster number per customer (index customer_id); 0 is the cluster with the largest
        revenue share. silhouette: mean silhouette by number of clusters tried. standardized: the
        transformed, standardized feature matrix the clusters were found in. centers: mean of
        ``standardized`` per cluster (cluster x feature). profiles: see ``cluster_profiles``.
    """

    method: str
    n_clusters: int
    labels: pd.Series
    silhouette: pd.Series
    features: tuple[str, ...]
    standardized: pd.DataFrame
    centers: pd.DataFrame
    profiles: pd.DataFrame


@dataclass(frozen=True)
class Projection:
    """2-D principal-component map of a bounded sample of customers (customer_id, x, y, cluster)."""

    points: pd.DataFrame
    explained_variance_ratio: tuple[float, float]


def _indexed(features: pd.DataFrame) -> pd.DataFrame:
    return features.set_index("customer_id") if "customer_id" in features.columns else features


def _signed_log(values: pd.Series) -> pd.Series:
    return np.sign(values) * np.log1p(values.abs())


def standardize_features(features: pd.DataFrame) -> pd.DataFrame:
    """The matrix clusters are searched in: transformed, median-imputed, zero mean, unit variance.

    Uses the available ``CLUSTER_FEATURES``; drops those present for less than half of the
    customers or without variation. Raises ``SegmentationError("no_usable_features")``.
    """
    features = _indexed(features)
    columns = {}
    for name in CLUSTER_FEATURES:
        if name not in features.columns:
            continue
        raw = pd.to_numeric(features[name], errors="coerce").astype(float)
        raw = raw.where(np.isfinite(raw))
        if raw.notna().mean() < MIN_PRESENT_SHARE:
            continue
        values = raw.clip(-100, 100) if name == "margin_pct" else _signed_log(raw)
        values = values.fillna(values.median())
        spread = values.std(ddof=0)
        if spread > 1e-12:
            columns[name] = (values - values.mean()) / spread
    if not columns:
        raise SegmentationError("no_usable_features", customers=len(features))
    return pd.DataFrame(columns, index=features.index)


def _model(method: str, n_clusters: int, random_state: int):
    from sklearn.cluster import KMeans  # scikit-learn takes about a second to import: only pages that cluster pay
    from sklearn.mixture import GaussianMixture

    if method == "kmeans":
        return KMeans(n_clusters=n_clusters, n_init=4, random_state=random_state)
    return GaussianMixture(n_components=n_clusters, covariance_type="full", n_init=1,
                           reg_covar=1e-4, random_state=random_state)


def segment_customers(
    features: pd.DataFrame,
    *,
    method: str = "kmeans",
    n_clusters: int | None = None,
    k_range: tuple[int, int] = (2, 8),
    random_state: int = 0,
    fit_sample: int = 20_000,
    silhouette_sample: int = 3_000,
) -> Segmentation:
    """Cluster customers with KMeans (``"kmeans"``) or a Gaussian mixture (``"gmm"``).

    With ``n_clusters=None`` every k in ``k_range`` (inclusive) is tried and the best mean
    silhouette wins (ties: fewer clusters). Models are fitted on at most ``fit_sample`` customers
    and applied to all; silhouettes use at most ``silhouette_sample`` of them (their cost grows with
    its square; at 100,000 customers 3,000 chose the same k as 5,000, each silhouette within 0.003, in
    half the time). Same input and ``random_state``, same result. Raises ``SegmentationError`` when
    there are fewer than ``MIN_CUSTOMERS`` customers or no usable feature.
    """
    from sklearn.metrics import silhouette_score

    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    features = _indexed(features)
    if len(features) < MIN_CUSTOMERS:
        raise SegmentationError("too_few_customers", customers=len(features), required=MIN_CUSTOMERS)
    standardized = standardize_features(features)
    matrix = standardized.to_numpy()
    rng = np.random.default_rng(random_state)
    fit_rows = _sample_rows(len(matrix), fit_sample, rng)
    score_rows = fit_rows[_sample_rows(len(fit_rows), silhouette_sample, rng)]
    distinct_points = len(pd.DataFrame(matrix[score_rows]).drop_duplicates())
    max_k = min(k_range[1], len(score_rows) - 1, distinct_points)
    candidates = [n_clusters] if n_clusters is not None else range(k_range[0], max_k + 1)
    if not candidates or min(candidates) < 2 or max(candidates) >= len(score_rows):
        raise ValueError("need at least 2 clusters and more customers than clusters")

    scores, models = {}, {}
    # One thread: each fit is small, and OpenMP threads competing with the web server and other
    # sessions for the same cores made fits several times slower, not faster.
    with threadpool_limits(limits=1):
        for k in candidates:
            models[k] = _model(method, k, random_state).fit(matrix[fit_rows])
            sample_labels = models[k].predict(matrix[score_rows])
            scores[k] = (silhouette_score(matrix[score_rows], sample_labels)
                         if len(np.unique(sample_labels)) > 1 else -1.0)
        best_k = max(scores, key=lambda k: (scores[k], -k))
        raw_labels = models[best_k].predict(matrix)
    labels = _order_by_revenue(raw_labels, features)
    labels = pd.Series(labels, index=standardized.index, name="cluster")
    return Segmentation(
        method=method,
        n_clusters=int(labels.nunique()),
        labels=labels,
        silhouette=pd.Series(scores, name="silhouette").rename_axis("clusters"),
        features=tuple(standardized.columns),
        standardized=standardized,
        centers=standardized.groupby(labels).mean(),
        profiles=cluster_profiles(features, labels),
    )


def _sample_rows(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    return np.arange(n) if n <= size else np.sort(rng.choice(n, size, replace=False))


def _order_by_revenue(raw_labels: np.ndarray, features: pd.DataFrame) -> np.ndarray:
    """Cluster numbers 0..k-1 by decreasing revenue (then size), so numbering is stable."""
    revenue = (pd.to_numeric(features["revenue"], errors="coerce").fillna(0).to_numpy()
               if "revenue" in features.columns else np.zeros(len(raw_labels)))
    by_label = pd.DataFrame({"label": raw_labels, "revenue": revenue}).groupby("label")["revenue"]
    totals = by_label.agg(["sum", "size"])
    ranked = totals.sort_values(["sum", "size"], ascending=False).index
    return pd.Series(np.arange(len(ranked)), index=ranked).loc[raw_labels].to_numpy()


def cluster_profiles(features: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """One row per cluster: customers, share, value shares, raw feature means, and a name.

    Shares: ``revenue_share`` (and ``gross_profit_share``, ``potential_value_share`` when those
    columns have data) of the customer base total. ``name_key`` is a translation key;
    ``name_number`` tells apart clusters with the same name (1, 2, ... in cluster order; 0 when
    the name is unique).
    """
    features = _indexed(features).loc[labels.index]
    groups = features.groupby(labels)
    profiles = pd.DataFrame({"customers": groups.size()})
    profiles["share"] = profiles["customers"] / profiles["customers"].sum()
    for name in ("revenue", "gross_profit", "potential_value"):
        if name in features.columns and features[name].notna().any():
            total = features[name].sum()
            profiles[f"{name}_share"] = groups[name].sum() / total if total else np.nan
    for name in dict.fromkeys(CLUSTER_FEATURES + ("gross_profit",)):
        if name in features.columns:
            profiles[name] = groups[name].mean()
    profiles["name_key"] = _names(features, labels)
    repeats = profiles.groupby("name_key")["name_key"].transform("size")
    profiles["name_number"] = np.where(repeats > 1, profiles.groupby("name_key").cumcount() + 1, 0)
    return profiles.rename_axis("cluster")


def _names(features: pd.DataFrame, labels: pd.Series) -> pd.Series:
    """Name key per cluster from the cluster medians' percentiles in the whole customer base."""
    present = [n for n in CLUSTER_FEATURES if n in features.columns and features[n].notna().any()]
    percentiles = features[present].apply(pd.to_numeric, errors="coerce").rank(pct=True)
    levels = percentiles.groupby(labels).median().reindex(columns=list(CLUSTER_FEATURES)).fillna(0.5)
    return levels.apply(_name_from_levels, axis=1)


def _name_from_levels(level: pd.Series) -> str:
    if level["tenure_days"] < 0.3 and level["orders"] <= 0.5:
        return "seg.name.new"
    if level["recency_days"] > 0.7 and level["revenue"] <= 0.5:
        return "seg.name.lapsed"
    if level["recency_days"] > 0.6 and level["revenue"] > 0.5:
        return "seg.name.at_risk"
    if level["revenue"] > 0.6 and level["orders"] > 0.5:
        return "seg.name.high_value_low_margin" if level["margin_pct"] < 0.4 else "seg.name.loyal_high_value"
    if level["potential_value"] > 0.65:
        return "seg.name.high_potential"
    if level["growth"] > 0.65:
        return "seg.name.growing"
    if level["revenue"] < 0.4:
        return "seg.name.occasional_low_value"
    return "seg.name.regular"


def projection_2d(segmentation: Segmentation, max_points: int = 1_500, random_state: int = 0) -> Projection:
    """Principal-component map of at most ``max_points`` customers, for a readable scatter (3,000
    points with their names took 250 KB and most of the browser's time on the Segments page).

    Each cluster keeps at least min(its size, 30) points so that small clusters stay visible; the
    rest of the budget is shared in proportion to cluster size.
    """
    from sklearn.decomposition import PCA

    standardized = segmentation.standardized
    labels = segmentation.labels
    components = min(2, standardized.shape[1])
    pca = PCA(n_components=components, random_state=random_state).fit(standardized.to_numpy())
    sizes = labels.value_counts().sort_index()
    if len(labels) <= max_points:
        quotas = sizes
    else:
        floor = np.minimum(sizes, max(1, min(30, max_points // len(sizes))))
        spare = sizes - floor
        quotas = floor + np.floor(max(max_points - floor.sum(), 0) * spare / spare.sum()).astype(int)
    rng = np.random.default_rng(random_state)
    chosen = [
        members.index[np.sort(rng.choice(len(members), quotas[cluster], replace=False))]
        for cluster, members in labels.groupby(labels)
    ]
    index = chosen[0].append(chosen[1:])
    coordinates = pca.transform(standardized.loc[index].to_numpy())
    y = coordinates[:, 1] if components == 2 else np.zeros(len(index))
    points = pd.DataFrame({"customer_id": index, "x": coordinates[:, 0], "y": y,
                           "cluster": labels.loc[index].to_numpy()})
    ratios = list(pca.explained_variance_ratio_) + [0.0] * (2 - components)
    return Projection(points, (float(ratios[0]), float(ratios[1])))


def cluster_tier_crosstab(labels: pd.Series, tiers: pd.Series) -> pd.DataFrame:
    """Customers per cluster (rows) and tier (columns), matched on customer_id.

    Tier columns follow the categorical order of ``tiers`` when it has one, else sorted order.
    Customers without a tier are left out.
    """
    joined = pd.DataFrame({"cluster": labels}).join(tiers.rename("tier"), how="inner").dropna()
    table = pd.crosstab(joined["cluster"], joined["tier"])
    order = (list(tiers.cat.categories) if isinstance(tiers.dtype, pd.CategoricalDtype)
             else sorted(table.columns))
    clusters = sorted(labels.unique())
    return table.reindex(index=clusters, columns=order, fill_value=0)
