"""A realistic demo business: a distributor's customers and three years of orders.

The demo has to show what the dashboard is for, so its shape is deliberate: a heavy-tailed
revenue distribution with a real 80/20 shape, margins that differ by customer (some big buyers
negotiate their margin away, a few lose money), customers that are new, growing, declining and
lapsed, returns, and the optional attributes (type, team size, referrals, ratings) filled in.
A fixed seed makes it the same on every machine.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.auth import Actor
from analytics.datasets import list_datasets
from analytics.rejects import REJECT_COLUMNS
from analytics.store import CUSTOMER_COLUMNS, TRANSACTION_COLUMNS, Store
from analytics.table_uploads import ValidatedUpload, write_upload

DEMO_NAME = "Demo: distributor"
DEMO_START = date(2023, 10, 1)
DEMO_END = date(2026, 9, 30)

_TYPES = np.array(["dealer", "intermediary", "enterprise", "purchaser", "consumer"])
_TYPE_SHARE = np.array([0.35, 0.15, 0.25, 0.15, 0.10])
_TYPE_MARGIN = np.array([0.20, 0.14, 0.30, 0.34, 0.40])
_TYPE_CHANNEL = {
    "dealer": "Distribution", "intermediary": "Wholesale", "enterprise": "Direct sales",
    "purchaser": "E-commerce", "consumer": "E-commerce",
}
_CITIES = ["Shanghai", "Hangzhou", "Suzhou", "Nanjing", "Chengdu", "Wuhan", "Xi'an", "Guangzhou",
           "Shenzhen", "Xiamen", "Qingdao", "Tianjin", "Changsha", "Kunming", "Harbin", "Dalian"]
_WORDS = ["Hengxin", "Huamei", "Jinhai", "Tianrun", "Dongfang", "Xinda", "Yongsheng", "Ruifeng",
          "Boyuan", "Zhongtai", "Kangning", "Longteng", "Mingzhu", "Shengshi", "Anda", "Fuxing"]
_KINDS = ["Trading", "Retail", "Pharmacy", "Supermarket", "Electronics", "Building Supply",
          "Foods", "Logistics", "Hospital", "Hotel Group"]
_REGIONS = {"Shanghai": "East", "Hangzhou": "East", "Suzhou": "East", "Nanjing": "East",
            "Chengdu": "West", "Wuhan": "Central", "Xi'an": "West", "Guangzhou": "South",
            "Shenzhen": "South", "Xiamen": "South", "Qingdao": "North", "Tianjin": "North",
            "Changsha": "Central", "Kunming": "West", "Harbin": "North", "Dalian": "North"}
_INDUSTRIES = ["Retail", "Healthcare", "Hospitality", "Manufacturing", "Construction", "Food service"]
_PRODUCTS = np.array(["Core line", "Premium line", "Consumables", "Spare parts", "New series"])


def generate_demo(n_customers: int = 3000, seed: int = 20261125) -> ValidatedUpload:
    """The demo dataset as a validated upload, ready for ``table_uploads.write_upload``."""
    rng = np.random.default_rng(seed)
    span_days = (DEMO_END - DEMO_START).days
    ids = np.array([f"C{i:05d}" for i in range(1, n_customers + 1)])

    type_index = rng.choice(len(_TYPES), size=n_customers, p=_TYPE_SHARE)
    yearly_revenue = rng.lognormal(mean=10.0, sigma=1.45, size=n_customers)
    size_rank = np.log(yearly_revenue / np.median(yearly_revenue))

    # Lifecycles: most customers span the period; some are new, some lapsed, some churned early.
    start_day = rng.integers(0, span_days // 3, size=n_customers)
    end_day = np.full(n_customers, span_days)
    fate = rng.random(n_customers)
    new = fate < 0.08
    start_day[new] = rng.integers(span_days - 180, span_days - 20, size=new.sum())
    lapsed = (fate >= 0.08) & (fate < 0.22)
    end_day[lapsed] = rng.integers(span_days // 3, span_days - 300, size=lapsed.sum())
    end_day = np.minimum(np.maximum(end_day, start_day + 30), span_days)
    yearly_trend = rng.lognormal(mean=0.0, sigma=0.35, size=n_customers)

    # Margins: by type, noisy, squeezed for big buyers, negative for a few.
    margin = _TYPE_MARGIN[type_index] + rng.normal(0, 0.05, n_customers) - 0.035 * np.clip(size_rank, 0, None)
    loss_makers = rng.random(n_customers) < np.where(size_rank > 1, 0.12, 0.04)
    margin[loss_makers] = rng.uniform(-0.2, -0.02, loss_makers.sum())
    margin = np.clip(margin, -0.3, 0.6)

    # Orders: bigger customers buy more often; amounts follow the yearly revenue and trend.
    active_years = (end_day - start_day) / 365.25
    yearly_orders = np.clip(3 + 4 * np.clip(size_rank, -1, None) + rng.gamma(2.0, 2.0, n_customers), 1, 60)
    order_counts = np.maximum(1, rng.poisson(yearly_orders * active_years))
    owner = np.repeat(np.arange(n_customers), order_counts)
    n_lines = owner.size
    day = start_day[owner] + (rng.random(n_lines) * (end_day[owner] - start_day[owner])).astype(int)
    years_in = (day - start_day[owner]) / 365.25
    amount = (yearly_revenue[owner] / yearly_orders[owner]) * rng.lognormal(0, 0.45, n_lines)
    amount *= yearly_trend[owner] ** years_in
    is_return = rng.random(n_lines) < 0.025
    amount[is_return] *= -rng.uniform(0.1, 0.6, is_return.sum())
    revenue = np.round(amount, 2)
    cost = np.round(np.where(is_return, revenue * (1 - margin[owner]), revenue * (1 - margin[owner] + rng.normal(0, 0.03, n_lines))), 2)

    cities = np.array(_CITIES)[rng.integers(0, len(_CITIES), n_customers)]
    names = np.array([
        f"{city} {_WORDS[i % len(_WORDS)]} {_KINDS[(i // len(_WORDS)) % len(_KINDS)]} {i + 1:04d}"
        for i, city in enumerate(cities)
    ])
    customer_types = _TYPES[type_index]
    transactions = pd.DataFrame({
        "customer_id": ids[owner],
        "order_date": pd.Timestamp(DEMO_START) + pd.to_timedelta(day, unit="D"),
        "revenue": revenue,
        "order_id": np.array([f"SO{i:07d}" for i in range(1, n_lines + 1)]),
        "cost": cost,
        "gross_profit": np.round(revenue - cost, 2),
        "quantity": np.maximum(1, np.round(np.abs(amount) / rng.uniform(80, 400, n_lines))) * np.sign(revenue),
        "product": _PRODUCTS[rng.choice(len(_PRODUCTS), n_lines, p=[0.4, 0.15, 0.25, 0.12, 0.08])],
        "channel": np.vectorize(_TYPE_CHANNEL.get)(customer_types)[owner],
        "region": np.vectorize(_REGIONS.get)(cities)[owner],
        "sales_rep": np.array([f"Rep {k:02d}" for k in range(1, 25)])[rng.integers(0, 24, n_customers)][owner],
        "extra": None,
    }).sort_values(["order_date", "order_id"], ignore_index=True)

    big = np.clip(size_rank, 0, None)

    def rating(base):
        return np.clip(np.round(base + rng.normal(0, 1.5, n_customers)), 0, 10)

    customers = pd.DataFrame({
        "customer_id": ids,
        "name": names,
        "customer_type": customer_types,
        "industry": np.array(_INDUSTRIES)[rng.integers(0, len(_INDUSTRIES), n_customers)],
        "region": np.vectorize(_REGIONS.get)(cities),
        "account_team_size": np.clip(np.round(1 + 1.5 * big + rng.gamma(1.5, 0.8, n_customers)), 1, 15),
        "referrals": rng.negative_binomial(1, 0.6, n_customers) * (rng.random(n_customers) < 0.5),
        "satisfaction": np.clip(np.round(rng.beta(6, 2.5, n_customers) * 10, 1), 0, 10),
        "brand_influence": rating(3 + 1.2 * big),
        "channel_strength": rating(np.where(np.isin(customer_types, ["dealer", "intermediary"]), 6, 3)),
        "industry_expansion": rating(np.full(n_customers, 4.0)),
        "new_product_pilot": rating(3 + 3 * (rng.random(n_customers) < 0.2)),
        "extra": None,
    })
    assert list(transactions.columns) == list(TRANSACTION_COLUMNS) + ["extra"]
    assert list(customers.columns) == list(CUSTOMER_COLUMNS) + ["extra"]
    empty_rejects = pd.DataFrame(columns=REJECT_COLUMNS)
    return ValidatedUpload("demo", len(transactions), transactions, customers.astype({"referrals": float}), empty_rejects)


# The server itself seeds the demo into an empty database, in either mode.
DEMO_ACTOR = Actor("demo", "uploader")


def seed_demo_if_empty(store: Store) -> int | None:
    """Write the demo into a database that holds no dataset, so a fresh install shows something;
    returns its dataset id, or None when there was data already. One transaction, checkpointed."""
    if list_datasets(store):
        return None
    return write_upload(store, generate_demo(), mode="new", digest=None, dataset_name=DEMO_NAME, is_demo=True,
                        actor=DEMO_ACTOR)
