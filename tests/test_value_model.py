"""Value model: value in money under weights, tiers, explanations, rank comparison and strategy over
hand-built features."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from value_features import make_features

from analytics import concentration, strategy
from analytics.dimensions import DIMENSIONS, NEUTRAL_SCORE, REASONS, dimension_scores
from analytics.presets import PRESETS
from analytics.tiering import DEFAULT_SHARES, TIER_METHODS, TIERS, assign_tiers
from analytics.value_model import RANK_FLAGS, explain_customer, rank_comparison, score_customers, value_table
from ui.strings import strategy as strategy_strings
from ui.strings import value as value_strings

BALANCED = PRESETS["balanced"]
ONLY = {dimension: {d: float(d == dimension) for d in DIMENSIONS} for dimension in DIMENSIONS}


def value_of(features: pd.DataFrame, weights=BALANCED) -> np.ndarray:
    return score_customers(dimension_scores(features), weights).value


# ---------------------------------------------------------------------------------------------
# Weights and value in money


def test_value_is_the_weighted_mean_of_the_dimensions_money():
    features = make_features(120)
    scores = dimension_scores(features)
    model = score_customers(scores, PRESETS["key_account"])
    weights = np.array([PRESETS["key_account"][d] for d in scores.dimensions])
    np.testing.assert_allclose(model.value, scores.money @ weights / weights.sum())
    np.testing.assert_allclose(model.contributions().sum(axis=1), model.value)
    table = value_table(features, model)
    assert table["value"].sum() == pytest.approx(model.total_value)
    assert table[[f"value_{d}" for d in scores.dimensions]].to_numpy().sum() == pytest.approx(model.total_value)


def test_with_only_the_economic_weight_value_is_realized_value():
    features = make_features(300)
    value = value_of(features, ONLY["economic"])
    np.testing.assert_allclose(value, features["gross_profit"])
    gini = concentration.gini
    assert gini(concentration.rank_metric(value)) == pytest.approx(
        gini(concentration.rank_metric(features["gross_profit"])), abs=1e-12)


def test_weight_on_an_evenly_spread_rating_evens_value_out_by_that_weight():
    features = make_features(200).assign(satisfaction=7.0)
    scores = dimension_scores(features)
    share = 0.25
    value = score_customers(scores, {"economic": 1 - share, "satisfaction": share}).value
    np.testing.assert_allclose(value, (1 - share) * features["gross_profit"] + share * scores.pool / len(features))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("preset", ["balanced", "profit_focus", "expansion"])
def test_raising_a_customers_gross_profit_never_lowers_its_value(seed, preset):
    features = make_features(150, seed)
    weights = PRESETS[preset]
    before = value_of(features, weights)
    rng = np.random.default_rng(seed + 100)
    for customer in rng.choice(len(features), 6, replace=False):
        raised = features.copy()
        raised.loc[customer, "gross_profit"] += rng.uniform(1.0, 5.0) * abs(raised.loc[customer, "gross_profit"]) + 1
        assert value_of(raised, weights)[customer] >= before[customer] - 1e-9


def test_a_zero_weight_removes_the_dimension_effect():
    features = make_features(120)
    weights = dict(BALANCED, satisfaction=0.0)
    reshuffled = features.assign(satisfaction=features["satisfaction"].sample(frac=1.0, random_state=1).to_numpy())
    value = value_of(features, weights)
    np.testing.assert_allclose(value_of(reshuffled, weights), value)
    np.testing.assert_allclose(value_of(features.drop(columns=["satisfaction"]), weights), value)


def test_a_positive_weight_has_an_effect():
    features = make_features(120)
    reshuffled = features.assign(satisfaction=features["satisfaction"].sample(frac=1.0, random_state=1).to_numpy())
    assert not np.allclose(value_of(features), value_of(reshuffled))


def test_weights_are_renormalized_over_available_dimensions():
    features = make_features(90)
    features["gross_profit"] = np.nan
    model = score_customers(dimension_scores(features), PRESETS["key_account"])
    used = model.weights_used
    assert used["per_head"] == 0.0
    assert sum(used.values()) == pytest.approx(1.0)
    assert model.score.min() >= 0.0 and model.score.max() <= 100.0


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


@pytest.mark.parametrize("method", TIER_METHODS)
def test_a_single_customer_is_the_s_tier(method):
    features = make_features(1).assign(gross_profit=100.0)
    model = score_customers(dimension_scores(features), BALANCED, method)
    assert model.score.tolist() == [pytest.approx(NEUTRAL_SCORE)]
    assert model.tiering.labels.tolist() == ["S"]
    cards = strategy.strategy_cards(value_table(features, model))
    assert [card.customers for card in cards] == [1, 0, 0, 0]
    assert cards[0].revenue_share == 1.0 and all(np.isnan(card.avg_revenue) for card in cards[1:])
    assert rank_comparison(features, model)["flag"].tolist() == ["none"]


# ---------------------------------------------------------------------------------------------
# Tiers


@pytest.mark.parametrize("n", [1, 7, 37, 1000])
@pytest.mark.parametrize("shares", [None, {"S": 0.1, "A": 0.2, "B": 0.3}, {"S": 0.0, "A": 0.5, "B": 0.5}])
def test_tier_sizes_match_the_customer_share_cutoffs(n, shares):
    values = np.random.default_rng(n).normal(100, 300, n)  # money: losses too
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
        assert row["min_value"] == values[labels == row["tier"]].min()
        assert row["value"] == pytest.approx(values[labels == row["tier"]].sum())


def test_default_customer_share_tiers_of_a_thousand_customers():
    tiering = assign_tiers(np.random.default_rng(0).normal(50, 10, 1000))
    assert tiering.cutoffs["customers"].tolist() == [50, 150, 300, 500]
    assert tiering.cutoffs["value_share"].sum() == pytest.approx(1.0)


def brute_force_ends(values: np.ndarray, cumulative_shares) -> list[int]:
    """The fewest top customers whose values reach each share of the net total, by sorting."""
    running = np.cumsum(np.sort(values)[::-1])
    return [int(np.searchsorted(running, share * values.sum() * (1 - 1e-12))) + 1 for share in cumulative_shares]


@pytest.mark.parametrize("values", [
    np.random.default_rng(5).uniform(10, 100, 500),
    np.random.default_rng(6).lognormal(0, 2, 3000),  # skewed: most value in a few bins
    np.random.default_rng(7).integers(0, 4, 800).astype(float),  # heavy ties and zeros
    np.append(np.random.default_rng(8).uniform(1, 2, 999), 100.0),  # an outlier crowds the rest into few bins
    np.random.default_rng(9).lognormal(0, 3, 200_000),  # crossing bins too big to sort: binned again
    np.append(np.full(50_000, 3.0), 1e6),  # one repeated value in a large crossing bin
    np.random.default_rng(10).normal(5, 20, 20_000),  # losses: shares of the net total
], ids=["uniform", "skewed", "ties", "outlier", "refined", "repeated", "losses"])
def test_value_share_tiers_are_an_abc_analysis_of_the_net_total(values):
    cumulative_shares = np.cumsum([0.5, 0.3, 0.15])
    tiering = assign_tiers(values, "by_value_share")
    ends = np.cumsum(tiering.cutoffs["customers"].to_numpy()[:3])
    assert ends.tolist() == brute_force_ends(values, cumulative_shares)
    assert tiering.cutoffs["value_share"].sum() == pytest.approx(1.0)
    assert tiering.cutoffs["value_share"].iloc[0] >= 0.5 - 1e-12


def test_value_share_tiers_without_a_positive_total_put_everyone_in_c():
    tiering = assign_tiers([-5.0, 2.0, 1.0], "by_value_share")
    assert tiering.labels.tolist() == ["C", "C", "C"]
    assert tiering.cutoffs["value_share"].isna().all()


def test_ties_are_broken_by_customer_id():
    tied = assign_tiers(np.full(40, 50.0))
    assert tied.labels.tolist() == ["S"] * 2 + ["A"] * 6 + ["B"] * 12 + ["C"] * 20
    partly_tied = assign_tiers([90.0, 60.0, 60.0, 60.0, 10.0], shares={"S": 0.2, "A": 0.2, "B": 0.2})
    assert partly_tied.labels.tolist() == ["S", "A", "B", "C", "C"]
    assert partly_tied.cutoffs["min_value"].tolist() == [90.0, 60.0, 60.0, 10.0]  # the ties span three tiers
    by_value = assign_tiers(np.full(10, 7.0), "by_value_share")
    assert by_value.labels.tolist() == ["S"] * 5 + ["A"] * 3 + ["B"] * 2


@pytest.mark.parametrize("method", TIER_METHODS)
def test_tiers_do_not_depend_on_the_input_row_order(method):
    features = make_features(200)
    features["gross_profit"] = features["gross_profit"].round(-3)  # many equal values
    weights = ONLY["economic"]
    expected = score_customers(dimension_scores(features), weights, method).tiering.labels
    assert len(np.unique(expected)) > 1
    for seed in range(3):
        shuffled = features.sample(frac=1.0, random_state=seed)
        np.testing.assert_array_equal(score_customers(dimension_scores(shuffled), weights, method).tiering.labels,
                                      expected)


def test_invalid_cutoffs_are_rejected():
    with pytest.raises(ValueError, match="method"):
        assign_tiers([1.0, 2.0], "by_revenue")
    with pytest.raises(ValueError, match="add up"):
        assign_tiers([1.0, 2.0], shares={"S": 0.5, "A": 0.4, "B": 0.3})
    with pytest.raises(ValueError, match="keys"):
        assign_tiers([1.0, 2.0], shares={"S": 0.5})
    with pytest.raises(ValueError, match="finite"):
        assign_tiers([1.0, np.nan])


# ---------------------------------------------------------------------------------------------
# Explanation and rank comparison


def test_explanation_breaks_the_value_and_the_score_down_by_dimension():
    features = make_features(150)
    model = score_customers(dimension_scores(features), PRESETS["key_account"])
    table = value_table(features, model)
    for customer_id in ("C0000", "C0042", "C0149"):
        explanation = explain_customer(features, model, customer_id)
        row = table.set_index("customer_id").loc[customer_id]
        assert explanation.breakdown["value"].sum() == pytest.approx(explanation.value)
        assert explanation.breakdown["score_contribution"].sum() == pytest.approx(explanation.score)
        assert explanation.breakdown["average_value"].sum() == pytest.approx(table["value"].mean())
        assert (explanation.value, explanation.score) == (pytest.approx(row["value"]), pytest.approx(row["score"]))
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
    assert table.loc[table["value"].idxmax(), "value_rank"] == 1


def test_rank_comparison_flags_big_sellers_of_low_value_and_the_reverse():
    features = make_features(100)
    top_revenue = features["revenue"].max()
    big, small = 10, 20
    features.loc[big, ["revenue", "gross_profit", "margin_pct"]] = [top_revenue * 3, -top_revenue, -33.0]
    features.loc[big, ["orders", "recency_days", "growth", "referrals"]] = [1, 399, -0.9, 0.0]
    features.loc[big, ["satisfaction", "brand_influence", "channel_strength", "industry_expansion"]] = 0.0
    features.loc[small, ["revenue", "gross_profit", "orders", "revenue_last_12m"]] = [1.0, 1.0, 19, 1.0]
    features.loc[small, ["recency_days", "growth", "referrals", "account_team_size"]] = [0, 5.0, 30.0, 1.0]
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


def test_pyramid_counts_and_shares_of_money(table):
    pyramid = strategy.pyramid(table)
    assert pyramid["tier"].tolist() == list(TIERS)
    assert pyramid["customers"].tolist() == [20, 60, 120, 200]
    for column in ("customer_share", "value_share", "revenue_share", "gross_profit_share"):
        assert pyramid[column].sum() == pytest.approx(1.0)
    for column in ("value", "revenue"):
        assert pyramid[column].sum() == pytest.approx(table[column].sum())
    assert pyramid["value_share"].is_monotonic_decreasing  # S first: value in money concentrates


def test_pyramid_without_cost_data_has_no_profit_shares(table):
    pyramid = strategy.pyramid(table.assign(gross_profit=np.nan))
    assert pyramid["gross_profit_share"].isna().all()


def test_relationship_grid_follows_the_number_of_customers_and_margin_table():
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


def test_margin_bands_weigh_customers_by_revenue_as_group_margins_do():
    """One large account at 15% and ten small ones at 30%: two thirds of the revenue is earned at 15%,
    so a group of the small ones is high margin and the large one medium. Terciles of customers counted
    alike (30% and 30%) would call the large account low and nothing high."""
    table = pd.DataFrame({
        "tier": ["S"] + ["C"] * 10, "revenue": [1000.0] + [10.0] * 10,
        "gross_profit": [150.0] + [3.0] * 10, "margin_pct": [15.0] + [30.0] * 10,
    })
    assert strategy.margin_thresholds(table) == (15.0, 15.0)
    placed = strategy.place_in_matrix(table, "tier").set_index("group")
    assert placed["margin_level"].to_dict() == {"S": "medium", "C": "high"}
    assert strategy.margin_thresholds(table.assign(margin_pct=np.nan)) is None
    # A third of the revenue earned at up to 10%, two thirds at up to 20%:
    spread = pd.DataFrame({"revenue": [100.0, 100.0, 100.0], "margin_pct": [30.0, 10.0, 20.0]})
    assert strategy.margin_thresholds(spread) == (10.0, 20.0)


def test_target_level_stays_inside_the_tier_range():
    assert strategy.target_level("S", "responsible") == "partner"
    assert strategy.target_level("B", "basic") == "passive"
    assert strategy.target_level("B", "partner") == "responsible"
    assert strategy.target_level("B", None) == "responsible"
    assert strategy.target_level("C", "proactive") == "basic"


def test_a_tier_without_margin_beside_tiers_with_one_gets_its_range_top(table):
    """A tier whose customers have no profit figures (or no positive revenue) has no margin level;
    its card falls back to the top of the tier's range instead of failing."""
    no_margin = table.assign(gross_profit=table["gross_profit"].where(table["tier"].astype(str) != "B"))
    cards = {card.tier: card for card in strategy.strategy_cards(no_margin)}
    assert cards["B"].implied_level is None and cards["B"].target_level == "responsible"
    assert cards["S"].implied_level is not None


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
        assert card.top_customers["value"].is_monotonic_decreasing
    assert cards[0].target_level == "partner" and cards[-1].target_level == "basic"
    by_value = strategy.strategy_cards(table, blend=1.0)
    assert [c.resource_share for c in by_value] == pytest.approx(pyramid["value_share"].tolist())
    per_customer = strategy.strategy_cards(table, blend=0.0)
    assert [c.resource_share for c in per_customer] == pytest.approx(pyramid["customer_share"].tolist())


def test_a_tier_that_loses_money_gets_no_resources_for_its_value():
    table = pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(20)],
        "tier": ["S"] + ["A"] * 3 + ["B"] * 6 + ["C"] * 10,
        "value": [600.0] + [100.0] * 3 + [20.0] * 6 + [-15.0] * 10,
        "revenue": 100.0,
        "gross_profit": 10.0,
    })
    cards = strategy.strategy_cards(table)
    assert cards[-1].value_share == pytest.approx(-150 / 870)
    assert [card.resource_share for card in cards] == pytest.approx([600 / 1020, 300 / 1020, 120 / 1020, 0.0])
    mixed = strategy.strategy_cards(table, blend=0.5)
    assert mixed[-1].resource_share == pytest.approx(0.25)  # half of its customer share


def test_strategy_cards_warn_about_dependence_on_few_customers():
    table = pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(20)],
        "tier": ["S"] + ["A"] * 3 + ["B"] * 6 + ["C"] * 10,
        "value": np.linspace(900, 10, 20),
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


STRINGS = value_strings.STRINGS | strategy_strings.STRINGS


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
