"""Customer segments: recovery of planted groups, names, determinism, sampling, figures."""

import dataclasses
import string

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from analytics import segments
from ui.figures.segments import (
    crosstab_heatmap,
    profile_heatmap,
    projection_figure,
    segment_names,
)
from ui.format import percent
from ui.i18n import TABLE, translate

# Planted groups: (share, days since last order, orders, margin %, tenure days) and expected name.
GROUPS = {
    "seg.name.loyal_high_value": (0.10, 10, 40, 32, 1500),
    "seg.name.high_value_low_margin": (0.08, 12, 35, 3, 1400),
    "seg.name.at_risk": (0.17, 220, 15, 25, 1200),
    "seg.name.regular": (0.25, 30, 6, 20, 800),
    "seg.name.lapsed": (0.25, 600, 2, 18, 900),
    "seg.name.new": (0.15, 20, 2, 15, 60),
}


def planted_features(n=1500, seed=0):
    """Customer features in the shape of analytics.features, drawn around the planted groups."""
    rng = np.random.default_rng(seed)
    names = list(GROUPS)
    group = rng.choice(len(names), n, p=[GROUPS[k][0] for k in names])
    recency, orders, margin, tenure = (np.array([GROUPS[k][i] for k in names])[group] for i in range(1, 5))
    orders = np.ceil(orders * rng.lognormal(0, 0.25, n))
    revenue = orders * rng.lognormal(5, 0.3, n)
    features = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(n)],
        "name": [f"Customer {i}" for i in range(n)],
        "recency_days": np.round(recency * rng.lognormal(0, 0.3, n)),
        "orders": orders.astype(int),
        "revenue": revenue,
        "margin_pct": margin + rng.normal(0, 2, n),
        "tenure_days": np.round(tenure * rng.lognormal(0, 0.15, n)),
        "growth": np.where(rng.random(n) < 0.3, np.nan, rng.normal(0, 0.3, n)),
        "gross_profit": revenue * (margin / 100),
        "account_team_size": np.nan,
    })
    return features, pd.Series(np.array(names)[group], index=features["customer_id"])


@pytest.fixture(scope="module")
def planted():
    return planted_features()


@pytest.fixture(scope="module")
def kmeans_result(planted):
    return segments.segment_customers(planted[0])


def test_kmeans_finds_the_planted_groups_and_names_them(planted, kmeans_result):
    _, truth = planted
    assert kmeans_result.n_clusters == len(GROUPS)
    assert set(kmeans_result.silhouette.index) == set(range(2, 9))
    assert kmeans_result.silhouette.idxmax() == len(GROUPS)
    assert adjusted_rand_score(truth, kmeans_result.labels) > 0.95
    names = kmeans_result.profiles["name_key"]
    majority = truth.groupby(kmeans_result.labels).agg(lambda values: values.mode()[0])
    assert (names == majority).all()
    assert (kmeans_result.profiles["name_number"] == 0).all()


def test_gaussian_mixture_finds_the_planted_groups(planted):
    features, truth = planted
    result = segments.segment_customers(features, method="gmm")
    assert result.method == "gmm" and result.n_clusters == len(GROUPS)
    assert adjusted_rand_score(truth, result.labels) > 0.9


def test_clusters_are_numbered_by_revenue_and_profiles_add_up(planted, kmeans_result):
    features, _ = planted
    profiles = kmeans_result.profiles
    assert list(profiles.index) == list(range(kmeans_result.n_clusters))
    assert profiles["revenue_share"].is_monotonic_decreasing
    assert profiles["customers"].sum() == len(features)
    assert profiles[["share", "revenue_share", "gross_profit_share"]].sum().to_numpy() == pytest.approx(1)
    revenue = features.set_index("customer_id")["revenue"]
    assert profiles.loc[0, "revenue"] == pytest.approx(revenue[kmeans_result.labels == 0].mean())
    assert "potential_value_share" not in profiles and "account_team_size" not in profiles


def test_same_seed_gives_the_same_segments(planted, kmeans_result):
    again = segments.segment_customers(planted[0])
    pd.testing.assert_series_equal(again.labels, kmeans_result.labels)
    some = planted[0].iloc[:800]  # determinism holds on any data; fewer rows keep the test fast
    for method in segments.METHODS:
        first = segments.segment_customers(some, method=method, n_clusters=4, random_state=5)
        second = segments.segment_customers(some, method=method, n_clusters=4, random_state=5)
        pd.testing.assert_series_equal(first.labels, second.labels)


def test_manual_number_of_clusters_and_duplicate_names(planted):
    result = segments.segment_customers(planted[0], n_clusters=9)
    profiles = result.profiles
    assert result.n_clusters == 9 and list(result.silhouette.index) == [9]
    assert profiles["name_key"].isin(segments.NAME_KEYS).all()
    assert not profiles.duplicated(["name_key", "name_number"]).any()
    repeated = profiles["name_key"].duplicated(keep=False)
    assert repeated.any()  # 9 clusters on 6 groups: some names repeat and get numbers
    assert (profiles.loc[repeated, "name_number"] > 0).all()
    assert (profiles.loc[~repeated, "name_number"] == 0).all()
    for lang in ("en", "zh"):
        assert segment_names(profiles, lang).is_unique


def test_sampling_keeps_large_bases_fast_and_consistent(planted):
    features, truth = planted
    sampled = segments.segment_customers(features, n_clusters=6, fit_sample=1000, silhouette_sample=300)
    assert adjusted_rand_score(truth, sampled.labels) > 0.9
    assert len(sampled.labels) == len(features)


def test_features_are_transformed_imputed_and_standardized():
    features, _ = planted_features(500, seed=3)
    features["growth"] = np.nan  # unavailable: dropped
    features.loc[:199, "margin_pct"] = np.nan  # 40 % missing: imputed
    features.loc[0, "revenue"] = -50.0  # net returns: signed log
    features["orders"] = features["orders"].astype(float)
    features.loc[1, "orders"] = np.inf
    standardized = segments.standardize_features(features)
    assert list(standardized.columns) == ["recency_days", "orders", "revenue", "margin_pct", "tenure_days"]
    assert standardized.notna().all().all()
    np.testing.assert_allclose(standardized.mean(), 0, atol=1e-9)
    np.testing.assert_allclose(standardized.std(ddof=0), 1)
    assert standardized.loc["C00000", "revenue"] < standardized["revenue"].drop("C00000").min()
    features.loc[:299, "margin_pct"] = np.nan  # 60 % missing: dropped
    assert "margin_pct" not in segments.standardize_features(features).columns


def test_unusable_data_raises_clear_errors():
    features, _ = planted_features(100)
    with pytest.raises(segments.SegmentationError) as raised:
        segments.segment_customers(features.head(5))
    assert raised.value.reason == "too_few_customers"
    assert raised.value.counts == {"customers": 5, "required": segments.MIN_CUSTOMERS}
    constant = pd.DataFrame({"customer_id": list("abcdefghijkl"), "orders": 3, "revenue": np.nan})
    with pytest.raises(segments.SegmentationError) as raised:
        segments.segment_customers(constant)
    assert raised.value.reason == "no_usable_features"
    with pytest.raises(ValueError, match="method"):
        segments.segment_customers(features, method="dbscan")
    with pytest.raises(ValueError, match="at least 2 clusters"):
        segments.segment_customers(features, n_clusters=1)


def _placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("reason", segments.SegmentationError.REASONS)
def test_every_error_reason_has_a_message_in_both_languages(reason):
    entry = TABLE[f"seg.error.{reason}"]
    assert _placeholders(entry["en"]) == _placeholders(entry["zh"])
    for lang in ("en", "zh"):
        assert translate(f"seg.error.{reason}", lang, **dict.fromkeys(_placeholders(entry["en"]), 1))


def test_every_name_and_feature_is_translated():
    for key in segments.NAME_KEYS + tuple(f"seg.feature.{f}" for f in segments.CLUSTER_FEATURES):
        assert TABLE[key]["en"] and TABLE[key]["zh"], key


def test_projection_is_bounded_and_keeps_every_cluster(planted, kmeans_result):
    projection = segments.projection_2d(kmeans_result, max_points=400)
    points = projection.points
    assert len(points) <= 400 and points["customer_id"].is_unique
    sizes = points["cluster"].value_counts()
    assert set(sizes.index) == set(range(kmeans_result.n_clusters))
    assert (sizes >= 30).all()
    assert (points["cluster"].to_numpy() == kmeans_result.labels.loc[points["customer_id"]].to_numpy()).all()
    assert 0.5 < sum(projection.explained_variance_ratio) <= 1
    everyone = segments.projection_2d(kmeans_result, max_points=10_000)
    assert len(everyone.points) == len(planted[0])


def test_cluster_tier_crosstab_counts_matched_customers():
    labels = pd.Series([0, 0, 1, 1, 1, 2], index=list("abcdef"))
    tiers = pd.Series(pd.Categorical(["S", "C", "C", "A", None, "C"], categories=["S", "A", "B", "C"]),
                      index=list("abcdef"))
    table = segments.cluster_tier_crosstab(labels, tiers.drop("f"))
    assert list(table.columns) == ["S", "A", "B", "C"]
    assert table.to_dict("index") == {
        0: {"S": 1, "A": 0, "B": 0, "C": 1},
        1: {"S": 0, "A": 1, "B": 0, "C": 1},
        2: {"S": 0, "A": 0, "B": 0, "C": 0},
    }


def test_figures_show_segments_in_both_languages(planted, kmeans_result):
    features, _ = planted
    projection = segments.projection_2d(kmeans_result, max_points=300)
    customer_names = features.set_index("customer_id")["name"]
    for lang in ("en", "zh"):
        names = segment_names(kmeans_result.profiles, lang)
        scatter = projection_figure(projection, kmeans_result.profiles, lang, customer_names)
        assert [trace.name for trace in scatter.data] == names.tolist()
        assert sum(len(trace.x) for trace in scatter.data) == len(projection.points)
        assert str(scatter.data[0].customdata[0]).startswith("Customer ")

        heatmap = profile_heatmap(kmeans_result, lang)
        assert heatmap.data[0].z.shape == kmeans_result.centers.shape
        assert list(heatmap.data[0].y) == names.tolist()
        assert translate("seg.feature.revenue", lang) in heatmap.data[0].x
        growth = list(kmeans_result.centers.columns).index("growth")  # hovered in percent, not as 0.1
        assert [row[growth] for row in heatmap.data[0].customdata] == [
            percent(value, lang) for value in kmeans_result.profiles.loc[kmeans_result.centers.index, "growth"]]

        tiers = pd.Series(np.where(features["revenue"] > features["revenue"].median(), "A", "C"),
                          index=features["customer_id"])
        crosstab = segments.cluster_tier_crosstab(kmeans_result.labels, tiers)
        table = crosstab_heatmap(crosstab, kmeans_result.profiles, lang)
        assert np.asarray(table.data[0].z).sum() == len(features)
        assert list(table.data[0].x) == [translate("value.tier.A", lang), translate("value.tier.C", lang)]


def test_a_segment_without_an_average_has_no_colour_in_the_traits_heatmap(kmeans_result):
    """New customers have no growth: the clustering fills it in, the heatmap must not colour it."""
    profiles = kmeans_result.profiles.copy()
    newest = kmeans_result.centers.index[0]
    profiles.loc[newest, "growth"] = np.nan
    heatmap = profile_heatmap(dataclasses.replace(kmeans_result, profiles=profiles), "en")
    missing = np.isnan(np.asarray(heatmap.data[0].z, dtype=float))
    row, column = list(kmeans_result.centers.index).index(newest), list(kmeans_result.centers.columns).index("growth")
    assert missing[row, column] and missing.sum() == 1
    assert heatmap.data[0].customdata[row][column] == "–"
    assert heatmap.layout.plot_bgcolor not in ("white", "#ffffff", None)  # blank reads as no data, not as average
