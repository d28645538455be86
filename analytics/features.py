"""Per-customer features, computed by DuckDB from the stored transactions.

Everything downstream (value scores, tiers, concentration, segments) starts from this one
table, so it is computed in SQL next to the data and cached by the app per dataset version.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.store import Store

FEATURE_COLUMNS = (
    "customer_id", "name", "customer_type", "industry", "region", "channel", "first_order",
    "last_order", "tenure_days", "recency_days", "orders", "revenue", "gross_profit", "margin_pct",
    "avg_order_value", "revenue_last_12m", "revenue_prev_12m", "growth", "returns_share",
    "account_team_size", "referrals", "satisfaction", "brand_influence", "channel_strength",
    "industry_expansion", "new_product_pilot",
)

_FEATURES_SQL = """
WITH bounds AS (SELECT CAST($as_of AS DATE) AS as_of),
tx AS (
    SELECT t.*, b.as_of,
           -- an order is its id, or the customer's day of purchase when the file has no ids
           coalesce(t.order_id, CAST(t.order_date AS VARCHAR)) AS order_key
    FROM transactions t, bounds b
    WHERE t.dataset_id = $dataset_id AND t.order_date <= b.as_of
      AND ($start IS NULL OR t.order_date >= CAST($start AS DATE))
),
per_customer AS (
    SELECT customer_id,
           any_value(as_of) AS as_of,
           min(order_date) AS first_order,
           max(order_date) AS last_order,
           count(DISTINCT order_key) FILTER (WHERE revenue > 0) AS orders,
           sum(revenue) AS revenue,
           sum(gross_profit) AS gross_profit,
           coalesce(sum(revenue) FILTER (WHERE order_date > as_of - INTERVAL 12 MONTH), 0) AS revenue_last_12m,
           coalesce(sum(revenue) FILTER (WHERE order_date <= as_of - INTERVAL 12 MONTH
                                          AND order_date > as_of - INTERVAL 24 MONTH), 0) AS revenue_prev_12m,
           sum(greatest(-revenue, 0)) AS returned,
           sum(greatest(revenue, 0)) AS gross_sales
    FROM tx
    GROUP BY customer_id
),
-- The customer's usual channel and region: most order lines, ties to the first name.
-- (Counting per pair and taking arg_min is markedly faster than mode() per customer.)
channels AS (
    SELECT customer_id, arg_min(channel, struct_pack(lines := -lines, name := channel)) AS channel
    FROM (SELECT customer_id, channel, count(*) AS lines FROM tx WHERE channel IS NOT NULL GROUP BY ALL)
    GROUP BY customer_id
),
regions AS (
    SELECT customer_id, arg_min(region, struct_pack(lines := -lines, name := region)) AS region
    FROM (SELECT customer_id, region, count(*) AS lines FROM tx WHERE region IS NOT NULL GROUP BY ALL)
    GROUP BY customer_id
)
SELECT p.customer_id,
       coalesce(c.name, p.customer_id) AS name,
       c.customer_type,
       c.industry,
       coalesce(c.region, regions.region) AS region,
       channels.channel,
       p.first_order,
       p.last_order,
       date_diff('day', p.first_order, p.as_of) AS tenure_days,
       date_diff('day', p.last_order, p.as_of) AS recency_days,
       p.orders,
       p.revenue,
       p.gross_profit,
       CASE WHEN p.revenue > 0 THEN 100 * p.gross_profit / p.revenue END AS margin_pct,
       CASE WHEN p.orders > 0 THEN p.revenue / p.orders END AS avg_order_value,
       p.revenue_last_12m,
       p.revenue_prev_12m,
       CASE WHEN p.revenue_prev_12m > 0
            THEN (p.revenue_last_12m - p.revenue_prev_12m) / p.revenue_prev_12m END AS growth,
       CASE WHEN p.gross_sales > 0 THEN p.returned / p.gross_sales END AS returns_share,
       c.account_team_size,
       c.referrals,
       c.satisfaction,
       c.brand_influence,
       c.channel_strength,
       c.industry_expansion,
       c.new_product_pilot
FROM per_customer p
LEFT JOIN channels ON channels.customer_id = p.customer_id
LEFT JOIN regions ON regions.customer_id = p.customer_id
LEFT JOIN customers c ON c.dataset_id = $dataset_id AND c.customer_id = p.customer_id
ORDER BY p.customer_id
"""

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
    as_of = store.as_of_date(dataset_id, as_of)
    frame = store.frame(_FEATURES_SQL, {"dataset_id": dataset_id, "as_of": as_of, "start": start})
    for column in _FLOAT_COLUMNS:
        frame[column] = frame[column].astype(float)
    for column in ("tenure_days", "recency_days", "orders"):
        frame[column] = frame[column].astype(np.int64)
    for column in ("first_order", "last_order"):
        frame[column] = pd.to_datetime(frame[column])
    return frame[list(FEATURE_COLUMNS)]
