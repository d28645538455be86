"""Customer segments with automatic number of clusters on 100,000 simulated customers.

Run: .venv/bin/python bench/bench_segments.py

Target: at most 10 s per method for ``segment_customers`` with k chosen by silhouette over 2..8
(profiles and names included), plus the 2-D projection.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics import segments

CUSTOMERS = 100_000
TARGET_SECONDS = 10.0
# Behaviour groups: share, days since last order, orders, margin %, tenure days.
GROUPS = (
    (0.08, 15, 40, 30, 1500),
    (0.07, 15, 30, 4, 1400),
    (0.20, 200, 12, 22, 1200),
    (0.30, 40, 5, 20, 800),
    (0.20, 600, 2, 18, 900),
    (0.15, 20, 2, 15, 60),
)


def simulated_features(random_state: int = 0) -> pd.DataFrame:
    """Features shaped like ``customer_features`` output, with missing growth and margins."""
    rng = np.random.default_rng(random_state)
    table = np.array(GROUPS)
    group = rng.choice(len(GROUPS), CUSTOMERS, p=table[:, 0])
    orders = np.ceil(table[group, 2] * rng.lognormal(0, 0.4, CUSTOMERS))
    revenue = orders * rng.lognormal(5, 0.6, CUSTOMERS)
    margin = table[group, 3] + rng.normal(0, 4, CUSTOMERS)
    margin[rng.random(CUSTOMERS) < 0.1] = np.nan
    growth = rng.normal(0, 0.4, CUSTOMERS)
    growth[rng.random(CUSTOMERS) < 0.3] = np.nan
    return pd.DataFrame({
        "customer_id": [f"C{i:06d}" for i in range(CUSTOMERS)],
        "recency_days": np.round(table[group, 1] * rng.lognormal(0, 0.4, CUSTOMERS)),
        "orders": orders.astype(int),
        "revenue": revenue,
        "margin_pct": margin,
        "tenure_days": np.round(table[group, 4] * rng.lognormal(0, 0.2, CUSTOMERS)),
        "growth": growth,
        "gross_profit": revenue * np.nan_to_num(margin) / 100,
        "potential_value": revenue * rng.lognormal(-0.5, 0.5, CUSTOMERS),
    })


def main() -> int:
    features = simulated_features()
    print(f"{CUSTOMERS:,} customers, features: {', '.join(segments.CLUSTER_FEATURES)}")
    within_target = True
    for method in segments.METHODS:
        start = time.perf_counter()
        result = segments.segment_customers(features, method=method)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        segments.projection_2d(result)
        projection_seconds = time.perf_counter() - start
        within_target &= seconds <= TARGET_SECONDS
        scores = ", ".join(f"{k}: {score:.3f}" for k, score in result.silhouette.items())
        print(f"\n{method}: {seconds:.2f} s for automatic k ({seconds / TARGET_SECONDS:.0%} of the "
              f"{TARGET_SECONDS:.0f} s target), projection {projection_seconds:.3f} s")
        print(f"  silhouette by k: {scores} -> k = {result.n_clusters}")
        print(result.profiles[["customers", "revenue_share", "recency_days", "orders", "margin_pct",
                               "tenure_days", "name_key", "name_number"]].round(2).to_string())
    return 0 if within_target else 1


if __name__ == "__main__":
    raise SystemExit(main())
