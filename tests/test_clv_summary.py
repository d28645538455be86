"""The lifetime-value models' summary in DuckDB SQL: the published CDNOW summary, a hand example of
returns and free orders, the calibration / holdout split and its errors."""

import numpy as np
import pandas as pd
import pytest
from clv_data import CDNOW_CALIBRATION_END, DATA, cdnow_store, hand_example_store

from analytics.clv.fitting import InsufficientDataError
from analytics.clv.summary import calibration_holdout_summary, rfm_summary
from ui.i18n import translate


@pytest.fixture
def hand_example(tmp_path):
    store = hand_example_store(tmp_path / "hand.duckdb")
    yield store
    store.close()


def test_rfm_summary_matches_the_published_cdnow_summary(tmp_path):
    store = cdnow_store(tmp_path / "cdnow.duckdb")
    try:
        ours = rfm_summary(store, 1, calibration_end=CDNOW_CALIBRATION_END)
    finally:
        store.close()
    published = pd.read_csv(DATA / "cdnow_customers_summary.csv", dtype={"ID": int}).set_index("ID")
    spend = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv").set_index("ID")
    ours.index = ours.index.astype(int)
    assert len(ours) == 2357
    published = published.loc[ours.index]
    assert (ours["frequency"] == published["frequency"]).all()
    np.testing.assert_allclose(ours["recency"], published["recency"], atol=0.005)  # file rounds to 0.01
    np.testing.assert_allclose(ours["T"], published["T"], atol=0.005)
    np.testing.assert_allclose(ours["monetary_value"], spend.loc[ours.index, "zbar"], atol=0.005)
    assert ours["margin"].isna().all()  # CDNOW has no cost data


def test_calibration_holdout_split_on_a_hand_example(hand_example):
    split = calibration_holdout_summary(hand_example, 1, "2024-01-29", time_unit_days=1)
    assert list(split.index) == ["A", "B"]
    a, b = split.loc["A"], split.loc["B"]
    assert (a["frequency"], a["recency"], a["T"]) == (2, 28, 28)
    assert a["monetary_value"] == pytest.approx((50 + 50) / 2)
    assert a["margin"] == pytest.approx((20 + 10 - 10 + 15) / (60 + 40 - 30 + 50))
    assert a["frequency_holdout"] == 1 and b["frequency_holdout"] == 1
    assert (b["frequency"], b["recency"], b["T"], b["monetary_value"]) == (0, 0, 7, 0)
    assert np.isnan(b["margin"])
    assert split["duration_holdout"].eq(14).all()  # the dataset's last order is 2024-02-12

    weekly = rfm_summary(hand_example, 1, calibration_end="2024-01-29")
    assert weekly.loc["A", "T"] == pytest.approx(4) and "frequency_holdout" not in weekly
    assert rfm_summary(hand_example, 1).loc["A", "frequency"] == 3  # default end: last order


def test_split_without_holdout_or_purchases_raises(hand_example):
    with pytest.raises(InsufficientDataError) as raised:
        calibration_holdout_summary(hand_example, 1, "2024-02-12")
    assert raised.value.reason == "no_holdout_period"
    assert "2024-02-12" in translate("clv.error.no_holdout_period", "en", **raised.value.counts)
    with pytest.raises(InsufficientDataError) as raised:
        calibration_holdout_summary(hand_example, 1, "2023-12-31")
    assert raised.value.reason == "no_purchases"
    assert rfm_summary(hand_example, 99).empty


def test_the_summary_reads_through_the_store_and_checks_its_arguments(hand_example):
    with pytest.raises(TypeError, match="Store"):
        rfm_summary(hand_example.cursor(), 1)
    with pytest.raises(ValueError, match="time_unit_days"):
        rfm_summary(hand_example, 1, time_unit_days=0)
    with pytest.raises(ValueError, match="before calibration_end"):
        rfm_summary(hand_example, 1, calibration_end="2024-02-01", observation_end="2024-01-01")
