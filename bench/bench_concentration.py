"""Benchmark of the 80/20 analytics at a million customers, against the 300 ms target.

Times, together, what the concentration page computes: ranking revenue, gross profit and value,
their Pareto curves, Gini, top-N shares, HHI and readouts, the whale curve and the risk verdict.
Then reports the figures' JSON sizes (limit 300 KB each). Run: ``python bench/bench_concentration.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics import concentration as conc
from analytics.kpis import overview_kpis
from ui.figures import concentration as figures

CUSTOMERS = 1_000_000
SEED = 20240501
REPEATS = 7
TARGET_MS = 300.0
FIGURE_LIMIT_BYTES = 300_000
METRICS = ("revenue", "gross_profit", "value")


def synthetic_customers(n: int = CUSTOMERS, seed: int = SEED) -> pd.DataFrame:
    """Heavy-tailed customers: lognormal revenue, noisy margins and a cost to serve, so that small
    accounts and deep discounts lose money as in real books."""
    rng = np.random.default_rng(seed)
    revenue = rng.lognormal(mean=8.0, sigma=1.8, size=n)
    gross_profit = revenue * rng.normal(0.22, 0.12, size=n) - rng.gamma(2.0, 150.0, size=n)
    value = revenue**0.7 * rng.lognormal(0.0, 0.6, size=n)
    return pd.DataFrame(
        {
            "customer_id": np.char.add("C", np.arange(n).astype(str)).astype(object),
            "name": np.char.add("Customer ", np.arange(n).astype(str)).astype(object),
            "revenue": revenue,
            "gross_profit": gross_profit,
            "value": value,
            "recency_days": rng.integers(0, 1500, size=n),
        }
    )


def analyse(customers: pd.DataFrame) -> dict:
    """Everything the page computes from the three metrics, one sort per metric (ranked as the page
    ranks them: named, the metrics on threads of their own)."""
    ranked_metrics, _ = conc.rank_columns(customers, METRICS)
    results = {}
    for metric, ranked in ranked_metrics.items():
        results[metric] = {
            "ranked": ranked,
            "summary": conc.concentration_summary(ranked),
            "curve": conc.pareto_curve(ranked, marks=(0.2,)),
            "customers_for_80": conc.customers_for_share(ranked, 0.8),
        }
    results["whale"] = conc.whale_curve(results["gross_profit"]["ranked"])
    results["risk"] = conc.concentration_risk(results["revenue"]["ranked"])
    return results


def timed(function, *args, repeats: int = REPEATS) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(*args)
        times.append(1000.0 * (time.perf_counter() - start))
    return times, result


def main() -> None:
    customers = synthetic_customers()
    times, results = timed(analyse, customers)
    best, median = min(times), statistics.median(times)
    print(f"{CUSTOMERS:,} customers, best of {REPEATS}: {best:.0f} ms, median {median:.0f} ms "
          f"(target {TARGET_MS:.0f} ms: best at {best / TARGET_MS:.2f}x, median at {median / TARGET_MS:.2f}x)")

    for metric in METRICS:
        summary = results[metric]["summary"]
        tops = ", ".join(f"top {n}: {share:.2%}" for n, share in summary.top_shares.items())
        print(f"  {metric:<12} gini {summary.gini:.4f}  hhi {summary.hhi:8.2f}  top 20%: "
              f"{summary.top20_share:.1%}  80% from top {results[metric]['customers_for_80']:.1%}  {tops}  "
              f"curve points {results[metric]['curve'].rank.size}")
    whale = results["whale"]
    print(f"  whale: peak {whale.peak_share:.1%} at {whale.peak_customer_share:.1%} of customers, "
          f"{whale.loss_makers:,} loss makers destroy {whale.profit_destroyed:,.0f}, "
          f"points {whale.curve.rank.size}")
    risk = results["risk"]
    print(f"  risk: {risk.level} (top {risk.top_n} share {risk.top_share:.2%}, hhi {risk.hhi:.2f})")

    kpi_times, _ = timed(overview_kpis, customers, repeats=3)
    print(f"overview_kpis (no tiers), best of 3: {min(kpi_times):.0f} ms")

    built = {
        "pareto (3 metrics)": figures.pareto_figure({m: results[m]["curve"] for m in METRICS}),
        "whale": figures.whale_figure(whale),
        "risk gauge": figures.risk_gauge(risk),
    }
    for name, figure in built.items():
        size = len(figure.to_json())
        status = "ok" if size <= FIGURE_LIMIT_BYTES else "OVER LIMIT"
        print(f"  figure {name:<18} {size / 1000:7.1f} KB  "
              f"({status}, limit {FIGURE_LIMIT_BYTES / 1000:.0f} KB)")


if __name__ == "__main__":
    main()
