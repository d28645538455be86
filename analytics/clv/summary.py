"""The per-customer summary the lifetime-value models are fitted on, computed where the transactions
live (``aggregations.rfm``: DuckDB, or an external source's engine).

``rfm_summary`` condenses the transaction log into frequency / recency / age / mean spend per
customer, following the conventions of Fader, Hardie and Lee and of ``lifetimes``;
``calibration_holdout_summary`` adds what each customer bought after a split date, for the holdout
check.

Purchase occasions
    A purchase occasion is a customer-day whose net revenue (all lines of the day, returns
    included) is >= 0. Zero-value days count: CDNOW, the reference data set, has free first
    orders. Days whose net revenue is negative are returns of earlier purchases, not purchases:
    they are left out of frequency, recency, age and mean spend (their money still lowers the
    customer's margin). A customer with no purchase occasion before the calibration end is not in
    the summary.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import engines
from analytics.clv.fitting import InsufficientDataError
from analytics.store import Store


def rfm_summary(
    store: Store,
    dataset_id: int,
    calibration_end=None,
    observation_end=None,
    time_unit_days: float = 7,
) -> pd.DataFrame:
    """Per-customer frequency, recency, age ``T`` and mean repeat spend, as the models need them.

    Only purchases up to ``calibration_end`` (inclusive; default: the dataset's last order date)
    are used. ``recency`` and ``T`` are in units of ``time_unit_days`` (default weeks).
    ``frequency`` is the number of repeat purchase occasions (distinct purchase days minus one),
    ``monetary_value`` the mean net revenue of the repeat occasions (0 without repeats), ``margin``
    the customer's gross profit / revenue (NaN without cost data). See the module docstring for
    returns. When ``observation_end`` is given, two holdout columns are added:
    ``frequency_holdout`` (purchase occasions after ``calibration_end`` up to ``observation_end``)
    and ``duration_holdout`` (that period's length, same unit).

    Index: customer_id, sorted. Empty frame when the dataset has no purchase.
    """
    if not isinstance(store, Store):
        raise TypeError(f"rfm_summary reads through a Store, got {type(store).__name__}")
    if time_unit_days <= 0:
        raise ValueError("time_unit_days must be positive")
    # A dataset without transactions gives an empty summary whatever the end.
    calibration_end = store.as_of_date(dataset_id, calibration_end) or dt.date.today()
    holdout_end = calibration_end if observation_end is None else pd.Timestamp(observation_end).date()
    if holdout_end < calibration_end:
        raise ValueError("observation_end is before calibration_end")
    from analytics import aggregations  # Ibis: loaded by the first read, not by importing pages

    summary = (
        engines.read(store, dataset_id, aggregations.rfm, calibration_end, holdout_end, float(time_unit_days))
        .astype({"customer_id": str, "frequency": "int64", "frequency_holdout": "int64"})
        .set_index("customer_id")
    )
    if observation_end is None:
        return summary.drop(columns="frequency_holdout")
    summary["duration_holdout"] = (holdout_end - calibration_end).days / time_unit_days
    return summary


def calibration_holdout_summary(
    store: Store,
    dataset_id: int,
    calibration_end,
    observation_end=None,
    time_unit_days: float = 7,
) -> pd.DataFrame:
    """``rfm_summary`` up to a user-picked split date, plus what each customer bought afterwards.

    ``observation_end`` defaults to the dataset's last order date. Customers whose first purchase
    comes after the split are not included (the model cannot predict them from their past).

    Raises ``InsufficientDataError("no_holdout_period")`` when nothing is left after the split,
    ``InsufficientDataError("no_purchases")`` when nothing comes before it.
    """
    calibration_end = pd.Timestamp(calibration_end).date()
    observation_end = store.as_of_date(dataset_id, observation_end)
    if observation_end is None or observation_end <= calibration_end:
        raise InsufficientDataError("no_holdout_period", calibration_end=str(calibration_end))
    summary = rfm_summary(store, dataset_id, calibration_end, observation_end, time_unit_days)
    if summary.empty:
        raise InsufficientDataError("no_purchases")
    return summary
