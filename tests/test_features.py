"""Per-customer features SQL against a small hand-computed example, and the demo's shape."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics import table_uploads
from analytics.demo import generate_demo
from analytics.features import FEATURE_COLUMNS, customer_features
from analytics.mapping import suggest_mapping
from analytics.readers import open_upload
from analytics.table_uploads import validate_transactions

# Dataset ends 2025-06-30. A: three orders (one in two lines), a return; B: one order, no cost.
ORDERS = """order,customer,date,amount,cost,channel,客户名称,客户类型,服务人数
O1,A,2023-07-15,1000,600,Direct,Alpha,企业客户,2
O2,A,2024-07-01,400,300,Direct,,,
O2,A,2024-07-01,100,50,Web,,,
O3,A,2025-06-30,500,250,Direct,,,
R1,A,2025-06-30,-100,-60,Direct,,,
O4,B,2025-01-01,300,,Web,,,
"""


@pytest.fixture(scope="module")
def features(module_store):
    raw = open_upload("orders.csv", ORDERS.encode("utf-8"))
    upload = validate_transactions(raw, suggest_mapping(list(raw.frame.columns)))
    dataset_id = table_uploads.write_upload(module_store, upload, mode="new", digest=None)
    return customer_features(module_store, dataset_id).set_index("customer_id")


def test_features_match_hand_computation(features):
    a = features.loc["A"]
    assert a["name"] == "Alpha" and a["customer_type"] == "enterprise" and a["channel"] == "Direct"
    assert (a["first_order"], a["last_order"]) == (pd.Timestamp("2023-07-15"), pd.Timestamp("2025-06-30"))
    assert a["tenure_days"] == (date(2025, 6, 30) - date(2023, 7, 15)).days
    assert a["recency_days"] == 0
    assert a["orders"] == 3  # O1, O2 (two lines), O3; the return is not an order
    assert a["revenue"] == 1900.0
    assert a["gross_profit"] == pytest.approx(400 + 100 + 50 + 250 - 40)
    assert a["margin_pct"] == pytest.approx(100 * 760 / 1900)
    assert a["avg_order_value"] == pytest.approx(1900 / 3)
    # Last 12 months: after 2024-06-30 -> O2, O3, R1 = 900; the 12 before: O1 = 1000.
    assert (a["revenue_last_12m"], a["revenue_prev_12m"]) == (900.0, 1000.0)
    assert a["growth"] == pytest.approx(-0.1)
    assert a["returns_share"] == pytest.approx(100 / 2000)
    assert a["account_team_size"] == 2.0
    assert np.isnan(a["satisfaction"])


def test_missing_data_is_nan_not_zero(features):
    b = features.loc["B"]
    assert b["name"] == "B"
    assert b["recency_days"] == (date(2025, 6, 30) - date(2025, 1, 1)).days
    assert np.isnan(b["growth"])  # nothing in the 12 months before
    assert np.isnan(b["gross_profit"])  # no cost on its only line: unknown, not zero
    assert np.isnan(b["account_team_size"])


def test_as_of_and_start_cut_the_window(store):
    raw = open_upload("orders.csv", ORDERS.encode("utf-8"))
    dataset_id = table_uploads.write_upload(store, validate_transactions(raw, suggest_mapping(list(raw.frame.columns))), mode="new", digest=None)
    early = customer_features(store, dataset_id, as_of=date(2024, 12, 31)).set_index("customer_id")
    assert list(early.index) == ["A"]
    assert early.loc["A", "revenue"] == 1500.0
    assert early.loc["A", "recency_days"] == (date(2024, 12, 31) - date(2024, 7, 1)).days
    windowed = customer_features(store, dataset_id, start=date(2025, 1, 1)).set_index("customer_id")
    assert windowed.loc["A", "revenue"] == 400.0


def test_the_store_measures_at_the_last_order_unless_told_otherwise(store):
    raw = open_upload("orders.csv", ORDERS.encode("utf-8"))
    dataset_id = table_uploads.write_upload(store, validate_transactions(raw, suggest_mapping(list(raw.frame.columns))), mode="new", digest=None)
    assert store.last_order_date(dataset_id) == date(2025, 6, 30)
    assert store.as_of_date(dataset_id) == date(2025, 6, 30)
    assert store.as_of_date(dataset_id, "2024-12-31") == store.as_of_date(dataset_id, pd.Timestamp("2024-12-31 15:00"))
    assert store.as_of_date(dataset_id, "2024-12-31") == date(2024, 12, 31)
    assert store.last_order_date(dataset_id + 1) is None and store.as_of_date(dataset_id + 1) is None
    assert customer_features(store, dataset_id + 1).empty


def test_columns_follow_the_contract(features):
    assert list(features.reset_index().columns) == list(FEATURE_COLUMNS)


def test_demo_has_the_shape_the_dashboard_needs(store):
    demo = generate_demo()
    assert demo.transactions.equals(generate_demo().transactions)  # fixed seed
    dataset_id = table_uploads.write_upload(store, demo, mode="new", digest=None, is_demo=True)
    features = customer_features(store, dataset_id)
    revenue = np.sort(features["revenue"].to_numpy())[::-1]
    top_fifth_share = revenue[: len(revenue) // 5].sum() / revenue.sum()
    assert 0.7 < top_fifth_share < 0.9
    assert len(features) == 3000 and set(features["customer_type"]) == {"consumer", "purchaser", "enterprise", "intermediary", "dealer"}
    assert (features["gross_profit"] < 0).sum() > 50  # some customers lose money
    big = features["revenue"] > features["revenue"].quantile(0.9)
    assert features.loc[big, "margin_pct"].median() < features.loc[~big, "margin_pct"].median()
    assert (features["tenure_days"] < 180).sum() > 100  # new customers
    assert (features["recency_days"] > 365).sum() > 200  # lapsed customers
    assert (demo.transactions["revenue"] < 0).any()
    assert features[["account_team_size", "referrals", "satisfaction", "brand_influence"]].notna().all().all()
    span = demo.transactions["order_date"].max() - demo.transactions["order_date"].min()
    assert 2 * 365 <= span.days <= 3 * 366


def test_usual_channel_is_the_most_frequent_with_ties_to_the_first_name(store):
    raw = open_upload("c.csv", b"customer,date,amount,channel\nA,2024-01-01,1,Web\nA,2024-01-02,1,Direct\nA,2024-01-03,1,Web\nB,2024-01-01,1,Web\nB,2024-01-02,1,Direct\n")
    dataset_id = table_uploads.write_upload(store, validate_transactions(raw, suggest_mapping(list(raw.frame.columns))), mode="new", digest=None)
    features = customer_features(store, dataset_id).set_index("customer_id")
    assert features["channel"].to_dict() == {"A": "Web", "B": "Direct"}


def test_sales_and_returns_that_cancel_out_give_no_margin_or_growth(store):
    """0.1 + 0.2 - 0.3 sums to 5.6e-17 in floating point, not 0: no ratio is taken over such a residue."""
    orders = ("order,customer,date,amount,cost\n"
              "O1,C,2024-01-10,0.1,0.05\nO2,C,2024-01-11,0.2,0.05\nR1,C,2024-01-12,-0.3,-0.1\n"
              "O3,C,2025-06-30,50,20\nO4,D,2025-06-30,80,40\n")
    raw = open_upload("orders.csv", orders.encode("utf-8"))
    dataset_id = table_uploads.write_upload(store, validate_transactions(raw, suggest_mapping(list(raw.frame.columns))),
                                            mode="new", digest=None)
    before = customer_features(store, dataset_id, as_of=date(2024, 12, 31)).set_index("customer_id")
    assert 0 < before.loc["C", "revenue"] < 1e-15  # the residue is there
    assert np.isnan(before.loc["C", "margin_pct"])
    now = customer_features(store, dataset_id).set_index("customer_id")
    assert 0 < now.loc["C", "revenue_prev_12m"] < 1e-15 and np.isnan(now.loc["C", "growth"])
    assert now.loc["D", "margin_pct"] == 50.0
