"""Per-customer features, computed where the transactions live (``aggregations.features``).

Everything downstream (value scores, tiers, concentration, segments) starts from this one
table, so it is computed next to the data (DuckDB, or an external source's engine) and cached by
the app per dataset version.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics import engines
from analytics.store import Store

FEATURE_COLUMNS = (
    "customer_id", "name", "customer_type", "industry", "region", "channel", "first_order",
    "last_order", "tenure_days", "recency_days", "orders", "revenue", "gross_profit", "margin_pct",
    "avg_order_value", "revenue_last_12m", "revenue_prev_12m", "growth", "returns_share",
    "account_team_size", "referrals", "satisfaction", "brand_influence", "channel_strength",
    "industry_expansion", "new_product_pilot",
)

_FLOAT_COLUMNS = (
    "revenue", "gross_profit", "margin_pct", "avg_order_value", "revenue_last_12m",
    "revenue_prev_12m", "growth", "returns_share", "account_team_size", "referrals",
    "satisfaction", "brand_influence", "channel_strength", "industry_expansion", "new_product_pilot",
)


def customer_features(
    store: Store, dataset_id: int, as_of: date | None = None, start: date | None = None
) -> pd.DataFrame:
    """One row per customer with orders up to ``as_of`` (default: the dataset's last order date).

    ``start`` restricts the transactions to a window; recency and tenure are measured at
    ``as_of``. Missing values are NaN (never zero), so later stages can tell "no data" apart.
    """
    from analytics import aggregations  # Ibis: loaded by the first read, not by importing pages

    # Without transactions there is no last order date, and any date gives the empty table.
    as_of = store.as_of_date(dataset_id, as_of) or date.today()
    start = None if start is None else pd.Timestamp(start).date()
    frame = engines.read(store, dataset_id, aggregations.features, as_of, start)
    for column in _FLOAT_COLUMNS:
        frame[column] = frame[column].astype(float)
    for column in ("tenure_days", "recency_days", "orders"):
        frame[column] = frame[column].astype(np.int64)
    for column in ("first_order", "last_order"):
        frame[column] = pd.to_datetime(frame[column])
    return frame[list(FEATURE_COLUMNS)]
