"""Value in money on real data: the demo business and the CDNOW sample, valued as the app does.

What must hold for the 80/20 views to tell the truth: with only realized value weighed, value is
distributed exactly like gross profit (revenue without cost data); tier shares of value add up;
customers' values add up to the total shown; on the demo, S holds far more than its share of
customers and, with the profit-focus preset, the key accounts hold and get most of the value.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import concentration, potential, strategy
from analytics.clv.summary import rfm_summary
from analytics.datasets import list_datasets
from analytics.dimensions import DIMENSIONS, dimension_scores
from analytics.features import customer_features
from analytics.presets import PRESETS
from analytics.readers import open_upload
from analytics.store import Store
from analytics.table_uploads import validate_transactions, write_upload
from analytics.tiering import TIER_METHODS
from analytics.value_model import score_customers, value_table
from ui.figures.value import pyramid_figure

DATA = Path(__file__).parent / "data"
ECONOMIC_ONLY = {dimension: float(dimension == "economic") for dimension in DIMENSIONS}


def scoring_features(store: Store, dataset_id: int) -> pd.DataFrame:
    """The features with the lifetime-value potential, as ``ui.state`` builds them."""
    fit = potential.fit_lifetime(rfm_summary(store, dataset_id))
    predictions = potential.lifetime_values(fit, potential.LifetimeSettings())
    return potential.with_potential(customer_features(store, dataset_id), potential.potential_values(predictions))


def cdnow_upload():
    """The CDNOW sample (customer, date, number of CDs, dollars) through the upload path."""
    log = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None, dtype=str,
                      names=["master_id", "customer_id", "date", "cds", "revenue"])
    frame = pd.DataFrame({"customer_id": log["customer_id"], "order_date": pd.to_datetime(log["date"]).dt.date,
                          "revenue": log["revenue"].astype(float)})
    raw = open_upload("cdnow.csv", frame.to_csv(index=False).encode("utf-8"))
    return validate_transactions(raw, {name: name for name in raw.frame.columns})


@pytest.fixture(scope="module")
def datasets(tmp_path_factory, demo_database) -> dict[str, pd.DataFrame]:
    path = tmp_path_factory.mktemp("money") / "money.duckdb"
    shutil.copy(demo_database, path)
    store = Store(path)
    try:
        demo_id = list_datasets(store)[0].dataset_id
        cdnow_id = write_upload(store, cdnow_upload(), mode="new", digest=None, dataset_name="CDNOW")
        return {"demo": scoring_features(store, demo_id), "cdnow": scoring_features(store, cdnow_id)}
    finally:
        store.close()


def shares(features: pd.DataFrame, preset: str, method: str = "by_customer_share") -> pd.DataFrame:
    """Per tier: shares of customers, value, revenue and gross profit, and suggested resources."""
    table = value_table(features, score_customers(dimension_scores(features), PRESETS[preset], method))
    pyramid = strategy.pyramid(table).set_index("tier")
    resources = [card.resource_share for card in strategy.strategy_cards(table)]
    return pyramid[["customer_share", "value_share", "revenue_share", "gross_profit_share"]].assign(resources=resources)


@pytest.mark.parametrize("name, measure", [("demo", "gross_profit"), ("cdnow", "revenue")])
def test_realized_value_alone_is_distributed_like_gross_profit_or_revenue(datasets, name, measure):
    features = datasets[name]
    scores = dimension_scores(features)
    assert scores.realized_measure == measure
    value = score_customers(scores, ECONOMIC_ONLY).value
    expected = concentration.rank_metric(features.sort_values("customer_id")[measure])
    ranked = concentration.rank_metric(value)
    assert concentration.gini(ranked) == pytest.approx(concentration.gini(expected), abs=0.005)
    np.testing.assert_allclose(concentration.pareto_curve(ranked).value_share,
                               concentration.pareto_curve(expected).value_share)


@pytest.mark.parametrize("name", ["demo", "cdnow"])
@pytest.mark.parametrize("method", TIER_METHODS)
@pytest.mark.parametrize("preset", list(PRESETS))
def test_tier_shares_of_value_add_up_and_values_add_up_to_the_total(datasets, name, method, preset):
    features = datasets[name]
    model = score_customers(dimension_scores(features), PRESETS[preset], method)
    cutoffs = model.tiering.cutoffs
    assert cutoffs["value_share"].sum() * 100 == pytest.approx(100.0, abs=0.1)
    assert cutoffs["value"].sum() == pytest.approx(model.total_value)
    table = value_table(features, model)
    assert table["value"].sum() == pytest.approx(model.total_value)
    assert strategy.pyramid(table)["value_share"].sum() * 100 == pytest.approx(100.0, abs=0.1)
    if method == "by_value_share":  # the ABC cut-offs: S reaches 50% of the value, S+A 80%, S+A+B 95%
        reached = cutoffs["value_share"].cumsum().iloc[:3].to_numpy()
        assert (reached >= np.array([0.5, 0.8, 0.95]) - 1e-9).all()


def test_on_the_balanced_demo_s_holds_far_more_than_its_share_and_the_pyramid_inverts_at_the_top(datasets):
    tiers = shares(datasets["demo"], "balanced")
    assert tiers.loc["S", "value_share"] >= 2 * tiers.loc["S", "customer_share"] == 0.1
    per_customer = tiers["value_share"] / tiers["customer_share"]
    assert per_customer.is_monotonic_decreasing and per_customer["C"] < 1
    customers, value = pyramid_figure(strategy.pyramid(value_table(
        datasets["demo"], score_customers(dimension_scores(datasets["demo"]), PRESETS["balanced"])))).data
    # On one scale, the value side is wider than the customer side at the top and narrower at the bottom.
    assert value.x[0] >= 2 * customers.x[0] and value.x[-1] < customers.x[-1]


def test_with_profit_focus_the_key_accounts_hold_and_get_most_of_the_value(datasets):
    tiers = shares(datasets["demo"], "profit_focus")
    assert tiers.loc[["S", "A"], "customer_share"].sum() == pytest.approx(0.2)
    assert tiers.loc[["S", "A"], "value_share"].sum() >= 0.55
    assert tiers.loc[["S", "A"], "resources"].sum() >= 0.55
    assert tiers["resources"].sum() == pytest.approx(1.0)


def test_raising_gross_profit_on_the_demo_never_lowers_a_customers_value(datasets):
    features = datasets["demo"]
    before = score_customers(dimension_scores(features), PRESETS["balanced"]).value
    rng = np.random.default_rng(0)
    chosen = rng.choice(len(features), 5, replace=False)
    raised = features.copy()
    raised.loc[chosen, "gross_profit"] += rng.uniform(100, 100_000, len(chosen))
    after = score_customers(dimension_scores(raised), PRESETS["balanced"]).value
    assert (after[chosen] >= before[chosen]).all()


def test_tiers_on_the_demo_do_not_depend_on_row_order(datasets):
    features = datasets["demo"]
    for method in TIER_METHODS:
        expected = score_customers(dimension_scores(features), PRESETS["balanced"], method).tiering.labels
        shuffled = features.sample(frac=1.0, random_state=1)
        np.testing.assert_array_equal(
            score_customers(dimension_scores(shuffled), PRESETS["balanced"], method).tiering.labels, expected)
