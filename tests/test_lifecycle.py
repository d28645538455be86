"""Lifecycle stages on constructed customers (one per stage), the SQL inputs, and order history."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics import lifecycle, table_uploads
from analytics.mapping import suggest_mapping
from analytics.readers import open_upload
from analytics.table_uploads import validate_transactions
from ui.figures.lifecycle import order_history_figure, stage_distribution_figure

AS_OF = date(2025, 6, 30)


def monthly(customer: str, first_k: int, last_k: int, amount) -> list[dict]:
    """Orders every 30 days, ``k`` periods before AS_OF for k in [first_k, last_k]; ``amount(k)``."""
    return [{"customer_id": customer, "order_date": AS_OF - timedelta(days=30 * k), "revenue": amount(k),
             "cost": amount(k) * 0.6} for k in range(first_k, last_k + 1)]


def load(store, rows: list[dict]) -> int:
    """Write rows through the real upload path; returns the dataset id."""
    csv = pd.DataFrame(rows).to_csv(index=False).encode("utf-8")
    raw = open_upload("orders.csv", csv)
    upload = validate_transactions(raw, suggest_mapping(list(raw.frame.columns)))
    assert upload.rows_rejected == 0
    return table_uploads.write_upload(store, upload, mode="new", digest=None)


# The trend window is 365 days: k <= 12 is the recent year, 13 <= k <= 24 the year before.
CUSTOMERS = (
    monthly("NEW", 0, 2, lambda k: 100.0)
    + monthly("GROWING", 0, 29, lambda k: 200.0 if k <= 12 else 100.0)
    + monthly("STABLE", 0, 29, lambda k: 100.0)
    + monthly("DECLINING", 0, 29, lambda k: 100.0 if k <= 12 else 200.0)
    + monthly("DORMANT", 4, 29, lambda k: 100.0)  # 120 days without a purchase, usual gap 30
    + [{"customer_id": "DORMANT", "order_date": AS_OF - timedelta(days=29), "revenue": -50.0, "cost": -30.0}]
    + monthly("LOST", 9, 29, lambda k: 100.0)  # 270 days without a purchase
    # Orders every 200 days, last one 150 days ago: overdue by the calendar, not by its own rhythm.
    # Two orders of 250 in the last year, one of 500 in the year before: stable.
    + [{"customer_id": "SLOW", "order_date": AS_OF - timedelta(days=150 + 200 * j),
        "revenue": 250.0 if j <= 1 else 500.0, "cost": 100.0} for j in range(4)]
    # Usual gap 30, last purchase 45 days ago: a little overdue, not yet dormant.
    + [{"customer_id": "LATE", "order_date": AS_OF - timedelta(days=45 + 30 * j), "revenue": 100.0, "cost": 60.0}
       for j in range(21)]
    # A single order 100 days ago: judged against the repeat customers' usual gap (30 days).
    + [{"customer_id": "ONCE", "order_date": AS_OF - timedelta(days=100), "revenue": 80.0, "cost": 50.0}]
)


@pytest.fixture(scope="module")
def dataset(module_store):
    return module_store, load(module_store, CUSTOMERS)


def stages_of(store, dataset_id, **kwargs) -> dict[str, str]:
    frame = lifecycle.customer_stages(store, dataset_id, **kwargs)
    return dict(zip(frame["customer_id"], frame["stage"].astype(str)))


def test_one_customer_in_each_stage(dataset):
    assert stages_of(*dataset) == {
        "NEW": "new", "GROWING": "growing", "STABLE": "stable", "DECLINING": "declining",
        "DORMANT": "dormant", "LOST": "lost", "SLOW": "stable", "LATE": "stable", "ONCE": "dormant",
    }


def test_inputs_follow_each_customers_own_rhythm(dataset):
    inputs = lifecycle.lifecycle_inputs(*dataset).set_index("customer_id")
    dormant = inputs.loc["DORMANT"]
    assert dormant["usual_gap_days"] == 30 and dormant["mean_gap_days"] == 30
    assert dormant["recency_days"] == 120  # the return 29 days ago is not a purchase
    assert dormant["purchase_days"] == 26 and dormant["tenure_days"] == 870
    assert inputs.loc["SLOW", "usual_gap_days"] == 200 and inputs.loc["SLOW", "recency_days"] == 150
    assert np.isnan(inputs.loc["ONCE", "usual_gap_days"])
    growing = inputs.loc["GROWING"]
    assert growing["trend_window_days"] == 365
    assert (growing["revenue_recent"], growing["revenue_before"]) == (13 * 200.0, 12 * 100.0)
    assert growing["trend"] == pytest.approx(2600 / 1200 - 1)
    assert growing["revenue_last_12m"] == 2600.0 and growing["gross_profit_last_12m"] == pytest.approx(1040.0)
    # A young customer's windows are half its tenure: NEW is 60 days old, so 31-day windows.
    assert inputs.loc["NEW", "trend_window_days"] == 31


def test_as_of_moves_the_clock(dataset):
    store, dataset_id = dataset
    earlier = lifecycle.lifecycle_inputs(store, dataset_id, as_of=AS_OF - timedelta(days=120)).set_index("customer_id")
    assert "NEW" not in earlier.index  # its first order is later
    assert earlier.loc["DORMANT", "recency_days"] == 0


def test_thresholds_change_the_stages(dataset):
    stages = stages_of(*dataset, thresholds=lifecycle.StageThresholds(min_dormant_days=150, new_days=30))
    assert stages["DORMANT"] == "declining"  # 120 days is no longer dormant; its last year fell by 25%
    assert stages["NEW"] == "growing"  # 60 days old is no longer new; 200 in its last 31 days, 100 before
    stages = stages_of(*dataset, thresholds=lifecycle.StageThresholds(growth=2.0, decline=0.5))
    assert stages["GROWING"] == "stable"  # +117% is below the +200% now required
    assert stages["DECLINING"] == "stable"  # -46% is above the -50% now required


def test_probability_alive_informs_dormant_and_lost_only_when_overdue(dataset):
    p_alive = pd.Series({"DORMANT": 0.05, "LATE": 0.4, "STABLE": 0.01, "SLOW": 0.01})
    stages = stages_of(*dataset, p_alive=p_alive)
    assert stages["DORMANT"] == "lost"  # overdue and very probably gone
    assert stages["LATE"] == "dormant"  # overdue, and the model doubts it is still active
    assert stages["STABLE"] == "stable"  # just bought: the model does not overrule that
    assert stages["SLOW"] == "stable"  # 150 days is within its own 200-day rhythm
    assert stages["GROWING"] == "growing"  # customers the model does not know keep their stage


def test_invalid_thresholds_are_refused():
    with pytest.raises(ValueError, match="lost_gap_multiple"):
        lifecycle.StageThresholds(dormant_gap_multiple=3, lost_gap_multiple=2)
    with pytest.raises(ValueError, match="min_lost_days"):
        lifecycle.StageThresholds(min_dormant_days=200, min_lost_days=100)
    with pytest.raises(ValueError, match="new_days"):
        lifecycle.StageThresholds(new_days=-1)


def test_stage_summary_adds_up(dataset):
    stages = lifecycle.customer_stages(*dataset)
    summary = lifecycle.stage_summary(stages)
    assert summary["stage"].tolist() == list(lifecycle.STAGES)
    assert summary["customers"].sum() == len(stages) == 9
    assert summary.set_index("stage").loc["stable", "customers"] == 3
    assert summary["revenue_last_12m"].sum() == pytest.approx(stages["revenue_last_12m"].sum())
    assert summary["customer_share"].sum() == pytest.approx(1.0)
    assert summary["revenue_share"].sum() == pytest.approx(1.0)


def test_order_history_binds_the_customer_id(store):
    odd = "O'Brien; DROP TABLE transactions; --"
    dataset_id = load(store, [
        {"customer_id": odd, "order_date": date(2024, 1, 5), "revenue": 100.0, "cost": 70.0},
        {"customer_id": odd, "order_date": date(2024, 1, 20), "revenue": 50.0, "cost": 20.0},
        {"customer_id": odd, "order_date": date(2024, 3, 2), "revenue": -10.0, "cost": -7.0},
        {"customer_id": "other", "order_date": date(2024, 1, 9), "revenue": 999.0, "cost": 1.0},
    ])
    history = lifecycle.order_history(store, dataset_id, odd, "month")
    assert history["period"].dt.strftime("%Y-%m").tolist() == ["2024-01", "2024-03"]
    assert history["revenue"].tolist() == [150.0, -10.0]
    assert history["gross_profit"].tolist() == pytest.approx([60.0, -3.0])
    assert history["orders"].tolist() == [2, 0]  # a return is not an order
    assert lifecycle.order_history(store, dataset_id, odd, "year")["revenue"].tolist() == [140.0]
    assert lifecycle.recent_orders(store, dataset_id, odd)["revenue"].tolist() == [-10.0, 50.0, 100.0]
    assert store.cursor().execute("SELECT count(*) FROM transactions").fetchone()[0] == 4
    with pytest.raises(ValueError, match="period"):
        lifecycle.order_history(store, dataset_id, odd, "week")


def test_figures_show_stages_and_history(dataset):
    store, dataset_id = dataset
    summary = lifecycle.stage_summary(lifecycle.customer_stages(store, dataset_id))
    counts, revenue = stage_distribution_figure(summary, "zh").data
    assert list(counts.x) == ["新客户", "成长期", "稳定期", "衰退期", "休眠", "流失"]
    assert list(counts.y) == summary["customers"].tolist()
    assert list(revenue.y) == pytest.approx(summary["revenue_last_12m"].tolist())
    history = lifecycle.order_history(store, dataset_id, "STABLE", "quarter")
    assert [trace.name for trace in order_history_figure(history).data] == ["Revenue", "Gross profit"]
    without_cost = history.assign(gross_profit=np.nan)
    assert [trace.name for trace in order_history_figure(without_cost).data] == ["Revenue"]


def test_returns_only_and_cutoffs_before_the_data(store):
    dataset_id = load(store, [
        {"customer_id": "BUYER", "order_date": date(2024, 1, 10), "revenue": 100.0, "cost": 60.0},
        {"customer_id": "BUYER", "order_date": date(2024, 3, 10), "revenue": 100.0, "cost": 60.0},
        {"customer_id": "RETURNS", "order_date": date(2024, 2, 1), "revenue": -40.0, "cost": -20.0},
        {"customer_id": "RETURNS", "order_date": date(2024, 2, 20), "revenue": -10.0, "cost": -5.0},
    ])
    inputs = lifecycle.customer_stages(store, dataset_id).set_index("customer_id")
    returns = inputs.loc["RETURNS"]
    assert returns["purchase_days"] == 0 and pd.isna(returns["last_purchase"])  # a return is not a purchase
    assert returns["recency_days"] == 19  # counted from its last line, 2024-02-20, to 2024-03-10
    # 38 days old, but it has not bought: not new; net returns after nothing before: declining.
    assert np.isnan(returns["trend"]) and returns["stage"] == "declining"
    assert inputs.loc["BUYER", "last_purchase"] == pd.Timestamp(2024, 3, 10)

    nothing_yet = lifecycle.customer_stages(store, dataset_id, as_of=date(2020, 1, 1))
    assert nothing_yet.empty and list(nothing_yet.columns) == list(inputs.reset_index().columns)
    summary = lifecycle.stage_summary(nothing_yet)
    assert summary["customers"].sum() == 0 and summary["customer_share"].isna().all()
    counts, revenue = stage_distribution_figure(summary).data
    assert list(counts.y) == [0] * len(lifecycle.STAGES) and list(revenue.y) == [0] * len(lifecycle.STAGES)


def test_rules_cover_every_stage_once():
    assert sorted(lifecycle.RULE_ORDER) == sorted(lifecycle.STAGES)
    assert lifecycle.RULE_ORDER[-1] == "stable"  # the catch-all


def test_history_figure_spans_whole_periods(store):
    dataset_id = load(store, [{"customer_id": "ONE", "order_date": date(2024, 5, 17), "revenue": 90.0, "cost": 50.0}])
    for period, label, days in (("month", "2024-05", 31), ("quarter", "2024 Q2", 91), ("year", "2024", 366)):
        history = lifecycle.order_history(store, dataset_id, "ONE", period)
        bars, profit = order_history_figure(history, "en", period).data
        # One bar must span most of its period: plotly's default would be a sliver of milliseconds.
        assert bars.width[0] == pytest.approx(0.8 * days * 86_400_000)
        assert pd.Timestamp(bars.x[0]) == pd.Timestamp(history["period"].iloc[0]) + pd.Timedelta(days=days / 2)
        assert bars.customdata[0][0] == label and profit.customdata[0] == label
    spanned = order_history_figure(history, "en", "year", span=(date(2023, 2, 1), date(2025, 6, 30)))
    assert [pd.Timestamp(end) for end in spanned.layout.xaxis.range] == [pd.Timestamp(2023, 1, 1), pd.Timestamp(2026, 1, 1)]
    assert spanned.layout.xaxis.tickformat == "%Y-%m"  # ISO months, not plotly's English month names
    with pytest.raises(ValueError, match="period"):
        order_history_figure(history, "en", "week")
