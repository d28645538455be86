"""Benchmark: re-scoring and re-tiering a million customers after a weight change.

The target is 150 ms per weight change, so a slider feels live. Dimension scores are computed
once per dataset (timed separately); a weight change is a matrix-vector product plus tiering.

Run: .venv/bin/python bench/bench_value_model.py [--customers N] [--repeats R]
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

from analytics.value_model import PRESETS, dimension_scores, score_customers

TARGET_SECONDS = 0.150


def synthetic_features(n: int, seed: int = 0) -> pd.DataFrame:
    """Features shaped like ``analytics.features.customer_features``, with skewed money columns,
    tied counts and ratings, and some missing ratings."""
    rng = np.random.default_rng(seed)
    revenue = rng.lognormal(9, 1.5, n)
    gross_profit = revenue * rng.uniform(-0.05, 0.5, n)

    def rating(missing_share: float) -> np.ndarray:
        return np.where(rng.random(n) < missing_share, np.nan, rng.integers(0, 11, n).astype(float))

    return pd.DataFrame({
        "customer_id": np.char.add("C", np.char.zfill(np.arange(n).astype(str), 7)).astype(object),
        "revenue": revenue,
        "gross_profit": gross_profit,
        "margin_pct": gross_profit / revenue * 100,
        "orders": rng.poisson(6, n) + 1,
        "recency_days": rng.integers(0, 730, n),
        "growth": np.where(rng.random(n) < 0.3, np.nan, rng.normal(0.05, 0.4, n)),
        "referrals": rng.poisson(0.5, n).astype(float),
        "satisfaction": rating(0.4),
        "brand_influence": rating(0.2),
        "channel_strength": rating(0.3),
        "industry_expansion": rating(0.3),
        "new_product_pilot": rating(0.5),
        "account_team_size": rng.integers(1, 6, n).astype(float),
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    start = time.perf_counter()
    features = synthetic_features(args.customers)
    print(f"built {args.customers:,} synthetic customers in {time.perf_counter() - start:.2f} s")

    start = time.perf_counter()
    scores = dimension_scores(features)
    print(f"dimension scores (once per dataset): {time.perf_counter() - start:.3f} s "
          f"for {len(scores.dimensions)} dimensions")

    presets = list(PRESETS.values())
    for method in ("by_customer_share", "by_value_share"):
        score_customers(scores, presets[0], method)  # warm-up
        timings = []
        for run in range(args.repeats):
            start = time.perf_counter()
            score_customers(scores, presets[(run + 1) % len(presets)], method)
            timings.append(time.perf_counter() - start)
        best, median = min(timings), statistics.median(timings)
        print(f"re-score + re-tier ({method}), {args.repeats} runs: best {best * 1000:.1f} ms, "
              f"median {median * 1000:.1f} ms; median / 150 ms target = {median / TARGET_SECONDS:.2f}")


if __name__ == "__main__":
    main()
