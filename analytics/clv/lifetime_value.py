"""Lifetime value from a fitted purchase and spend model, per customer and per tier, and the holdout
check that tells users whether to trust the purchase model.

``customer_lifetime_value`` combines the purchase model's expected purchases with the spend
model's expected spend into discounted revenue and gross profit over a horizon;
``holdout_check`` compares the purchase model's predictions with what customers really did after a
split date (``summary.calibration_holdout_summary``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.clv.beta_geo import BetaGeoModel
from analytics.clv.fitting import check_rfm
from analytics.clv.gamma_gamma import GammaGammaModel
from analytics.tiering import TIERS

DAYS_PER_MONTH = 365.25 / 12
SUMMARY_COLUMNS = ("frequency", "recency", "T")


def _check_summary(summary: pd.DataFrame, *extra: str) -> None:
    """A summary frame (``summary.rfm_summary``) with the columns a computation reads."""
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"summary must be a pandas DataFrame, got {type(summary).__name__}")
    missing = [column for column in (*SUMMARY_COLUMNS, *extra) if column not in summary.columns]
    if missing:
        raise ValueError(f"summary lacks the columns {missing}; expected an rfm_summary frame")


def _distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of the columns, and for each row the position of its distinct row."""
    stacked = np.column_stack(columns)
    inverse = pd.DataFrame(stacked).groupby(list(range(len(columns))), sort=False).ngroup().to_numpy()
    representative = np.zeros(inverse.max(initial=-1) + 1, dtype=int)
    representative[inverse] = np.arange(len(inverse))  # any row of a group will do: they are equal
    return stacked[representative], inverse


def customer_lifetime_value(
    summary: pd.DataFrame,
    purchases: BetaGeoModel,
    spend: GammaGammaModel,
    *,
    months: int = 12,
    annual_discount_rate: float = 0.10,
    time_unit_days: float = 7,
) -> pd.DataFrame:
    """Discounted expected revenue and gross profit of each customer over the next ``months``.

    Discrete monthly steps, as ``lifetimes``' ``customer_lifetime_value``: the purchases expected in
    month k times the expected spend, discounted by (1 + monthly rate)^k, where the monthly rate
    is (1 + annual_discount_rate)^(1/12) - 1 and a month is 365.25/12 days.
    ``expected_gross_profit`` is that value times the customer's margin (NaN without cost data).

    ``summary`` is an ``rfm_summary`` frame measured in ``time_unit_days``. Returns a frame with
    the same index: probability_alive, expected_purchases (over the horizon), expected_spend (per
    purchase), clv, expected_gross_profit.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    if annual_discount_rate <= -1:
        raise ValueError("annual_discount_rate must be above -100%")
    if time_unit_days <= 0:
        raise ValueError("time_unit_days must be positive")
    _check_summary(summary, "monetary_value")
    x, t_x, T = check_rfm(summary["frequency"], summary["recency"], summary["T"])
    expected_spend = spend.expected_average_spend(x, summary["monetary_value"])
    monthly_rate = (1 + annual_discount_rate) ** (1 / 12) - 1
    periods_per_month = DAYS_PER_MONTH / time_unit_days
    # Purchases depend on (x, t_x, T) only: compute them once per distinct history.
    histories, inverse = _distinct_rows(x, t_x, T)
    discounted_purchases = np.zeros(len(histories))
    previous = np.zeros(len(histories))
    for month in range(1, months + 1):
        cumulative = purchases.conditional_expected_purchases(month * periods_per_month, *histories.T)
        discounted_purchases += (cumulative - previous) / (1 + monthly_rate) ** month
        previous = cumulative
    value = expected_spend * discounted_purchases[inverse]
    margin = summary["margin"].to_numpy(dtype=float) if "margin" in summary else np.full_like(x, np.nan)
    return pd.DataFrame(
        {
            "probability_alive": purchases.probability_alive(x, t_x, T),
            "expected_purchases": previous[inverse],
            "expected_spend": expected_spend,
            "clv": value,
            "expected_gross_profit": value * margin,
        },
        index=summary.index,
    )


def value_by_tier(predictions: pd.DataFrame, tiers: pd.Series) -> pd.DataFrame:
    """Lifetime value per tier, every tier S/A/B/C listed even when empty.

    ``predictions`` comes from ``customer_lifetime_value``, ``tiers`` holds one tier per customer
    (both indexed by customer_id; customers missing from either are left out). Columns: customers,
    clv_total, clv_mean, profit_total (0 without cost data), alive_mean, clv_share (of the total
    over all tiers; NaN when that total is not positive).
    """
    joined = predictions.join(tiers.rename("tier"), how="inner")
    table = joined.groupby("tier", observed=False).agg(
        customers=("clv", "size"), clv_total=("clv", "sum"), clv_mean=("clv", "mean"),
        profit_total=("expected_gross_profit", "sum"), alive_mean=("probability_alive", "mean"),
    ).reindex(list(TIERS))
    table["customers"] = table["customers"].fillna(0).astype(int)
    table[["clv_total", "profit_total"]] = table[["clv_total", "profit_total"]].fillna(0.0)
    total = table["clv_total"].sum()
    table["clv_share"] = table["clv_total"] / total if total > 0 else np.nan
    return table


@dataclass(frozen=True)
class HoldoutCheck:
    """Predicted vs actual holdout purchases, overall and by number of calibration purchases.

    ``by_calibration_purchases`` is indexed 0..``max_bin`` (the last bin holds ``max_bin`` or more
    repeat purchases) with columns customers, actual, predicted (means per customer) and
    difference (predicted - actual).
    """

    by_calibration_purchases: pd.DataFrame
    max_bin: int
    mean_absolute_error: float
    actual_total: float
    predicted_total: float


def holdout_check(purchases: BetaGeoModel, summary: pd.DataFrame, max_bin: int = 7) -> HoldoutCheck:
    """Compare a model fitted on the calibration period with what customers bought in the holdout.

    ``summary`` comes from ``calibration_holdout_summary`` (frequency_holdout, duration_holdout).
    """
    if max_bin < 1:
        raise ValueError("max_bin must be at least 1")
    _check_summary(summary, "frequency_holdout", "duration_holdout")
    x, t_x, T = check_rfm(summary["frequency"], summary["recency"], summary["T"])
    actual = summary["frequency_holdout"].to_numpy(dtype=float)
    predicted = purchases.conditional_expected_purchases(summary["duration_holdout"], x, t_x, T)
    per_customer = pd.DataFrame({
        "calibration_purchases": np.minimum(x, max_bin).astype(int),
        "actual": actual,
        "predicted": predicted,
    })
    table = per_customer.groupby("calibration_purchases").agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
    table = table.reindex(range(max_bin + 1))
    table["customers"] = table["customers"].fillna(0).astype(int)
    table["difference"] = table["predicted"] - table["actual"]
    return HoldoutCheck(
        by_calibration_purchases=table,
        max_bin=max_bin,
        mean_absolute_error=float(np.mean(np.abs(predicted - actual))),
        actual_total=float(actual.sum()),
        predicted_total=float(predicted.sum()),
    )

