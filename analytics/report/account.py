"""The numbers of the yearly key-account review (docs/DOMAIN_NOTES.md: "review each account's
finances once a year and the return on what was invested in it"); ``ui.report.account`` writes
one HTML document per customer from them, and the zip of the reviews of all S and A customers.

A review holds the customer's history by year, what makes up its value (in money per dimension),
its tier now and a year before, its lifecycle stage, its lifetime value, the relationship level
and actions of its tier, revenue and gross profit per head of the account team, and the return
on account resources when a cost of service is recorded (a ``cost_of_service`` column of the
customer file, kept in the customers' extra columns). The shared parts (value model, stages,
tiers a year before, forecasts) are computed once per ``context``, so the zip of hundreds of
reviews costs one query per customer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import migration, strategy
from analytics.datasets import Dataset
from analytics.report.data import ReportSettings, Source, tiers_at, whole_model
from analytics.store import Store
from analytics.value_model import Explainer, ValueModel, value_table
from analytics.watchlists import KEY_TIERS

COST_OF_SERVICE = "cost_of_service"
NOT_YET = "not_yet"  # the tier before of a customer without orders a year before
_COST_SQL = """
SELECT customer_id, TRY_CAST(json_extract_string(extra, '$.cost_of_service') AS DOUBLE) AS cost
FROM customers
WHERE dataset_id = $dataset_id AND extra IS NOT NULL
"""


def cost_of_service(store: Store, dataset_id: int) -> pd.Series:
    """Per customer (index customer_id), the cost of service recorded in its extra columns; customers
    without a number there are left out."""
    frame = store.frame(_COST_SQL, {"dataset_id": dataset_id}).dropna(subset=["cost"])
    return pd.Series(frame["cost"].astype(float).to_numpy(), index=frame["customer_id"].astype(str), name=COST_OF_SERVICE)


@dataclass(frozen=True, eq=False)
class Context:
    """What every review of one dataset shares, under one set of settings."""

    source: Source
    dataset: Dataset
    settings: ReportSettings
    made: dt.datetime
    features: pd.DataFrame
    model: ValueModel
    explainer: Explainer
    table: pd.DataFrame
    cards: dict[str, strategy.StrategyCard]
    stages: pd.DataFrame
    year_before: dt.date
    tiers_before: pd.Series | None
    predictions: pd.DataFrame | None
    no_forecast: tuple[str, dict] | None
    costs: pd.Series
    histories: pd.DataFrame
    """Every customer's orders, revenue and gross profit per year (``lifecycle.order_histories``),
    by customer_id."""
    history_ids: np.ndarray


def context(source: Source, dataset: Dataset, settings: ReportSettings) -> Context:
    features = source.features(None, None)
    model = whole_model(source, settings)
    table = value_table(features, model)
    year_before = migration.default_cutoffs(dataset.date_max)[0]
    try:
        before = tiers_at(source, settings, year_before).set_index("customer_id")["tier"]
    except ValueError:
        before = None
    fit = source.lifetime_fit(settings.lifetime.purchase_model)
    stages = source.stages(settings.stage_thresholds, settings.use_p_alive, settings.lifetime.purchase_model)
    histories = source.order_histories("year").sort_values(["customer_id", "period"], kind="stable")
    return Context(
        source=source, dataset=dataset, settings=settings, made=dt.datetime.now().replace(microsecond=0),
        features=_by_id(features), model=model, explainer=Explainer(features, model), table=_by_id(table),
        cards={card.tier: card for card in strategy.strategy_cards(table, top_n=0)},
        stages=stages.set_index("customer_id"), year_before=year_before, tiers_before=before,
        predictions=source.predictions(settings.lifetime),
        no_forecast=None if fit.fitted else (fit.reason, dict(fit.counts)),
        costs=source.cost_of_service(),
        histories=histories.reset_index(drop=True), history_ids=histories["customer_id"].to_numpy(dtype=object),
    )


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame indexed by customer_id (an unnamed index, so the column stays unambiguous)."""
    return frame.set_axis(pd.Index(frame["customer_id"].astype(str).to_numpy()))


def key_accounts(ctx: Context) -> pd.DataFrame:
    """The S and A customers, by value (largest first)."""
    table = ctx.table
    return table[table["tier"].isin(KEY_TIERS)].sort_values(["value", "customer_id"], ascending=[False, True])



def tier_before(ctx: Context, customer_id: str) -> str | None:
    """The customer's tier a year before (``ctx.year_before``): ``NOT_YET`` when it had no orders
    then, None when no tier could be computed then."""
    if ctx.tiers_before is None:
        return None
    return ctx.tiers_before[customer_id] if customer_id in ctx.tiers_before.index else NOT_YET


def history(ctx: Context, customer_id: str) -> pd.DataFrame:
    """The customer's orders, revenue and gross profit per year (period, orders, revenue, gross_profit)."""
    first = np.searchsorted(ctx.history_ids, customer_id, side="left")
    last = np.searchsorted(ctx.history_ids, customer_id, side="right")
    return ctx.histories.iloc[int(first):int(last)]


def forecast(ctx: Context, customer_id: str) -> pd.Series | None:
    """The customer's lifetime-value forecast (clv, expected_gross_profit, probability_alive), or
    None (``ctx.no_forecast`` says why)."""
    if ctx.predictions is None or customer_id not in ctx.predictions.index:
        return None
    return ctx.predictions.loc[customer_id]


def per_head(row: pd.Series) -> tuple[float, float, float] | None:
    """The account team's size, and revenue and gross profit per head; None without a team."""
    team = row["account_team_size"]
    if isinstance(team, float | int | np.floating) and np.isfinite(team) and team > 0:
        return team, row["revenue"] / team, row["gross_profit"] / team
    return None


def resource_return(ctx: Context, customer_id: str, profit: float) -> tuple[float, float] | None:
    """The cost of service and the return on it, (profit - cost) / cost; None without a cost recorded."""
    cost = ctx.costs.get(customer_id)
    if cost is not None and np.isfinite(cost) and cost > 0 and np.isfinite(profit):
        return cost, (profit - cost) / cost
    return None
