"""Value dimensions: money per dimension (realized, potential, influence, the pool rule for ratings),
0-100 scores, and the dimensions switched off for want of data."""

from __future__ import annotations

import numpy as np
import pytest
from value_features import make_features

from analytics.dimensions import (
    DIMENSIONS,
    NEUTRAL_SCORE,
    NO_POOL,
    POOL,
    RATED_DIMENSIONS,
    REASONS,
    Dimension,
    Unavailable,
    _put,
    _row_mean,
    dimension_scores,
)
from analytics.ordering import percentile_scores
from analytics.presets import PRESETS
from analytics.value_model import score_customers

BALANCED = PRESETS["balanced"]


def money(scores, dimension: str) -> np.ndarray:
    return scores.money[:, scores.dimensions.index(dimension)]


# ---------------------------------------------------------------------------------------------
# Money per dimension


def test_realized_value_is_gross_profit_and_losses_stay_negative():
    features = make_features(120)
    scores = dimension_scores(features)
    np.testing.assert_allclose(money(scores, "economic"), features["gross_profit"])
    assert (money(scores, "economic") < 0).any()
    assert scores.realized_measure == "gross_profit" and scores.estimated_realized == 0
    assert scores.pool == pytest.approx(features["gross_profit"].sum())
    np.testing.assert_allclose(scores.matrix[:, 0], percentile_scores(features["gross_profit"]))


def test_without_cost_data_realized_value_is_revenue_and_the_page_is_told():
    features = make_features(60).assign(gross_profit=np.nan)
    scores = dimension_scores(features)
    np.testing.assert_allclose(money(scores, "economic"), features["revenue"])
    assert scores.realized_measure == "revenue"
    assert Unavailable("economic", "gross_profit", "no_cost_data") in scores.unavailable
    assert Unavailable("per_head", None, "no_cost_data") in scores.unavailable


def test_customers_without_cost_data_are_valued_at_the_margin_of_the_costed_revenue():
    features = make_features(50)
    features.loc[[3, 7], "gross_profit"] = np.nan
    costed = features.drop(index=[3, 7])
    margin = costed["gross_profit"].sum() / costed["revenue"].sum()
    scores = dimension_scores(features)
    assert scores.estimated_realized == 2
    np.testing.assert_allclose(money(scores, "economic")[[3, 7]], features.loc[[3, 7], "revenue"] * margin)


def test_each_rated_dimension_shares_out_the_total_realized_value_by_its_rating():
    features = make_features(150)
    scores = dimension_scores(features)
    for dimension in RATED_DIMENSIONS:
        assert money(scores, dimension).sum() == pytest.approx(scores.pool), dimension
    satisfaction = features["satisfaction"].fillna(features["satisfaction"].mean())
    np.testing.assert_allclose(money(scores, "satisfaction"), scores.pool * satisfaction / satisfaction.sum())
    unrated = features["satisfaction"].isna().to_numpy()
    column = scores.dimensions.index("satisfaction")
    assert unrated.any() and (scores.matrix[unrated, column] == NEUTRAL_SCORE).all()
    assert scores.missing[unrated, column].all()
    np.testing.assert_allclose(money(scores, "satisfaction")[unrated], scores.pool / satisfaction.sum() * satisfaction.mean())


def test_profit_per_head_counts_loss_makers_from_zero():
    features = make_features(100)
    scores = dimension_scores(features)
    per_head = features["gross_profit"] / features["account_team_size"]
    losing = (per_head < 0).to_numpy()
    assert losing.any()
    assert (money(scores, "per_head")[losing] == 0).all()
    positive = per_head.clip(lower=0)
    np.testing.assert_allclose(money(scores, "per_head"), scores.pool * positive / positive.sum())
    column = scores.dimensions.index("per_head")  # the score still orders the losses
    np.testing.assert_allclose(scores.matrix[:, column], percentile_scores(per_head))


def test_influence_is_referrals_times_the_value_per_referral():
    features = make_features(80)
    scores = dimension_scores(features)
    new = features["tenure_days"] <= 365
    assert scores.default_referral_value == pytest.approx(features.loc[new, "gross_profit"].mean())
    assert scores.referral_value == scores.default_referral_value
    np.testing.assert_allclose(money(scores, "influence"), features["referrals"] * scores.referral_value)
    chosen = dimension_scores(features, referral_value=250.0)
    np.testing.assert_allclose(money(chosen, "influence"), features["referrals"] * 250.0)
    assert chosen.default_referral_value == scores.default_referral_value
    with pytest.raises(ValueError, match="per referral"):
        dimension_scores(features, referral_value=-1.0)


def test_the_default_value_per_referral_is_never_negative():
    features = make_features(40).assign(gross_profit=-10.0)
    assert dimension_scores(features).default_referral_value == 0.0


def test_model_based_potential_value_replaces_the_growth_proxy():
    features = make_features(60)
    scores = dimension_scores(features)
    assert scores.potential_source == "growth"
    next_year = (features["revenue_last_12m"] * (1 + features["growth"])).clip(lower=0)
    np.testing.assert_allclose(money(scores, "potential"), next_year * features["gross_profit"] / features["revenue"])
    features["potential_value"] = np.random.default_rng(1).gamma(2.0, 100.0, len(features))
    scores = dimension_scores(features)
    assert scores.potential_source == "potential_value"
    np.testing.assert_allclose(money(scores, "potential"), features["potential_value"])
    potential = scores.matrix[:, scores.dimensions.index("potential")]
    np.testing.assert_allclose(potential, percentile_scores(features["potential_value"]))


def test_dimensions_without_data_are_switched_off_and_reported():
    features = make_features(80).drop(columns=["satisfaction"])
    features["gross_profit"] = np.nan
    features["growth"] = np.nan
    scores = dimension_scores(features)
    assert set(scores.unavailable_dimensions) == {"per_head", "satisfaction", "potential"}
    assert set(scores.dimensions) == set(DIMENSIONS) - {"per_head", "satisfaction", "potential"}
    assert Unavailable("satisfaction", None, "no_satisfaction") in scores.unavailable
    assert Unavailable("potential", None, "no_growth_history") in scores.unavailable
    assert scores.sources["economic"] == ("revenue",)
    assert scores.potential_source is None
    assert all(item.reason in REASONS for item in scores.unavailable)


def test_without_positive_realized_value_the_rated_dimensions_have_no_pool():
    features = make_features(30).assign(gross_profit=lambda f: -f["revenue"] * 0.1)
    scores = dimension_scores(features)
    assert {item.dimension for item in scores.unavailable if item.reason == NO_POOL} == set(RATED_DIMENSIONS)
    assert "economic" in scores.dimensions and "influence" in scores.dimensions


def test_scores_are_in_customer_id_order_whatever_the_input_order():
    features = make_features(60)
    shuffled = features.sample(frac=1.0, random_state=3)
    ordered, from_shuffled = dimension_scores(features), dimension_scores(shuffled)
    np.testing.assert_array_equal(from_shuffled.customer_ids, features["customer_id"].to_numpy())
    np.testing.assert_allclose(from_shuffled.matrix, ordered.matrix)
    np.testing.assert_allclose(from_shuffled.money, ordered.money)


def test_an_empty_dataset_has_no_dimension_to_weigh():
    scores = dimension_scores(make_features(5).iloc[:0])
    assert scores.n_customers == 0 and scores.dimensions == ()
    assert set(scores.unavailable_dimensions) == set(DIMENSIONS)
    with pytest.raises(ValueError, match="available"):
        score_customers(scores, BALANCED)


def test_duplicate_customer_ids_are_rejected():
    features = make_features(5)
    features.loc[4, "customer_id"] = features.loc[0, "customer_id"]
    with pytest.raises(ValueError, match="unique"):
        dimension_scores(features)


def test_a_dimension_is_declared_with_a_known_scoring():
    assert DIMENSIONS[:3] == ("economic", "potential", "influence") and set(RATED_DIMENSIONS) < set(DIMENSIONS)
    with pytest.raises(ValueError, match="scoring"):
        Dimension("loyalty", ("loyalty",), "no_loyalty", "by_rank")
    assert Dimension("loyalty", ("loyalty",), "no_loyalty", POOL).name == "loyalty"


def test_the_mean_of_several_sources_skips_missing_ones_per_customer():
    rng = np.random.default_rng(2)
    rows = 150_000  # more than two blocks of rows
    columns = [np.where(rng.random(rows) < 0.4, np.nan, rng.integers(0, 11, rows).astype(float)) for _ in range(3)]
    stacked = np.column_stack(columns)
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning, match="empty slice"):
        expected = np.nanmean(stacked, axis=1)
    assert np.isnan(expected).any()
    np.testing.assert_array_equal(_row_mean(columns), expected)


@pytest.mark.parametrize("value", [0.0, -0.0, 2.5, np.nan, np.inf])
def test_putting_a_value_where_flagged_is_numpys_masked_copy_bit_for_bit(value):
    rng = np.random.default_rng(5)
    values = rng.normal(0, 1e6, 150_000)  # more than two blocks of rows
    values[:6] = [np.nan, -0.0, 0.0, np.inf, -np.inf, 5e-324]
    where = rng.random(values.size) < 0.4
    where[:6] = [False, True, False, False, True, False]
    expected = values.copy()
    np.copyto(expected, value, where=where)
    _put(values, where, value)
    np.testing.assert_array_equal(values.view(np.int64), expected.view(np.int64))


def test_scoring_reads_the_features_and_never_writes_them():
    features = make_features(500)
    before = features.copy()
    dimension_scores(features)
    assert features.equals(before)
