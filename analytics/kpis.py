"""The overview's headline numbers of the customer base: customers, active customers, revenue,
gross profit, margin and the top 20%'s share of revenue, for all customers and per tier."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analytics.concentration import ConcentrationUndefined, rank_metric, share_of_top


def overview_kpis(
    features: pd.DataFrame, tiers: Iterable | None = None, active_days: int = 365
) -> pd.DataFrame:
    """Headline numbers of the customer base: a row "all" and, given tiers, one row per tier.

    ``features`` is the per-customer features frame; ``tiers`` one tier label per row (row order),
    rows in category order when categorical, else sorted; customers without a tier only count in
    "all". A customer is active when its last order is within the last ``active_days`` days of the
    features' as-of date (``recency_days < active_days``). Columns: customers, active_customers,
    customer_share, revenue, revenue_share, gross_profit (NaN without cost data), margin_pct
    (0-100, NaN when revenue <= 0 or no profit), top20_share (revenue share of the group's top 20%,
    NaN when undefined). Raises :class:`ConcentrationUndefined` when there are no customers.
    """
    if len(features) == 0:
        raise ConcentrationUndefined("conc.error.no_customers", "no customers")
    if active_days <= 0:
        raise ValueError(f"active_days must be positive, got {active_days!r}")
    total_revenue = float(features["revenue"].sum())
    rows = {"all": _kpi_row(features, active_days, len(features), total_revenue)}
    if tiers is not None:
        tiers = pd.Series(tiers).reset_index(drop=True)
        if len(tiers) != len(features):
            raise ValueError(f"got {len(tiers)} tier labels for {len(features)} customers")
        if isinstance(tiers.dtype, pd.CategoricalDtype):
            names = tiers.cat.categories
        else:
            names = sorted(tiers.dropna().unique())
        for name in names:
            group = features[(tiers == name).to_numpy()]
            rows[name] = _kpi_row(group, active_days, len(features), total_revenue)
    return pd.DataFrame.from_dict(rows, orient="index")


def _kpi_row(group: pd.DataFrame, active_days: int, all_customers: int, total_revenue: float) -> dict:
    revenue = float(group["revenue"].sum())
    gross_profit = float(group["gross_profit"].sum(min_count=1))
    try:
        top20 = share_of_top(rank_metric(group["revenue"].to_numpy()), 0.2)
    except ConcentrationUndefined:
        top20 = np.nan
    return {
        "customers": len(group),
        "active_customers": int((group["recency_days"] < active_days).sum()),
        "customer_share": len(group) / all_customers,
        "revenue": revenue,
        "revenue_share": revenue / total_revenue if total_revenue > 0 else np.nan,
        "gross_profit": gross_profit,
        "margin_pct": 100.0 * gross_profit / revenue if revenue > 0 else np.nan,
        "top20_share": top20,
    }
