"""How customers moved between tiers from one period to the next.

Two cut-off dates ``before`` < ``after`` (default: a year apart, ending at the dataset's last
order date) split time into two adjacent periods of equal length L = after - before:
the earlier period (before - L, before] and the later period (before, after].

- Tiers at each cut-off are the value model's, with the same weights and tier settings
  (``tiers_from_scores``): dimension scores of every customer known by then, from the features as
  of the cut-off with potential value from the lifetime-value model fitted on the history up to
  it (``potential.scoring_features_at``; the growth proxy where it cannot be fitted). At the
  dataset's last date the tiers are then the ones every other page shows.
- A customer is *active* in a period when it bought (a line with positive revenue) in it. The
  earlier period's customers are those active in it, with their tier at ``before``; the later
  period's likewise at ``after``.
- A customer active only in the later period is *entering* (new, or back after a break); one
  active only in the earlier period is *leaving*. Customers active in neither are left out.

So the rows of the transition matrix (tier before, then entering) add up to the earlier period's
customers per tier, and its columns (tier after, then leaving) to the later period's.
The value matrix holds revenue: each customer's revenue in the later period, except for leaving
customers, whose earlier-period revenue is the value that left.
Retention per tier is the share of the earlier period's customers of that tier still active in
the later period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analytics import engines
from analytics.dimensions import DimensionScores
from analytics.store import Store
from analytics.tiering import TIERS
from analytics.value_model import score_customers

ENTERING = "entering"
LEAVING = "leaving"
BEFORE_STATES = TIERS + (ENTERING,)
AFTER_STATES = TIERS + (LEAVING,)


@dataclass(frozen=True, eq=False)
class Migration:
    """Per-customer flows between two cut-offs and their summaries (see the module docstring).

    ``customers``: customer_id, name, tier_before (a tier or ``ENTERING``), tier_after (a tier
    or ``LEAVING``), value_before, value_after (value in money at each cut-off; NaN where not
    active), revenue_before,
    revenue_after (per period), flow_value. ``counts`` and ``values`` are ``BEFORE_STATES`` x
    ``AFTER_STATES`` frames.
    """

    before: date
    after: date
    customers: pd.DataFrame
    counts: pd.DataFrame
    values: pd.DataFrame

    @property
    def customers_before(self) -> int:
        return int(self.counts.loc[list(TIERS)].to_numpy().sum())

    @property
    def customers_after(self) -> int:
        return int(self.counts[list(TIERS)].to_numpy().sum())

    def retention(self) -> pd.DataFrame:
        """Per tier of the earlier period: customers, those still active later, retention, and
        their revenue in both periods with the revenue retention (later / earlier)."""
        stayed = self.customers.assign(retained=self.customers["tier_after"] != LEAVING)
        stayed = stayed[stayed["tier_before"] != ENTERING]
        grouped = stayed.groupby(pd.Categorical(stayed["tier_before"], categories=TIERS), observed=False)
        table = pd.DataFrame({
            "customers": grouped.size(),
            "retained": grouped["retained"].sum(),
            "revenue_before": grouped["revenue_before"].sum(),
            "revenue_after": grouped["revenue_after"].sum(),
        }).rename_axis("tier").reset_index()
        table["tier"] = table["tier"].astype(str)
        table["retained"] = table["retained"].astype(np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            table["retention"] = np.where(table["customers"] > 0, table["retained"] / table["customers"], np.nan)
            table["revenue_retention"] = np.where(
                table["revenue_before"] > 0, table["revenue_after"] / table["revenue_before"], np.nan)
        return table[["tier", "customers", "retained", "retention", "revenue_before", "revenue_after",
                      "revenue_retention"]]

    def upgrades(self) -> pd.DataFrame:
        """Customers active in both periods whose tier rose, biggest jump first."""
        return self._tier_changes(rising=True)

    def downgrades(self) -> pd.DataFrame:
        """Customers active in both periods whose tier fell, biggest fall first."""
        return self._tier_changes(rising=False)

    def _tier_changes(self, rising: bool) -> pd.DataFrame:
        frame = self.customers
        both = frame[frame["tier_before"].isin(TIERS) & frame["tier_after"].isin(TIERS)]
        rank = {tier: position for position, tier in enumerate(TIERS)}
        steps = both["tier_before"].map(rank).astype(int) - both["tier_after"].map(rank).astype(int)
        changed = both.assign(steps=steps.abs())[steps > 0 if rising else steps < 0]
        return changed.sort_values(["steps", "revenue_after", "customer_id"], ascending=[False, False, True],
                                   kind="stable").reset_index(drop=True)


def default_cutoffs(last_date: date) -> tuple[date, date]:
    """A year before the last order date, and the last order date."""
    last = pd.Timestamp(last_date)
    return (last - pd.DateOffset(years=1)).date(), last.date()


def tiers_from_scores(
    scores: DimensionScores,
    weights: Mapping[str, float],
    method: str = "by_customer_share",
    shares: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """customer_id, tier and value (money) of every scored customer (empty when there is none).

    Raises ValueError when no positively weighted dimension has data in ``scores`` (at an early
    cut-off, say): there is then nothing to tier by, and pages say so instead of guessing.
    """
    if scores.n_customers == 0:
        return pd.DataFrame({"customer_id": pd.Series(dtype=object), "tier": pd.Series(dtype=object),
                             "value": pd.Series(dtype=float)})
    model = score_customers(scores, weights, method, shares)
    return pd.DataFrame({"customer_id": scores.customer_ids, "tier": model.tiering.labels,
                         "value": model.value})


def period_activity(store: Store, dataset_id: int, before: date, after: date) -> pd.DataFrame:
    """Per customer active in either period: customer_id, name, active_before, active_after,
    revenue_before, revenue_after (net revenue of each period)."""
    before, after = _checked_cutoffs(before, after)
    start = before - (after - before)
    from analytics import aggregations  # Ibis: loaded by the first read, not by importing pages

    frame = engines.read(store, dataset_id, aggregations.activity, start, before, after)
    frame["customer_id"] = frame["customer_id"].astype(str)
    for column in ("revenue_before", "revenue_after"):
        frame[column] = frame[column].astype(float)
    return frame


def build_migration(
    tiers_before: pd.DataFrame, tiers_after: pd.DataFrame, activity: pd.DataFrame, before: date, after: date
) -> Migration:
    """The migration from per-cut-off tiers (``tiers_from_scores``) and ``period_activity``."""
    before, after = _checked_cutoffs(before, after)
    frame = activity.merge(
        tiers_before.rename(columns={"tier": "tier_before", "value": "value_before"}), on="customer_id", how="left"
    ).merge(
        tiers_after.rename(columns={"tier": "tier_after", "value": "value_after"}), on="customer_id", how="left"
    )
    active_before = frame["active_before"].to_numpy(dtype=bool)
    active_after = frame["active_after"].to_numpy(dtype=bool)
    if frame.loc[active_before, "tier_before"].isna().any() or frame.loc[active_after, "tier_after"].isna().any():
        raise ValueError("an active customer has no tier: tiers and activity come from different data")
    frame["tier_before"] = np.where(active_before, frame["tier_before"], ENTERING)
    frame["tier_after"] = np.where(active_after, frame["tier_after"], LEAVING)
    frame["value_before"] = frame["value_before"].where(active_before)
    frame["value_after"] = frame["value_after"].where(active_after)
    frame["flow_value"] = np.where(active_after, frame["revenue_after"], frame["revenue_before"])
    frame = frame[["customer_id", "name", "tier_before", "tier_after", "value_before", "value_after",
                   "revenue_before", "revenue_after", "flow_value"]]

    rows = pd.Categorical(frame["tier_before"], categories=BEFORE_STATES).codes
    columns = pd.Categorical(frame["tier_after"], categories=AFTER_STATES).codes
    cells = rows * len(AFTER_STATES) + columns
    size = len(BEFORE_STATES) * len(AFTER_STATES)
    shape = (len(BEFORE_STATES), len(AFTER_STATES))
    counts = np.bincount(cells, minlength=size).reshape(shape)
    values = np.bincount(cells, weights=frame["flow_value"].to_numpy(dtype=float), minlength=size).reshape(shape)
    labels = {"index": pd.Index(BEFORE_STATES, name="before"), "columns": pd.Index(AFTER_STATES, name="after")}
    return Migration(before, after, frame.reset_index(drop=True),
                     pd.DataFrame(counts, **labels), pd.DataFrame(values, **labels))


def _checked_cutoffs(before, after) -> tuple[date, date]:
    before, after = pd.Timestamp(before).date(), pd.Timestamp(after).date()
    if before >= after:
        raise ValueError(f"the first cut-off ({before}) must come before the second ({after})")
    return before, after
