"""The lifetime-value model feeds the value model's potential dimension, through ui/models.

Scores read back from a Streamlit run are checked against the same model fitted directly with
analytics.clv, so the horizon, discount rate and measure (gross profit) in use are the ones set.
"""

from datetime import date, timedelta

import numpy as np
from streamlit.testing.v1 import AppTest

from analytics import table_uploads
from analytics.clv.beta_geo import fit_purchase_model
from analytics.clv.fitting import MIN_REPEAT_CUSTOMERS
from analytics.clv.gamma_gamma import fit_gamma_gamma
from analytics.clv.lifetime_value import customer_lifetime_value
from analytics.clv.summary import rfm_summary
from analytics.datasets import list_datasets
from analytics.dimensions import NEUTRAL_SCORE
from analytics.features import customer_features
from analytics.ordering import percentile_scores
from analytics.readers import open_upload
from analytics.store import open_store
from analytics.table_uploads import validate_transactions

SAME_RANK = 0.02  # score tolerance: a tie broken by float noise moves a customer by half a rank (0.017)


def add_one_time_buyers(path, customers: int = 40) -> int:
    """A dataset where nobody bought twice; every other customer returned part of the order a year
    later, so revenue growth exists while the lifetime-value model has no repeat purchase to learn
    from. Returns its dataset id."""
    lines = ["customer_id,order_date,revenue,cost"]
    for number in range(customers):
        day = date(2024, 1, 1) + timedelta(days=7 * number)
        lines.append(f"K{number:02d},{day},{1000 + 37 * number},{600 + 20 * number}")
        if number % 2 == 0:
            lines.append(f"K{number:02d},{day + timedelta(days=400)},-{50 + 3 * number},-{30 + 2 * number}")
    raw = open_upload("one_time_buyers.csv", "\n".join(lines).encode("utf-8"))
    columns = {name: name for name in raw.frame.columns}
    upload = validate_transactions(raw, columns)
    return table_uploads.write_upload(open_store(str(path)), upload, mode="new", digest=None,
                               dataset_name="One-time buyers")


def score_probe():
    """Runs inside Streamlit: what the value model's scoring sees, kept in the session for the test."""
    import streamlit as st

    from ui import cache, database, models

    dataset = database.active_dataset()
    scores = models.dimension_scores(dataset)
    column = scores.dimensions.index("potential") if "potential" in scores.dimensions else None
    st.session_state["probe"] = {
        "source": scores.potential_source,
        "potential": None if column is None else scores.matrix[:, column],
        "potential_money": None if column is None else scores.money[:, column],
        "ids": scores.customer_ids,
        "status": models.potential(dataset),
        "predictions": models.predictions(dataset),
        "feature_columns": list(cache.features(dataset).columns),
        "tiers": models.value_model(dataset).tiering.labels,
    }


def probe(**session) -> dict:
    app = AppTest.from_function(score_probe, default_timeout=60)
    for key, value in session.items():
        app.session_state[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app.session_state["probe"]


def expected_potential_scores(path, months: int, rate: float, measure: str = "expected_gross_profit",
                              purchase_model: str = "auto") -> np.ndarray:
    """Potential scores from a direct fit on the demo: the model's value per customer as percentiles."""
    store = open_store(str(path))
    demo_id = list_datasets(store)[0].dataset_id
    summary = rfm_summary(store, demo_id)
    purchases, _ = fit_purchase_model(summary["frequency"], summary["recency"], summary["T"], purchase_model)
    spend = fit_gamma_gamma(summary["frequency"], summary["monetary_value"])
    values = customer_lifetime_value(summary, purchases, spend, months=months, annual_discount_rate=rate)
    ids = customer_features(store, demo_id)["customer_id"]
    scores = percentile_scores(ids.map(values[measure]).to_numpy(dtype=float))
    return np.where(np.isnan(scores), NEUTRAL_SCORE, scores)


def test_demo_scoring_uses_the_lifetime_value_model(app_database):
    result = probe()
    assert result["source"] == "potential_value"
    assert result["status"].fitted and result["status"].measure == "expected_gross_profit"
    assert "potential_value" not in result["feature_columns"]  # pages keep the plain features
    assert set(result["tiers"]) == {"S", "A", "B", "C"}
    expected = expected_potential_scores(app_database, months=12, rate=0.10)
    np.testing.assert_allclose(result["potential"], expected, atol=SAME_RANK)
    revenue_based = expected_potential_scores(app_database, months=12, rate=0.10, measure="clv")
    assert np.abs(result["potential"] - revenue_based).max() > 1
    profit = result["predictions"]["expected_gross_profit"].reindex(result["ids"]).to_numpy()
    known = ~np.isnan(profit)
    np.testing.assert_allclose(result["potential_money"][known], profit[known])  # money, not a rank
    np.testing.assert_allclose(result["potential_money"][~known], profit[known].mean())


def test_horizon_and_discount_reach_the_scores(app_database):
    default = probe()
    longer = probe(clv_horizon_months=36, clv_discount_percent=0.0)
    assert longer["predictions"]["clv"].sum() > 2 * default["predictions"]["clv"].sum()
    expected = expected_potential_scores(app_database, months=36, rate=0.0)
    np.testing.assert_allclose(longer["potential"], expected, atol=SAME_RANK)
    assert np.abs(expected - default["potential"]).max() > 1  # the setting does re-rank customers


def test_the_purchase_model_picked_reaches_the_scores(app_database):
    automatic = probe()
    assert automatic["status"].purchase_model == "mbgnbd"  # the better fit on the demo
    picked = probe(clv_purchase_model="bgnbd")
    assert picked["status"].purchase_model == "bgnbd"
    expected = expected_potential_scores(app_database, months=12, rate=0.10, purchase_model="bgnbd")
    np.testing.assert_allclose(picked["potential"], expected, atol=SAME_RANK)
    assert np.abs(picked["potential"] - automatic["potential"]).max() > 1


def test_growth_stays_when_nobody_bought_twice(app_database):
    dataset_id = add_one_time_buyers(app_database)
    result = probe(active_dataset_id=dataset_id)
    assert result["source"] == "growth"
    assert result["predictions"] is None
    status = result["status"]
    assert not status.fitted and status.measure is None
    assert status.reason == "too_few_repeat_customers"
    assert status.counts == {"customers": 40, "repeat_customers": 0, "required": MIN_REPEAT_CUSTOMERS}
