"""Where each customer is in its life with the company: new, growing, stable, declining, dormant, lost.

A customer is judged against its OWN rhythm, not a fixed calendar: a wholesaler that orders every
two weeks is overdue after a month, a hospital that orders twice a year is not. The engine holding
the transactions (``aggregations.lifecycle``) computes, as of a date, each customer's tenure, recency (days since its last purchase day) and usual gap
(median days between its purchase days; a purchase day is a day with positive net revenue, so
returns are not purchases), plus a revenue trend. ``assign_stages`` then applies these rules,
first match wins (thresholds in ``StageThresholds``):

1. lost: recency beyond ``lost_gap_multiple`` x the usual gap (at least ``min_lost_days``, at
   most ``max_lost_days``);
2. dormant: recency beyond ``dormant_gap_multiple`` x the usual gap (at least
   ``min_dormant_days``);
3. new: first order at most ``new_days`` ago, and at least one purchase day;
4. growing: revenue trend >= ``growth``;
5. declining: revenue trend <= -``decline``;
6. stable: everyone else.

The revenue trend compares the revenue of the recent window with the window before it:
(recent - before) / before. The window is ``trend_window_days`` (default 12 months against the
12 before), shortened to half the tenure for younger customers, so both windows lie in the
customer's life. Revenue in the recent window after none in the one before counts as growing; net
returns in the recent window after no revenue before count as declining.

A customer with a single purchase day has no gap of its own; it gets the median usual gap of the
repeat customers (0 when there are none, so the day floors decide). A customer with returns only
(no purchase day up to the date) is judged the same way, its recency counted from its last line;
it is never new, since it has not bought yet.

When a lifetime-value model has been fitted, its probability that the customer is still active
(``p_alive``) informs the dormant and lost stages: an overdue customer (recency beyond its usual gap) is
lost when ``p_alive`` < ``p_alive_lost`` and dormant when ``p_alive`` < ``p_alive_dormant``, even
before the gap multiples are reached.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import pandas as pd

from analytics import engines
from analytics.clv.beta_geo import BetaGeoModel
from analytics.store import Store

STAGES = ("new", "growing", "stable", "declining", "dormant", "lost")
# The order in which the rules are tried (the first match wins); STAGES is the display order.
RULE_ORDER = ("lost", "dormant", "new", "growing", "declining", "stable")
HISTORY_PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class StageThresholds:
    """The adjustable numbers behind the stage rules (see the module docstring)."""

    new_days: int = 180
    dormant_gap_multiple: float = 2.0
    lost_gap_multiple: float = 4.0
    min_dormant_days: int = 60
    min_lost_days: int = 180
    max_lost_days: int = 730
    growth: float = 0.25  # +25% ...
    decline: float = 0.20  # ... and -20% are the same ratio (1.25 and 1 / 1.25)
    trend_window_days: int = 365
    p_alive_dormant: float = 0.5
    p_alive_lost: float = 0.2

    def __post_init__(self):
        for item in fields(self):
            value = getattr(self, item.name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{item.name} must be a finite number >= 0, got {value}")
        if self.trend_window_days < 1:
            raise ValueError("trend_window_days must be at least 1")
        if not 1 <= self.dormant_gap_multiple <= self.lost_gap_multiple:
            raise ValueError("need 1 <= dormant_gap_multiple <= lost_gap_multiple")
        if not self.min_dormant_days <= self.min_lost_days <= self.max_lost_days:
            raise ValueError("need min_dormant_days <= min_lost_days <= max_lost_days")
        if not self.p_alive_lost <= self.p_alive_dormant <= 1:
            raise ValueError("need p_alive_lost <= p_alive_dormant <= 1")


_FLOAT_COLUMNS = (
    "usual_gap_days", "mean_gap_days", "revenue_recent", "revenue_before", "trend", "revenue",
    "gross_profit", "revenue_last_12m", "gross_profit_last_12m",
)
_INT_COLUMNS = ("tenure_days", "recency_days", "purchase_days", "trend_window_days")


def lifecycle_inputs(
    store: Store, dataset_id: int, as_of: date | None = None, trend_window_days: int = 365
) -> pd.DataFrame:
    """Per customer with orders up to ``as_of`` (default: the dataset's last order date), ordered
    by customer_id: first_order, last_purchase (NaT with returns only), tenure_days, recency_days
    (since the last purchase day, else the last line), purchase_days, usual_gap_days (median) and
    mean_gap_days (NaN with fewer than two purchase days),
    trend_window_days, revenue_recent, revenue_before, trend (NaN when nothing came before),
    revenue, gross_profit, revenue_last_12m, gross_profit_last_12m (NaN without cost data)."""
    from analytics import aggregations  # Ibis: loaded by the first read, not by importing pages

    # Without transactions there is no last order date, and any date gives the empty table.
    as_of = store.as_of_date(dataset_id, as_of) or date.today()
    frame = engines.read(store, dataset_id, aggregations.lifecycle, as_of, int(trend_window_days))
    for column in _FLOAT_COLUMNS:
        frame[column] = frame[column].astype(float)
    for column in _INT_COLUMNS:
        frame[column] = frame[column].astype(np.int64)
    for column in ("first_order", "last_purchase"):
        frame[column] = pd.to_datetime(frame[column])
    frame["customer_id"] = frame["customer_id"].astype(str)
    return frame


def assign_stages(
    inputs: pd.DataFrame, thresholds: StageThresholds = StageThresholds(), p_alive: pd.Series | None = None
) -> pd.Categorical:
    """The stage of every row of ``lifecycle_inputs`` under the module's rules.

    ``p_alive`` (indexed by customer_id; customers it lacks are judged without it) is the
    probability of being active from a fitted lifetime-value model.
    """
    gap = inputs["usual_gap_days"].to_numpy(dtype=float)
    repeat_gaps = gap[np.isfinite(gap)]
    gap = np.where(np.isfinite(gap), gap, np.median(repeat_gaps) if repeat_gaps.size else 0.0)
    recency = inputs["recency_days"].to_numpy(dtype=float)
    tenure = inputs["tenure_days"].to_numpy(dtype=float)
    trend = inputs["trend"].to_numpy(dtype=float)
    nothing_before = inputs["revenue_before"].to_numpy(dtype=float) <= 0
    recent = inputs["revenue_recent"].to_numpy(dtype=float)

    dormant_after = np.maximum(thresholds.dormant_gap_multiple * gap, thresholds.min_dormant_days)
    lost_after = np.minimum(np.maximum(thresholds.lost_gap_multiple * gap, thresholds.min_lost_days),
                            thresholds.max_lost_days)
    dormant_after = np.minimum(dormant_after, lost_after)
    lost = recency > lost_after
    dormant = recency > dormant_after
    if p_alive is not None:
        alive = p_alive.reindex(inputs["customer_id"].astype(str)).to_numpy(dtype=float)
        overdue = (recency > gap) & np.isfinite(alive)
        lost |= overdue & (alive < thresholds.p_alive_lost)
        dormant |= overdue & (alive < thresholds.p_alive_dormant)
    with np.errstate(invalid="ignore"):
        growing = (trend >= thresholds.growth) | (nothing_before & (recent > 0))
        declining = (trend <= -thresholds.decline) | (nothing_before & (recent < 0))
    new = (tenure <= thresholds.new_days) & (inputs["purchase_days"].to_numpy() > 0)
    matches = {"lost": lost, "dormant": dormant, "new": new, "growing": growing, "declining": declining}
    rules = RULE_ORDER[:-1]  # the last stage is everyone else
    stage = np.select([matches[rule] for rule in rules], list(rules), default=RULE_ORDER[-1])
    return pd.Categorical(stage, categories=STAGES)


def customer_stages(
    store: Store,
    dataset_id: int,
    as_of: date | None = None,
    thresholds: StageThresholds = StageThresholds(),
    p_alive: pd.Series | None = None,
) -> pd.DataFrame:
    """``lifecycle_inputs`` with a ``stage`` column."""
    inputs = lifecycle_inputs(store, dataset_id, as_of, thresholds.trend_window_days)
    inputs["stage"] = assign_stages(inputs, thresholds, p_alive)
    return inputs


def stage_summary(stages: pd.DataFrame) -> pd.DataFrame:
    """Per stage (all of ``STAGES``, in order): customers and last-12-month revenue, each with its
    share of the total, and last-12-month gross profit."""
    grouped = stages.groupby(pd.Categorical(stages["stage"], categories=STAGES), observed=False)
    summary = pd.DataFrame({
        "customers": grouped.size(),
        "revenue_last_12m": grouped["revenue_last_12m"].sum(),
        "gross_profit_last_12m": grouped["gross_profit_last_12m"].sum(min_count=1),
    }).rename_axis("stage").reset_index()
    summary["stage"] = summary["stage"].astype(str)
    total_customers = summary["customers"].sum()
    summary["customer_share"] = summary["customers"] / total_customers if total_customers else np.nan
    total_revenue = summary["revenue_last_12m"].sum()
    summary["revenue_share"] = summary["revenue_last_12m"] / total_revenue if total_revenue > 0 else np.nan
    return summary[["stage", "customers", "customer_share", "revenue_last_12m", "revenue_share",
                    "gross_profit_last_12m"]]


def probability_alive(summary: pd.DataFrame, purchases: BetaGeoModel) -> pd.Series:
    """A fitted purchase model's probability that each customer of ``summary`` (``clv.summary.rfm_summary``)
    is still active, indexed by customer_id: the ``p_alive`` of ``assign_stages``."""
    alive = purchases.probability_alive(summary["frequency"], summary["recency"], summary["T"])
    return pd.Series(alive, index=summary.index, name="p_alive")


def order_history(store: Store, dataset_id: int, customer_id: str, period: str = "month") -> pd.DataFrame:
    """One customer's revenue, gross profit (NaN without cost data) and orders per ``period``
    (month, quarter or year), oldest first; periods without orders are not listed."""
    return order_histories(store, dataset_id, period, customer_id).drop(columns="customer_id")


def order_histories(store: Store, dataset_id: int, period: str = "year", customer_id: str | None = None) -> pd.DataFrame:
    """``order_history`` of every customer (or of ``customer_id``) in one read, with a customer_id
    column, by customer and period."""
    if period not in HISTORY_PERIODS:
        raise ValueError(f"period must be one of {HISTORY_PERIODS}, got {period!r}")
    from analytics import aggregations

    frame = engines.read(store, dataset_id, aggregations.histories, period,
                         None if customer_id is None else engines.Text(str(customer_id)))
    frame["customer_id"] = frame["customer_id"].astype(str)
    frame["period"] = pd.to_datetime(frame["period"])
    for column in ("revenue", "gross_profit"):
        frame[column] = frame[column].astype(float)
    frame["orders"] = frame["orders"].astype(np.int64)
    return frame


def recent_orders(store: Store, dataset_id: int, customer_id: str, limit: int = 100) -> pd.DataFrame:
    """One customer's latest transaction lines, newest first."""
    from analytics import aggregations

    return engines.read(store, dataset_id, aggregations.recent_orders, engines.Text(str(customer_id)), int(limit))
