"""Benchmark: re-valuing and re-tiering customers after a weight change.

Targets: 100 ms for 1,000,000 customers and 1 s for 10,000,000, so a slider feels live. The
dimension inputs (money and scores per dimension) are computed once per dataset and timed
separately; a weight change is a matrix-vector product (value in money) plus a linear-time
partition into tiers, by share of customers or as an ABC analysis of the cumulative value.

Run: .venv/bin/python bench/bench_value_model.py [--customers N ...] [--repeats R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.dimensions import dimension_scores
from analytics.presets import PRESETS
from analytics.tiering import TIER_METHODS
from analytics.value_model import score_customers

TARGET_SECONDS_PER_MILLION = 0.100  # 100 ms at 1,000,000 customers, 1 s at 10,000,000


def synthetic_features(n: int, seed: int = 0) -> pd.DataFrame:
    """Features shaped like ``analytics.features.customer_features`` plus the lifetime-value
    potential: skewed money with losses, tied counts and ratings, some missing ratings."""
    rng = np.random.default_rng(seed)
    revenue = rng.lognormal(9, 1.5, n)
    gross_profit = revenue * rng.uniform(-0.05, 0.5, n)

    def rating(missing_share: float) -> np.ndarray:
        return np.where(rng.random(n) < missing_share, np.nan, rng.integers(0, 11, n).astype(float))

    return pd.DataFrame({
        "customer_id": np.char.add("C", np.char.zfill(np.arange(n).astype(str), 8)).astype(object),
        "tenure_days": rng.integers(0, 1500, n),
        "revenue": revenue,
        "gross_profit": gross_profit,
        "revenue_last_12m": revenue * rng.uniform(0, 0.6, n),
        "growth": np.where(rng.random(n) < 0.3, np.nan, rng.normal(0.05, 0.4, n)),
        "potential_value": gross_profit * rng.gamma(1.0, 0.4, n),
        "referrals": rng.poisson(0.5, n).astype(float),
        "satisfaction": rating(0.4),
        "brand_influence": rating(0.2),
        "channel_strength": rating(0.3),
        "industry_expansion": rating(0.3),
        "new_product_pilot": rating(0.5),
        "account_team_size": rng.integers(1, 6, n).astype(float),
    })


def bench(n: int, repeats: int) -> None:
    start = time.perf_counter()
    features = synthetic_features(n)
    print(f"{n:,} customers: built in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    scores = dimension_scores(features)
    del features
    print(f"  dimension inputs (once per dataset): {time.perf_counter() - start:.1f} s "
          f"for {len(scores.dimensions)} dimensions")
    target = TARGET_SECONDS_PER_MILLION * n / 1_000_000
    presets = list(PRESETS.values())
    for method in TIER_METHODS:
        score_customers(scores, presets[0], method)  # warm-up
        timings = []
        for run in range(repeats):
            start = time.perf_counter()
            score_customers(scores, presets[(run + 1) % len(presets)], method)
            timings.append(time.perf_counter() - start)
        best, median = min(timings), statistics.median(timings)
        print(f"  re-value + re-tier ({method}), {repeats} runs: best {best * 1000:.0f} ms, "
              f"median {median * 1000:.0f} ms; median / {target * 1000:,.0f} ms target = {median / target:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    for n in args.customers:
        bench(n, args.repeats)


if __name__ == "__main__":
    main()
