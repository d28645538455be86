"""Every read of the transactions, written once as Ibis expressions so any engine Ibis reaches runs it.

The dashboard needs per-customer rows only: features, the lifetime-value summary, lifecycle inputs,
activity by period, one customer's history and the dataset's date bounds. Each is built here over
a dataset's ``Tables``, which an engine supplies (``analytics.engines``): the transactions in the
standard columns (``TRANSACTIONS``) and the customer master (``CUSTOMERS``, None where the engine has
none), and is run where the transactions live: the embedded DuckDB file by default, Spark or a
warehouse for an external source. Dates the queries compare against are computed here in Python and passed as literals, so every
engine cuts at the same day. Numbers and dates reach the SQL as typed literals quoted by Ibis
(sqlglot), never as text pasted into a query; text from the data (a customer id) is passed as
``engines.Text`` and bound as a parameter on the store's DuckDB.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis import _

from analytics.money import MONEY_EPSILON

# The columns an engine's transactions table has (external sources are mapped onto them).
TRANSACTIONS = {
    "customer_id": "string", "order_date": "date", "revenue": "float64", "order_id": "string",
    "gross_profit": "float64", "quantity": "float64", "product": "string", "channel": "string",
    "region": "string",
}
CUSTOMERS = {
    "customer_id": "string", "name": "string", "customer_type": "string", "industry": "string",
    "region": "string", "account_team_size": "float64", "referrals": "float64", "satisfaction": "float64",
    "brand_influence": "float64", "channel_strength": "float64", "industry_expansion": "float64",
    "new_product_pilot": "float64",
}
HISTORY_UNITS = {"month": "M", "quarter": "Q", "year": "Y"}


class Tables(NamedTuple):
    """A dataset's transactions (``TRANSACTIONS`` columns) and customer master (None when its engine has
    none): what every expression below is built over."""

    transactions: ir.Table
    customers: ir.Table | None


def months_before(day: dt.date, months: int) -> dt.date:
    """``day`` minus whole months, clamped to the month's end (as SQL's ``date - INTERVAL n MONTH``)."""
    return (pd.Timestamp(day) - pd.DateOffset(months=months)).date()


def _days_to(day: dt.date, column: ir.DateValue) -> ir.IntegerValue:
    """Whole days from ``column`` to ``day``."""
    return ibis.literal(day, type="date").delta(column, unit="day")


def _order_key(tx: ir.Table) -> ir.StringValue:
    """An order is its id, or the customer's day of purchase when the data has no ids."""
    return tx.order_id.fill_null(tx.order_date.cast("string"))


def _usual(tx: ir.Table, column: str) -> ir.Table:
    """Each customer's most frequent ``column`` value by order lines, ties to the first name."""
    rows = tx.filter(tx[column].notnull())
    lines = rows.group_by(["customer_id", column]).agg(lines=_.count())
    key = ibis.struct({"lines": -lines.lines, "name": lines[column]})
    return lines.group_by("customer_id").agg(**{column: lines[column].argmin(key)})


def last_order(data: Tables) -> ir.Table:
    """One row: the last order date (NULL without transactions)."""
    return data.transactions.aggregate(last_order=data.transactions.order_date.max())


def date_bounds(data: Tables) -> ir.Table:
    """One row: first and last order date, order lines and customers."""
    tx = data.transactions
    return tx.aggregate(date_min=tx.order_date.min(), date_max=tx.order_date.max(), rows=tx.count(),
                        customers=tx.customer_id.nunique())


def extent(data: Tables) -> ir.Table:
    """One row: order lines and last order date (cheaper than ``date_bounds``: no distinct count)."""
    tx = data.transactions
    return tx.aggregate(rows=tx.count(), date_max=tx.order_date.max())


def features(data: Tables, as_of: dt.date, start: dt.date | None) -> ir.Table:
    """Per-customer features up to ``as_of`` (``analytics.features`` documents the columns)."""
    tx = data.transactions
    window = tx.order_date <= as_of
    if start is not None:
        window &= tx.order_date >= start
    tx = tx.filter(window).mutate(order_key=_order_key(tx))
    last_12m, prev_12m = months_before(as_of, 12), months_before(as_of, 24)
    per = tx.group_by("customer_id").agg(
        first_order=tx.order_date.min(),
        last_order=tx.order_date.max(),
        orders=tx.order_key.nunique(where=tx.revenue > 0),
        revenue=tx.revenue.sum(),
        gross_profit=tx.gross_profit.sum(),
        revenue_last_12m=tx.revenue.sum(where=tx.order_date > last_12m).fill_null(0),
        revenue_prev_12m=tx.revenue.sum(where=(tx.order_date <= last_12m) & (tx.order_date > prev_12m)).fill_null(0),
        returned=ibis.greatest(-tx.revenue, 0).sum(),
        gross_sales=ibis.greatest(tx.revenue, 0).sum(),
    )
    channels, regions = _usual(tx, "channel"), _usual(tx, "region")
    joined = _with_master(per, data.customers).left_join(channels, "customer_id").left_join(regions, "customer_id")
    no_number = ibis.null("float64")
    return joined.select(
        "customer_id",
        name=joined.c_name.fill_null(joined.customer_id),
        customer_type=joined.c_customer_type,
        industry=joined.c_industry,
        region=joined.c_region.fill_null(joined.region),
        channel=joined.channel,
        first_order=joined.first_order,
        last_order=joined.last_order,
        tenure_days=_days_to(as_of, joined.first_order),
        recency_days=_days_to(as_of, joined.last_order),
        orders=joined.orders,
        revenue=joined.revenue,
        gross_profit=joined.gross_profit,
        margin_pct=ibis.cases((joined.revenue > MONEY_EPSILON, 100 * joined.gross_profit / joined.revenue), else_=no_number),
        avg_order_value=ibis.cases((joined.orders > 0, joined.revenue / joined.orders), else_=no_number),
        revenue_last_12m=joined.revenue_last_12m,
        revenue_prev_12m=joined.revenue_prev_12m,
        growth=ibis.cases((joined.revenue_prev_12m > MONEY_EPSILON,
                           (joined.revenue_last_12m - joined.revenue_prev_12m) / joined.revenue_prev_12m),
                          else_=no_number),
        returns_share=ibis.cases((joined.gross_sales > 0, joined.returned / joined.gross_sales), else_=no_number),
        **{name: joined[f"c_{name}"] for name in (
            "account_team_size", "referrals", "satisfaction", "brand_influence", "channel_strength",
            "industry_expansion", "new_product_pilot")},
    ).order_by("customer_id")


def _with_master(table: ir.Table, customers: ir.Table | None) -> ir.Table:
    """``table`` with the customer master's columns as ``c_<name>`` (NULL where the master lacks the
    customer, or where the engine has no master)."""
    if customers is None:
        return table.mutate(**{f"c_{name}": ibis.null(kind) for name, kind in CUSTOMERS.items()
                               if name != "customer_id"})
    master = customers.select(**{f"c_{name}": customers[name] for name in CUSTOMERS})
    return table.left_join(master, table.customer_id == master.c_customer_id).drop("c_customer_id")


def rfm(data: Tables, calibration_end: dt.date, observation_end: dt.date, time_unit_days: float) -> ir.Table:
    """Frequency, recency, T, mean repeat spend, margin and holdout purchases per customer
    (``analytics.clv.summary`` documents the conventions)."""
    tx = data.transactions
    calibration = tx.filter(tx.order_date <= calibration_end)
    days = calibration.group_by(["customer_id", "order_date"]).agg(net_revenue=_.revenue.sum())
    purchases = days.filter(days.net_revenue >= 0)
    purchases = purchases.mutate(first_purchase=purchases.order_date.min().over(group_by="customer_id"))
    summary = purchases.group_by("customer_id").agg(
        frequency=purchases.count() - 1,
        recency_days=purchases.order_date.max().delta(purchases.order_date.min(), unit="day"),
        age_days=_days_to(calibration_end, purchases.order_date.min()),
        monetary_value=purchases.net_revenue.mean(where=purchases.order_date > purchases.first_purchase).fill_null(0),
    )
    costed = calibration.gross_profit.notnull()
    margins = calibration.group_by("customer_id").agg(
        profit=calibration.gross_profit.sum(),
        costed_revenue=calibration.revenue.sum(where=costed),
    )
    later = tx.filter((tx.order_date > calibration_end) & (tx.order_date <= observation_end))
    later_days = later.group_by(["customer_id", "order_date"]).agg(net_revenue=_.revenue.sum())
    holdout = later_days.filter(later_days.net_revenue >= 0).group_by("customer_id").agg(frequency_holdout=_.count())
    joined = summary.left_join(margins, "customer_id").left_join(holdout, "customer_id")
    unit = ibis.literal(time_unit_days, type="float64")  # typed: Spark reads a bare 7.0 as a decimal
    return joined.select(
        "customer_id",
        "frequency",
        recency=joined.recency_days.cast("float64") / unit,
        T=joined.age_days.cast("float64") / unit,
        monetary_value=joined.monetary_value,
        margin=ibis.cases((joined.costed_revenue > MONEY_EPSILON, joined.profit / joined.costed_revenue.nullif(0)),
                          else_=ibis.null("float64")),
        frequency_holdout=joined.frequency_holdout.fill_null(0),
    ).order_by("customer_id")


def lifecycle(data: Tables, as_of: dt.date, trend_window_days: int) -> ir.Table:
    """Tenure, recency, buying rhythm and revenue trend per customer (``analytics.lifecycle``)."""
    tx = data.transactions
    days = tx.filter(tx.order_date <= as_of).group_by(["customer_id", "order_date"]).agg(
        revenue=_.revenue.sum(), gross_profit=_.gross_profit.sum())
    bought = days.filter(days.revenue > 0)
    previous = bought.order_date.lag().over(group_by="customer_id", order_by="order_date")
    gaps = bought.mutate(gap=bought.order_date.delta(previous, unit="day"))
    rhythm = gaps.group_by("customer_id").agg(
        purchase_days=gaps.count(), last_purchase=gaps.order_date.max(),
        usual_gap_days=gaps.gap.median(), mean_gap_days=gaps.gap.mean())
    spans = days.group_by("customer_id").agg(first_order=days.order_date.min(), last_order=days.order_date.max())
    # both trend windows fit in the customer's life: 2 x window > tenure
    spans = spans.mutate(trend_window_days=ibis.least(
        trend_window_days, _days_to(as_of, spans.first_order) // 2 + 1).cast("int32"))
    dated = days.inner_join(spans, "customer_id").mutate(age=_days_to(as_of, days.order_date))
    last_12m = months_before(as_of, 12)
    in_last_12m = dated.order_date > last_12m
    money = dated.group_by("customer_id").agg(
        revenue=dated.revenue.sum(),
        gross_profit=dated.gross_profit.sum(),
        revenue_recent=dated.revenue.sum(where=dated.age < dated.trend_window_days).fill_null(0),
        revenue_before=dated.revenue.sum(where=(dated.age >= dated.trend_window_days)
                                         & (dated.age < 2 * dated.trend_window_days)).fill_null(0),
        revenue_last_12m=dated.revenue.sum(where=in_last_12m).fill_null(0),
        gross_profit_last_12m=ibis.cases(
            (dated.gross_profit.count() > 0, dated.gross_profit.sum(where=in_last_12m).fill_null(0)),
            else_=ibis.null("float64")),
    )
    joined = spans.inner_join(money, "customer_id").left_join(rhythm, "customer_id")
    return joined.select(
        "customer_id",
        "first_order",
        last_purchase=joined.last_purchase,
        tenure_days=_days_to(as_of, joined.first_order),
        recency_days=_days_to(as_of, joined.last_purchase.fill_null(joined.last_order)),
        purchase_days=joined.purchase_days.fill_null(0),
        usual_gap_days=joined.usual_gap_days,
        mean_gap_days=joined.mean_gap_days,
        trend_window_days=joined.trend_window_days,
        revenue_recent=joined.revenue_recent,
        revenue_before=joined.revenue_before,
        trend=ibis.cases((joined.revenue_before > 0,
                          (joined.revenue_recent - joined.revenue_before) / joined.revenue_before),
                         else_=ibis.null("float64")),
        revenue=joined.revenue,
        gross_profit=joined.gross_profit,
        revenue_last_12m=joined.revenue_last_12m,
        gross_profit_last_12m=joined.gross_profit_last_12m,
    ).order_by("customer_id")


def histories(data: Tables, period: str, customer_id: str | None) -> ir.Table:
    """Revenue, gross profit and orders per customer and ``period`` (month, quarter, year)."""
    tx = data.transactions
    if customer_id is not None:
        tx = tx.filter(tx.customer_id == customer_id)
    tx = tx.mutate(period=tx.order_date.truncate(HISTORY_UNITS[period]), order_key=_order_key(tx))
    return tx.group_by(["customer_id", "period"]).agg(
        revenue=tx.revenue.sum(), gross_profit=tx.gross_profit.sum(),
        orders=tx.order_key.nunique(where=tx.revenue > 0),
    ).order_by(["customer_id", "period"])


def recent_orders(data: Tables, customer_id: str, limit: int) -> ir.Table:
    """One customer's latest lines, newest first."""
    tx = data.transactions
    lines = tx.filter(tx.customer_id == customer_id)
    return lines.select("order_date", "order_id", "product", "revenue", "gross_profit", "quantity", "channel").order_by(
        [ibis.desc("order_date"), ibis.desc("order_id")]).limit(limit)


def activity(data: Tables, start: dt.date, before: dt.date, after: dt.date) -> ir.Table:
    """Per customer active (buying) in (start, before] or (before, after]: net revenue of each period."""
    tx = data.transactions
    tx = tx.filter((tx.order_date > start) & (tx.order_date <= after))
    early = tx.order_date <= before
    periods = tx.group_by("customer_id").agg(
        active_before=((tx.revenue > 0) & early).any(),
        active_after=((tx.revenue > 0) & ~early).any(),
        revenue_before=tx.revenue.sum(where=early).fill_null(0),
        revenue_after=tx.revenue.sum(where=~early).fill_null(0),
    )
    periods = _with_master(periods.filter(periods.active_before | periods.active_after), data.customers)
    return periods.select(
        "customer_id", "active_before", "active_after", "revenue_before", "revenue_after",
        name=periods.c_name.fill_null(periods.customer_id),
    ).order_by("customer_id")
