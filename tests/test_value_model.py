"""Value model, tiers, presets and strategy data over hand-built features DataFrames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import strategy
from analytics.store import Store
from analytics.value_model import (
    DEFAULT_SHARES,
    DIMENSIONS,
    NEUTRAL_SCORE,
    PRESETS,
    RANK_FLAGS,
    REASONS,
    TIER_METHODS,
    TIERS,
    Unavailable,
    assign_tiers,
    delete_preset,
    dimension_scores,
    explain_customer,
    list_presets,
    load_preset,
    percentile_scores,
    rank_comparison,
    save_preset,
    score_customers,
    value_table,
)
from ui.strings.value import STRINGS

BALANCED = PRESETS["balanced"]


def make_features(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """Columns of analytics.features.customer_features, with ties and some missing ratings."""
    rng = np.random.default_rng(seed)
    revenue = rng.lognormal(8, 1.2, n)
    gross_profit = revenue * rng.uniform(0.0, 0.5, n)

    def rating(missing_share: float) -> np.ndarray:
        return np.where(rng.random(n) < missing_share, np.nan, rng.integers(0, 11, n).astype(float))

    return pd.DataFrame({
        "customer_id": [f"C{i:04d}" for i in range(n)],
        "name": [f"Customer {i}" for i in range(n)],
        "customer_type": rng.choice(["consumer", "dealer", "enterprise"], n),
        "orders": rng.integers(1, 20, n),
        "recency_days": rng.integers(0, 400, n),
        "revenue": revenue,
        "gross_profit": gross_profit,
        "margin_pct": gross_profit / revenue * 100,
        "growth": rng.normal(0.05, 0.3, n),
        "account_team_size": rng.integers(1, 5, n).astype(float),
        "referrals": rng.poisson(1.0, n).astype(float),
        "satisfaction": rating(0.2),
        "brand_influence": rating(0.1),
        "channel_strength": rating(0.1),
        "industry_expansion": rating(0.1),
        "new_product_pilot": rating(0.5),
    })


def economic_scores(features: pd.DataFrame) -> np.ndarray:
    scores = dimension_scores(features)
    return scores.matrix[:, scores.dimensions.index("economic")]


# ---------------------------------------------------------------------------------------------
# Dimension scores


def test_percentile_scores_use_average_ranks_and_skip_nan():
    scores = percentile_scores([10.0, 20.0, 20.0, np.nan, 1e9])
    np.testing.assert_allclose(scores, [0.0, 50.0, 50.0, np.nan, 100.0])


def test_percentile_scores_are_neutral_for_constant_or_single_values():
    np.testing.assert_allclose(percentile_scores([3.0, 3.0, 3.0]), [NEUTRAL_SCORE] * 3)
    np.testing.assert_allclose(percentile_scores([np.nan, 7.0]), [np.nan, NEUTRAL_SCORE])


@pytest.mark.parametrize("seed", range(5))
def test_raising_revenue_never_lowers_the_economic_score(seed):
    features = make_features(150, seed)
    before = economic_scores(features)
    rng = np.random.default_rng(seed + 100)
    for customer in rng.choice(len(features), 8, replace=False):
        raised = features.copy()
        raised.loc[customer, "revenue"] *= rng.uniform(1.0, 50.0)
        assert economic_scores(raised)[customer] >= before[customer] - 1e-9


def test_raising_revenue_to_the_top_raises_the_economic_score():
    features = make_features(100)
    lowest = int(features["revenue"].idxmin())
    raised = features.copy()
    raised.loc[lowest, "revenue"] = features["revenue"].max() * 2
    assert economic_scores(raised)[lowest] > economic_scores(features)[lowest]


def test_recent_buyers_score_higher():
    features = make_features(50).drop(columns=["revenue", "gross_profit", "orders"])
    features["recency_days"] = np.random.default_rng(2).permutation(50)
    economic = economic_scores(features)
    assert economic[features["recency_days"].idxmin()] == 100.0
    assert economic[features["recency_days"].idxmax()] == 0.0


def test_dimensions_without_data_are_switched_off_and_reported():
    features = make_features(80).drop(columns=["satisfaction"])
    features["gross_profit"] = np.nan
    features["growth"] = np.nan
    scores = dimension_scores(features)
    assert set(scores.unavailable_dimensions) == {"per_head", "satisfaction", "potential"}
    assert set(scores.dimensions) == set(DIMENSIONS) - {"per_head", "satisfaction", "potential"}
    assert Unavailable("economic", "gross_profit", "no_cost_data") in scores.unavailable
    assert Unavailable("per_head", None, "no_cost_data") in scores.unavailable
    assert Unavailable("satisfaction", None, "no_satisfaction") in scores.unavailable
    assert Unavailable("potential", None, "no_growth_history") in scores.unavailable
    assert scores.sources["economic"] == ("revenue", "orders", "recency_days")
    assert scores.potential_source is None
    assert all(item.reason in REASONS for item in scores.unavailable)


def test_model_based_potential_value_replaces_growth():
    features = make_features(60)
    assert dimension_scores(features).potential_source == "growth"
    features["potential_value"] = np.random.default_rng(1).gamma(2.0, 100.0, len(features))
    scores = dimension_scores(features)
    assert scores.potential_source == "potential_value"
    potential = scores.matrix[:, scores.dimensions.index("potential")]
    np.testing.assert_allclose(potential, percentile_scores(features["potential_value"]))


def test_a_customer_without_a_rating_gets_the_neutral_score():
    features = make_features(40)
    features.loc[3, "satisfaction"] = np.nan
    scores = dimension_scores(features)
    column = scores.dimensions.index("satisfaction")
    assert scores.matrix[3, column] == NEUTRAL_SCORE
    assert scores.missing[3, column]
    only_satisfaction = {dimension: 0.0 for dimension in DIMENSIONS} | {"satisfaction": 1.0}
    assert score_customers(scores, only_satisfaction).composite[3] == NEUTRAL_SCORE


def test_scores_are_in_customer_id_order_whatever_the_input_order():
    features = make_features(60)
    shuffled = features.sample(frac=1.0, random_state=3)
    ordered, from_shuffled = dimension_scores(features), dimension_scores(shuffled)
    np.testing.assert_array_equal(from_shuffled.customer_ids, features["customer_id"].to_numpy())
    np.testing.assert_allclose(from_shuffled.matrix, ordered.matrix)


def test_an_empty_dataset_has_no_dimension_to_weigh():
    scores = dimension_scores(make_features(5).iloc[:0])
    assert scores.n_customers == 0 and scores.dimensions == ()
    assert set(scores.unavailable_dimensions) == set(DIMENSIONS)
    with pytest.raises(ValueError, match="available"):
        score_customers(scores, BALANCED)


@pytest.mark.parametrize("method", TIER_METHODS)
def test_a_single_customer_scores_neutral_and_is_the_s_tier(method):
    features = make_features(1)
    model = score_customers(dimension_scores(features), BALANCED, method)
    assert model.composite.tolist() == [pytest.approx(NEUTRAL_SCORE)]
    assert model.tiering.labels.tolist() == ["S"]
    cards = strategy.strategy_cards(value_table(features, model))
    assert [card.customers for card in cards] == [1, 0, 0, 0]
    assert cards[0].revenue_share == 1.0 and all(np.isnan(card.avg_revenue) for card in cards[1:])
    assert rank_comparison(features, model)["flag"].tolist() == ["none"]


def test_duplicate_customer_ids_are_rejected():
    features = make_features(5)
    features.loc[4, "customer_id"] = features.loc[0, "customer_id"]
    with pytest.raises(ValueError, match="unique"):
        dimension_scores(features)


# ---------------------------------------------------------------------------------------------
# Weights and composite value


def test_a_zero_weight_removes_the_dimension_effect():
    features = make_features(120)
    weights = dict(BALANCED, satisfaction=0.0)
    reshuffled = features.assign(satisfaction=features["satisfaction"].sample(frac=1.0, random_state=1).to_numpy())
    composite = score_customers(dimension_scores(features), weights).composite
    np.testing.assert_allclose(score_customers(dimension_scores(reshuffled), weights).composite, composite)
    without = score_customers(dimension_scores(features.drop(columns=["satisfaction"])), weights).composite
    np.testing.assert_allclose(without, composite)


def test_a_positive_weight_has_an_effect():
    features = make_features(120)
    reshuffled = features.assign(satisfaction=features["satisfaction"].sample(frac=1.0, random_state=1).to_numpy())
    before = score_customers(dimension_scores(features), BALANCED).composite
    after = score_customers(dimension_scores(reshuffled), BALANCED).composite
    assert not np.allclose(before, after)


def test_weights_are_renormalized_over_available_dimensions():
    features = make_features(90)
    features["gross_profit"] = np.nan
    model = score_customers(dimension_scores(features), PRESETS["key_account"])
    used = model.weights_used
    assert used["per_head"] == 0.0
    assert sum(used.values()) == pytest.approx(1.0)
    assert model.composite.min() >= 0.0 and model.composite.max() <= 100.0
    np.testing.assert_allclose(model.contributions().sum(axis=1), model.composite)


def test_invalid_weights_are_rejected():
    scores = dimension_scores(make_features(20))
    with pytest.raises(ValueError, match="unknown"):
        score_customers(scores, {"loyalty": 1.0})
    with pytest.raises(ValueError, match=">= 0"):
        score_customers(scores, dict(BALANCED, economic=-1.0))
    with pytest.raises(ValueError, match="positive"):
        score_customers(scores, {dimension: 0.0 for dimension in DIMENSIONS})
    without_satisfaction = dimension_scores(make_features(20).drop(columns=["satisfaction"]))
    with pytest.raises(ValueError, match="available"):
        score_customers(without_satisfaction, {"satisfaction": 1.0})


# ---------------------------------------------------------------------------------------------
# Tiers


@pytest.mark.parametrize("n", [1, 7, 37, 1000])
@pytest.mark.parametrize("shares", [None, {"S": 0.1, "A": 0.2, "B": 0.3}, {"S": 0.0, "A": 0.5, "B": 0.5}])
def test_tier_sizes_match_the_customer_share_cutoffs(n, shares):
    values = np.random.default_rng(n).uniform(0, 100, n)
    tiering = assign_tiers(values, "by_customer_share", shares)
    used = shares or DEFAULT_SHARES["by_customer_share"]
    ends = np.ceil(np.cumsum([used["S"], used["A"], used["B"]]) * n - 1e-9).astype(int)
    expected = np.diff(np.concatenate([[0], ends, [n]]))
    np.testing.assert_array_equal(np.bincount(tiering.codes, minlength=4), expected)
    np.testing.assert_array_equal(tiering.cutoffs["customers"], expected)
    for code in range(3):  # every customer of a tier is worth at least as much as the next tier's
        upper, lower = values[tiering.codes == code], values[tiering.codes == code + 1]
        if len(upper) and len(lower):
            assert upper.min() >= lower.max()
    present = tiering.cutoffs["customers"] > 0
    labels = tiering.labels
    for _, row in tiering.cutoffs[present].iterrows():
        assert row["min_score"] == values[labels == row["tier"]].min()
        assert row["max_score"] == values[labels == row["tier"]].max()


def test_default_customer_share_tiers_of_a_thousand_customers():
    tiering = assign_tiers(np.random.default_rng(0).normal(50, 10, 1000))
    assert tiering.cutoffs["customers"].tolist() == [50, 150, 300, 500]
    assert tiering.cutoffs["value_share"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("values", [
    np.random.default_rng(5).uniform(10, 100, 500),
    np.random.default_rng(6).lognormal(0, 2, 3000),  # skewed: most value in a few bins
    np.random.default_rng(7).integers(0, 4, 800).astype(float),  # heavy ties and zeros
    np.append(np.random.default_rng(8).uniform(1, 2, 999), 100.0),  # an outlier crowds the rest into few bins
], ids=["uniform", "skewed", "ties", "outlier"])
def test_value_share_tiers_take_the_fewest_customers_reaching_each_share(values):
    tiering = assign_tiers(values, "by_value_share", {"S": 0.1, "A": 0.25, "B": 0.3})
    cumulative = np.cumsum(np.sort(values)[::-1]) / values.sum()
    ends = np.cumsum(tiering.cutoffs["customers"].to_numpy()[:3])
    for end, target in zip(ends, np.cumsum([0.1, 0.25, 0.3])):
        assert cumulative[end - 1] >= target - 1e-12
        assert end == 1 or cumulative[end - 2] < target
    assert tiering.cutoffs["value_share"].iloc[0] >= 0.1 - 1e-12


def test_ties_are_broken_by_customer_id():
    tied = assign_tiers(np.full(40, 50.0))
    assert tied.labels.tolist() == ["S"] * 2 + ["A"] * 6 + ["B"] * 12 + ["C"] * 20
    partly_tied = assign_tiers([90.0, 60.0, 60.0, 60.0, 10.0], shares={"S": 0.2, "A": 0.2, "B": 0.2})
    assert partly_tied.labels.tolist() == ["S", "A", "B", "C", "C"]


def test_tiers_do_not_depend_on_the_input_row_order():
    features = make_features(200)
    features[["revenue", "gross_profit"]] = features[["revenue", "gross_profit"]].round(-3)  # many ties
    expected = score_customers(dimension_scores(features), BALANCED).tiering.labels
    for seed in range(3):
        shuffled = features.sample(frac=1.0, random_state=seed)
        np.testing.assert_array_equal(score_customers(dimension_scores(shuffled), BALANCED).tiering.labels, expected)


def test_invalid_cutoffs_are_rejected():
    with pytest.raises(ValueError, match="method"):
        assign_tiers([1.0, 2.0], "by_revenue")
    with pytest.raises(ValueError, match="add up"):
        assign_tiers([1.0, 2.0], shares={"S": 0.5, "A": 0.4, "B": 0.3})
    with pytest.raises(ValueError, match="keys"):
        assign_tiers([1.0, 2.0], shares={"S": 0.5})
    with pytest.raises(ValueError, match="finite"):
        assign_tiers([1.0, np.nan])
    with pytest.raises(ValueError, match="non-negative"):
        assign_tiers([1.0, -2.0], "by_value_share")


# ---------------------------------------------------------------------------------------------
# Presets


def test_presets_round_trip_through_the_store(tmp_path):
    path = tmp_path / "t.duckdb"
    store = Store(path)
    weights = {"economic": 2.5, "satisfaction": 1.0}
    save_preset(store, "Growth 2025 增长", weights)
    assert load_preset(store, "Growth 2025 增长") == {d: weights.get(d, 0.0) for d in DIMENSIONS}
    save_preset(store, "Growth 2025 增长", {"potential": 1.0})
    store.close()

    reopened = Store(path)
    assert load_preset(reopened, "Growth 2025 增长")["potential"] == 1.0
    presets = list_presets(reopened)
    assert [p.name for p in presets] == [*PRESETS, "Growth 2025 增长"]
    assert [p.shipped for p in presets] == [True] * len(PRESETS) + [False]
    delete_preset(reopened, "Growth 2025 增长")
    assert [p.name for p in list_presets(reopened)] == list(PRESETS)
    with pytest.raises(KeyError):
        load_preset(reopened, "Growth 2025 增长")
    reopened.close()


def test_shipped_presets_cannot_be_changed(tmp_path):
    store = Store(tmp_path / "t.duckdb")
    for name in PRESETS:
        with pytest.raises(ValueError, match="shipped"):
            save_preset(store, name, BALANCED)
        with pytest.raises(ValueError, match="shipped"):
            delete_preset(store, name)
        assert load_preset(store, name) == PRESETS[name]
    with pytest.raises(ValueError):
        save_preset(store, "  ", BALANCED)
    with pytest.raises(ValueError):
        save_preset(store, "bad", {"economic": float("nan")})
    store.close()


def test_shipped_presets_weigh_known_dimensions():
    for weights in PRESETS.values():
        assert set(weights) == set(DIMENSIONS) and sum(weights.values()) > 0
    assert PRESETS["expansion"]["strategic"] == max(PRESETS["expansion"].values())
    assert PRESETS["profit_focus"]["economic"] == max(PRESETS["profit_focus"].values())


# ---------------------------------------------------------------------------------------------
# Explanation and rank comparison


def test_explanation_breaks_the_composite_into_contributions():
    features = make_features(150)
    model = score_customers(dimension_scores(features), PRESETS["key_account"])
    table = value_table(features, model)
    for customer_id in ("C0000", "C0042", "C0149"):
        explanation = explain_customer(features, model, customer_id)
        row = table.set_index("customer_id").loc[customer_id]
        assert explanation.breakdown["contribution"].sum() == pytest.approx(explanation.composite)
        assert explanation.composite == pytest.approx(row["composite"])
        assert explanation.tier == row["tier"]
        assert explanation.value_rank == row["value_rank"]
        assert explanation.revenue_rank == row["revenue_rank"]
        effects = explanation.breakdown.set_index("dimension")["effect"]
        assert all(effects[d] > 0 for d in explanation.lifts) and all(effects[d] < 0 for d in explanation.sinks)
        assert list(effects[list(explanation.lifts)]) == sorted(effects[list(explanation.lifts)], reverse=True)
    with pytest.raises(KeyError):
        explain_customer(features, model, "nobody")


def test_value_and_revenue_ranks_are_permutations():
    features = make_features(80)
    table = value_table(features, score_customers(dimension_scores(features), BALANCED))
    assert sorted(table["value_rank"]) == list(range(1, 81))
    assert table.loc[table["revenue"].idxmax(), "revenue_rank"] == 1
    assert table.loc[table["composite"].idxmax(), "value_rank"] == 1


def test_rank_comparison_flags_big_sellers_of_low_value_and_the_reverse():
    features = make_features(100)
    top_revenue = features["revenue"].max()
    big, small = 10, 20
    features.loc[big, ["revenue", "gross_profit", "margin_pct"]] = [top_revenue * 3, -top_revenue, -33.0]
    features.loc[big, ["orders", "recency_days", "growth", "referrals"]] = [1, 399, -0.9, 0.0]
    features.loc[big, ["satisfaction", "brand_influence", "channel_strength", "industry_expansion"]] = 0.0
    features.loc[small, ["revenue", "gross_profit", "orders"]] = [1.0, 1.0, 19]
    features.loc[small, ["recency_days", "growth", "referrals", "account_team_size"]] = [0, 5.0, 9.0, 1.0]
    features.loc[small, ["satisfaction", "brand_influence", "channel_strength", "industry_expansion"]] = 10.0
    weights = dict(BALANCED, economic=0.0, per_head=0.0)
    ranks = rank_comparison(features, score_customers(dimension_scores(features), weights))
    flags = ranks.set_index("customer_id")["flag"]
    assert flags[f"C{big:04d}"] == "big_seller_low_value"
    assert flags[f"C{small:04d}"] == "small_seller_high_value"
    flagged = ranks[ranks["flag"] == "big_seller_low_value"]
    assert (flagged["revenue_rank"] <= 20).all() and (flagged["value_rank"] > 50).all()


def test_rank_flags_do_not_depend_on_the_tie_break_between_equal_revenues():
    features = make_features(50)
    features["revenue"] = 0.0  # e.g. every order returned: no customer sells more than another
    model = score_customers(dimension_scores(features), BALANCED)
    ranks = rank_comparison(features, model)
    assert (ranks["flag"] == "none").all()
    assert sorted(ranks["revenue_rank"]) == list(range(1, 51))  # shown ranks stay ordinal


def test_rank_comparison_names_customers_without_a_name_by_their_id():
    features = make_features(10)
    features.loc[3, "name"] = None
    ranks = rank_comparison(features, score_customers(dimension_scores(features), BALANCED))
    assert ranks.set_index("customer_id").loc["C0003", "name"] == "C0003"
    assert rank_comparison(features.drop(columns=["name"]), score_customers(dimension_scores(features), BALANCED))[
        "name"].tolist() == features["customer_id"].tolist()


# ---------------------------------------------------------------------------------------------
# Strategy: pyramid, relationship matrix, cards


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    features = make_features(400, seed=7)
    return value_table(features, score_customers(dimension_scores(features), PRESETS["profit_focus"]))


def test_pyramid_counts_and_shares(table):
    pyramid = strategy.pyramid(table)
    assert pyramid["tier"].tolist() == list(TIERS)
    assert pyramid["customers"].tolist() == [20, 60, 120, 200]
    for column in ("customer_share", "value_share", "revenue_share", "gross_profit_share"):
        assert pyramid[column].sum() == pytest.approx(1.0)
    assert pyramid["revenue"].sum() == pytest.approx(table["revenue"].sum())


def test_pyramid_without_cost_data_has_no_profit_shares(table):
    pyramid = strategy.pyramid(table.assign(gross_profit=np.nan))
    assert pyramid["gross_profit_share"].isna().all()


def test_relationship_grid_follows_the_domain_table():
    grid = strategy.relationship_grid()
    assert grid.loc["many"].tolist() == ["responsible", "passive", "basic"]
    assert grid.loc["medium"].tolist() == ["proactive", "responsible", "passive"]
    assert grid.loc["few"].tolist() == ["partner", "proactive", "responsible"]


def test_groups_are_placed_by_customer_share_and_margin():
    table = pd.DataFrame({
        "tier": ["S"] * 2 + ["A"] * 15 + ["B"] * 30 + ["C"] * 53,
        "customer_type": ["dealer"] * 50 + ["consumer"] * 50,
        "revenue": 100.0,
        "gross_profit": [50.0] * 2 + [30.0] * 15 + [20.0] * 30 + [5.0] * 53,
    })
    placed = strategy.place_in_matrix(table, "tier", thresholds=(10.0, 40.0)).set_index("group")
    assert placed["count_level"].tolist() == ["few", "medium", "medium", "many"]
    assert placed["margin_level"].tolist() == ["high", "medium", "medium", "low"]
    assert placed["level"].tolist() == ["partner", "responsible", "responsible", "basic"]
    assert placed["bond"].tolist() == ["structural", "social", "social", "financial"]
    by_type = strategy.place_in_matrix(table, "customer_type", thresholds=(10.0, 40.0)).set_index("group")
    assert by_type.loc["dealer", "margin_pct"] == pytest.approx((2 * 50 + 15 * 30 + 30 * 20 + 3 * 5) / 50)
    assert by_type["count_level"].tolist() == ["medium", "medium"]
    no_cost = strategy.place_in_matrix(table.assign(gross_profit=np.nan), "tier")
    assert no_cost["level"].isna().all()


def test_target_level_stays_inside_the_tier_range():
    assert strategy.target_level("S", "responsible") == "partner"
    assert strategy.target_level("B", "basic") == "passive"
    assert strategy.target_level("B", "partner") == "responsible"
    assert strategy.target_level("B", None) == "responsible"
    assert strategy.target_level("C", "proactive") == "basic"


def test_strategy_cards(table):
    cards = strategy.strategy_cards(table, blend=0.5, top_n=3)
    pyramid = strategy.pyramid(table).set_index("tier")
    assert [card.tier for card in cards] == list(TIERS)
    assert sum(card.resource_share for card in cards) == pytest.approx(1.0)
    for card in cards:
        row = pyramid.loc[card.tier]
        assert card.resource_share == pytest.approx((row["value_share"] + row["customer_share"]) / 2)
        assert card.bond == strategy.BONDS[card.target_level]
        assert card.avg_revenue == pytest.approx(row["revenue"] / row["customers"])
        assert len(card.top_customers) == 3
        assert card.top_customers["composite"].is_monotonic_decreasing
    assert cards[0].target_level == "partner" and cards[-1].target_level == "basic"
    by_value = strategy.strategy_cards(table, blend=1.0)
    assert [c.resource_share for c in by_value] == pytest.approx(pyramid["value_share"].tolist())


def test_strategy_cards_warn_about_dependence_on_few_customers():
    table = pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(20)],
        "tier": ["S"] + ["A"] * 3 + ["B"] * 6 + ["C"] * 10,
        "composite": np.linspace(90, 10, 20),
        "revenue": [1000.0] + [10.0] * 19,
        "gross_profit": [100.0] + [2.0] * 19,
    })
    warnings = {card.tier: card.warnings for card in strategy.strategy_cards(table)}
    assert "value.warning.dependence" in warnings["S"]
    assert "value.warning.dependence" not in warnings["C"]


def test_without_cost_data_cards_aim_at_the_top_of_each_tier_range(table):
    cards = strategy.strategy_cards(table.assign(gross_profit=np.nan, margin_pct=np.nan))
    assert [card.implied_level for card in cards] == [None] * 4
    assert [card.target_level for card in cards] == ["partner", "proactive", "responsible", "basic"]
    assert all(np.isnan(card.gross_profit_share) for card in cards)


# ---------------------------------------------------------------------------------------------
# Translations


def test_every_value_key_has_english_and_chinese():
    assert all(key.startswith("value.") for key in STRINGS)
    for key, entry in STRINGS.items():
        assert entry.get("en", "").strip() and entry.get("zh", "").strip(), key


def test_every_code_the_analytics_return_has_a_translation():
    keys = (
        [f"value.dim.{d}" for d in DIMENSIONS] + [f"value.dim_help.{d}" for d in DIMENSIONS]
        + [f"value.reason.{r}" for r in REASONS] + [f"value.preset.{p}" for p in PRESETS]
        + [f"value.preset_help.{p}" for p in PRESETS] + [f"value.tier.{t}" for t in TIERS]
        + [f"value.level.{lv}" for lv in strategy.LEVELS] + [f"value.bond.{b}" for b in set(strategy.BONDS.values())]
        + [f"value.count_level.{c}" for c in strategy.COUNT_LEVELS]
        + [f"value.margin_level.{m}" for m in strategy.MARGIN_LEVELS]
        + [k for actions in strategy.BOND_ACTIONS.values() for k in actions]
        + [k for actions in strategy.TIER_ACTIONS.values() for k in actions]
        + [k for kpis in strategy.TIER_KPIS.values() for k in kpis]
        + ["value.warning.margin_below_level", "value.warning.dependence"]
        + [f"value.method.{m}" for m in DEFAULT_SHARES] + [f"value.flag.{f}" for f in RANK_FLAGS]
    )
    assert [key for key in keys if key not in STRINGS] == []
