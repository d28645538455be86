"""Watch lists: the customers a strategist should act on now, before the tiers show it.

"Look at today from the future" (docs/DOMAIN_NOTES.md): value tiers describe the past; these lists combine
them with potential, the lifecycle stage and profitability.

- ``invest_candidates``: B and C customers with a high potential score (lifetime-value model or
  revenue growth) in a healthy stage (new, growing or stable) and not losing money: candidates
  to invest in ahead and move up.
- ``key_accounts_at_risk``: S and A customers that are declining or dormant, with the revenue and
  gross profit of their last 12 months as the value at stake.
- ``unprofitable``: customers losing money (negative gross profit), or with a thin margin while
  costing a lot to serve (a large account team or many orders): "discounts that destroy profit
  are not customer value".

Each function takes ``watch_table`` (one row per customer) and returns the matching rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.lifecycle import STAGES

LOW_TIERS = ("B", "C")
KEY_TIERS = ("S", "A")
HEALTHY_STAGES = ("new", "growing", "stable")
LOSS, THIN_MARGIN_HIGH_COST = UNPROFITABLE_REASONS = ("loss", "thin_margin_high_cost")


@dataclass(frozen=True)
class WatchSettings:
    """Thresholds of the watch lists; the defaults suit the value model's 0-100 scores."""

    min_potential_score: float = 80.0  # a top-20% potential score
    risk_stages: tuple[str, ...] = ("declining", "dormant")
    thin_margin_pct: float = 5.0
    high_cost_quantile: float = 0.75  # team size or order count in the top quarter of customers

    def __post_init__(self):
        if not 0 <= self.min_potential_score <= 100:
            raise ValueError("min_potential_score must be in [0, 100]")
        if not 0 < self.high_cost_quantile < 1:
            raise ValueError("high_cost_quantile must be in (0, 1)")
        if not np.isfinite(self.thin_margin_pct):
            raise ValueError("thin_margin_pct must be a finite number")
        unknown = set(self.risk_stages) - set(STAGES)
        if unknown:  # a misspelt stage would silently list nobody
            raise ValueError(f"unknown risk stages {sorted(unknown)}; expected some of {STAGES}")


def watch_table(features: pd.DataFrame, value_table: pd.DataFrame, stages: pd.DataFrame) -> pd.DataFrame:
    """One row per customer of ``value_table`` with its orders, team size and growth (from
    ``customer_features``) and its stage and last-12-month money (from
    ``lifecycle.customer_stages``); customers without a stage get NaN there."""
    extra = [c for c in ("orders", "account_team_size", "growth") if c in features.columns]
    stage_columns = ["customer_id", "stage", "revenue_last_12m", "gross_profit_last_12m"]
    return (
        value_table.drop(columns=[c for c in extra if c in value_table.columns])
        .merge(features[["customer_id", *extra]].astype({"customer_id": str}), on="customer_id", how="left")
        .merge(stages[stage_columns].astype({"customer_id": str}), on="customer_id", how="left")
    )


def invest_candidates(table: pd.DataFrame, settings: WatchSettings = WatchSettings()) -> pd.DataFrame:
    """B and C customers in ``HEALTHY_STAGES`` without negative gross profit, scoring at least
    ``min_potential_score`` on potential; highest potential first. Empty when the potential
    dimension is unavailable."""
    if "score_potential" not in table.columns:
        return table.iloc[0:0]
    picked = table[
        table["tier"].isin(LOW_TIERS)
        & table["stage"].isin(HEALTHY_STAGES)
        & ~(table["gross_profit"] < 0)
        & (table["score_potential"] >= settings.min_potential_score)
    ]
    return _sorted(picked, ["score_potential", "value"], ascending=False)


def key_accounts_at_risk(table: pd.DataFrame, settings: WatchSettings = WatchSettings()) -> pd.DataFrame:
    """S and A customers in one of ``risk_stages``, with ``value_at_stake`` (last-12-month gross
    profit, or revenue without cost data); most at stake first."""
    picked = table[table["tier"].isin(KEY_TIERS) & table["stage"].isin(settings.risk_stages)]
    at_stake = picked["gross_profit_last_12m"].fillna(picked["revenue_last_12m"])
    return _sorted(picked.assign(value_at_stake=at_stake), ["value_at_stake"], ascending=False)


def unprofitable(table: pd.DataFrame, settings: WatchSettings = WatchSettings()) -> pd.DataFrame:
    """Customers with negative gross profit (reason ``LOSS``), or a margin below
    ``thin_margin_pct`` and a high cost to serve (reason ``THIN_MARGIN_HIGH_COST``: account team
    size or order count at or above the ``high_cost_quantile`` of all customers); biggest loss
    first. Empty without cost data."""
    profit = table["gross_profit"].to_numpy(dtype=float)
    if np.isnan(profit).all():
        return table.iloc[0:0].assign(reason=pd.Series(dtype=object))
    high_cost = np.zeros(len(table), dtype=bool)
    for column in ("account_team_size", "orders"):
        if column in table.columns and table[column].notna().any():
            cost = table[column].to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                high_cost |= cost >= np.nanquantile(cost, settings.high_cost_quantile)
    with np.errstate(invalid="ignore"):
        loss = profit < 0
        thin = (table["margin_pct"].to_numpy(dtype=float) < settings.thin_margin_pct) & high_cost & ~loss
    picked = table[loss | thin].assign(reason=np.where(loss, LOSS, THIN_MARGIN_HIGH_COST)[loss | thin])
    return _sorted(picked, ["gross_profit"], ascending=True)


def _sorted(frame: pd.DataFrame, by: list[str], ascending: bool) -> pd.DataFrame:
    """Sorted by ``by`` with customer_id as the tie-break, so lists are stable between runs."""
    return frame.sort_values([*by, "customer_id"], ascending=[ascending] * len(by) + [True],
                             kind="stable").reset_index(drop=True)
