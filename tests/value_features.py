"""Hand-built per-customer features for the value model's tests: ties, losses, missing ratings."""

from __future__ import annotations

import numpy as np
import pandas as pd


def make_features(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """Columns of analytics.features.customer_features, with ties, losses and some missing ratings."""
    rng = np.random.default_rng(seed)
    revenue = rng.lognormal(8, 1.2, n)
    gross_profit = revenue * rng.uniform(-0.1, 0.5, n)

    def rating(missing_share: float) -> np.ndarray:
        return np.where(rng.random(n) < missing_share, np.nan, rng.integers(0, 11, n).astype(float))

    return pd.DataFrame({
        "customer_id": [f"C{i:04d}" for i in range(n)],
        "name": [f"Customer {i}" for i in range(n)],
        "customer_type": rng.choice(["consumer", "dealer", "enterprise"], n),
        "tenure_days": rng.integers(30, 1000, n),
        "orders": rng.integers(1, 20, n),
        "recency_days": rng.integers(0, 400, n),
        "revenue": revenue,
        "gross_profit": gross_profit,
        "margin_pct": gross_profit / revenue * 100,
        "revenue_last_12m": revenue * rng.uniform(0.0, 0.6, n),
        "growth": rng.normal(0.05, 0.3, n),
        "account_team_size": rng.integers(1, 5, n).astype(float),
        "referrals": rng.poisson(1.0, n).astype(float),
        "satisfaction": rating(0.2),
        "brand_influence": rating(0.1),
        "channel_strength": rating(0.1),
        "industry_expansion": rating(0.1),
        "new_product_pilot": rating(0.5),
    })

