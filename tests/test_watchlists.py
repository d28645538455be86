"""Watch lists on a constructed customer table: who is listed, who is not, and in which order."""

import numpy as np
import pandas as pd
import pytest

from analytics import watchlists

COLUMNS = ["customer_id", "tier", "score_potential", "stage", "revenue", "gross_profit", "margin_pct",
           "revenue_last_12m", "gross_profit_last_12m", "account_team_size", "orders"]
ROWS = [
    # id, tier, potential, stage, revenue, gross profit, margin, rev 12m, gp 12m, team, orders
    ("B_RISING", "B", 90, "growing", 1000, 300, 30, 600, 180, 1, 5),
    ("C_RISING", "C", 85, "new", 200, 60, 30, 200, 60, 1, 2),
    ("C_RISING_LOSS", "C", 95, "growing", 500, -50, -10, 400, -40, 1, 4),
    ("C_DORMANT", "C", 99, "dormant", 300, 90, 30, 0, 0, 1, 3),
    ("B_DECLINING", "B", 97, "declining", 900, 270, 30, 300, 90, 1, 6),
    ("A_RISING", "A", 95, "growing", 5000, 1500, 30, 3000, 900, 2, 20),
    ("B_AVERAGE", "B", 50, "stable", 800, 240, 30, 400, 120, 1, 6),
    ("S_DECLINING", "S", 40, "declining", 20000, 6000, 30, 8000, 5000, 4, 30),
    ("A_DORMANT", "A", 30, "dormant", 9000, 2700, 30, 3000, np.nan, 3, 15),
    ("S_STABLE", "S", 60, "stable", 30000, 9000, 30, 15000, 4500, 5, 40),
    ("A_LOST", "A", 10, "lost", 7000, 2100, 30, 0, 0, 2, 10),
    ("THIN_BIG_TEAM", "B", 40, "stable", 4000, 80, 2, 2000, 40, 6, 8),
    ("THIN_SMALL", "C", 20, "stable", 300, 6, 2, 150, 3, 1, 2),
    ("BIG_LOSS", "A", 70, "stable", 8000, -400, -5, 4000, -200, 2, 12),
]


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=COLUMNS).assign(name=lambda f: f["customer_id"].str.title(),
                                                      value=lambda f: f["gross_profit"] * 1.5)


def ids(frame: pd.DataFrame) -> list[str]:
    return frame["customer_id"].tolist()


def test_invest_candidates_are_healthy_low_tier_customers_that_make_money(table):
    assert ids(watchlists.invest_candidates(table)) == ["B_RISING", "C_RISING"]
    loose = watchlists.WatchSettings(min_potential_score=40)
    assert ids(watchlists.invest_candidates(table, loose)) == ["B_RISING", "C_RISING", "B_AVERAGE", "THIN_BIG_TEAM"]
    assert watchlists.invest_candidates(table.drop(columns="score_potential")).empty


def test_key_accounts_at_risk_with_value_at_stake(table):
    at_risk = watchlists.key_accounts_at_risk(table)
    assert ids(at_risk) == ["S_DECLINING", "A_DORMANT"]
    assert at_risk["value_at_stake"].tolist() == [5000, 3000]  # A_DORMANT has no cost data: its revenue
    with_lost = watchlists.WatchSettings(risk_stages=("declining", "dormant", "lost"))
    assert ids(watchlists.key_accounts_at_risk(table, with_lost)) == ["S_DECLINING", "A_DORMANT", "A_LOST"]


def test_unprofitable_customers_lose_money_or_cost_too_much_to_serve(table):
    listed = watchlists.unprofitable(table)
    assert ids(listed) == ["BIG_LOSS", "C_RISING_LOSS", "THIN_BIG_TEAM"]
    assert listed["reason"].tolist() == ["loss", "loss", "thin_margin_high_cost"]
    assert watchlists.unprofitable(table.assign(gross_profit=np.nan)).empty
    assert "THIN_BIG_TEAM" not in ids(watchlists.unprofitable(table, watchlists.WatchSettings(thin_margin_pct=1)))


def test_watch_table_joins_features_and_stages(table):
    value_table = table[["customer_id", "name", "tier", "value", "score_potential", "revenue", "gross_profit",
                         "margin_pct"]]
    features = table[["customer_id", "orders", "account_team_size"]].assign(growth=0.1)
    stages = table[["customer_id", "stage", "revenue_last_12m", "gross_profit_last_12m"]].iloc[:-1]
    joined = watchlists.watch_table(features, value_table, stages)
    assert len(joined) == len(table) and ids(joined) == ids(table)
    assert joined.loc[0, "stage"] == "growing" and joined.loc[0, "orders"] == 5
    assert pd.isna(joined["stage"].iloc[-1])  # no stage for the last customer
    assert ids(watchlists.invest_candidates(joined)) == ["B_RISING", "C_RISING"]


def test_settings_are_checked():
    with pytest.raises(ValueError):
        watchlists.WatchSettings(min_potential_score=120)
    with pytest.raises(ValueError):
        watchlists.WatchSettings(high_cost_quantile=1.0)


def test_unprofitable_reasons_are_the_declared_ones(table):
    assert set(watchlists.unprofitable(table)["reason"]) == set(watchlists.UNPROFITABLE_REASONS)


def test_unknown_risk_stage_is_refused():
    with pytest.raises(ValueError, match="risk stages"):
        watchlists.WatchSettings(risk_stages=("declinning",))
