"""Benchmark: tiers at two cut-offs and the tier migration matrix over 1,000,000 transactions.

The target is 2 s for ``analytics.migration.migrate`` (features as of both cut-offs in DuckDB,
dimension scores, tiers with the same weights, period activity, the count and value matrices).
Also timed, for information: the same with the lifetime-value model fitted at each cut-off for
the potential dimension, as the lifecycle page scores tiers (it caches this per cut-off; the
purchase model, BG/NBD or MBG/NBD, is chosen once on the whole history).
The database is the demo business scaled up to about a million transaction lines, written
through the upload path into a temporary file.

Run: .venv/bin/python bench/bench_migration.py [--transactions N] [--repeats R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.clv.summary import rfm_summary
from analytics.demo import generate_demo
from analytics.ingest import write_upload
from analytics.migration import migrate
from analytics.potential import LifetimeSettings, fit_lifetime
from analytics.presets import PRESETS
from analytics.store import Store

TARGET_SECONDS = 2.0
DEMO_LINES_PER_CUSTOMER = 16.5  # a little under the demo generator's mean at this scale (16.8): at least N lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        upload = generate_demo(n_customers=round(args.transactions / DEMO_LINES_PER_CUSTOMER))
        store = Store(Path(folder) / "bench.duckdb")
        dataset_id = write_upload(store, upload, mode="new", digest=None, dataset_name="bench")
        print(f"built {len(upload.transactions):,} transactions of {len(upload.customers):,} customers "
              f"in {time.perf_counter() - start:.1f} s")

        # As the lifecycle page: the purchase model is chosen once on the whole history, then fitted at each cut-off.
        chosen = fit_lifetime(rfm_summary(store, dataset_id)).choice.chosen
        lifetime = LifetimeSettings(purchase_model=chosen)
        results = {
            label: timed(args.repeats, migrate, store, dataset_id, PRESETS["balanced"], lifetime=settings)
            for label, settings in (("features and scores", None), (f"with lifetime-value potential ({chosen})", lifetime))
        }
        store.close()

    for label, (migration, timings) in results.items():
        median = statistics.median(timings)
        print(f"{label}: cut-offs {migration.before} -> {migration.after}, {migration.customers_before:,} customers "
              f"before, {migration.customers_after:,} after")
        print(f"  tiers at two cut-offs + migration matrix, {args.repeats} runs: best {min(timings):.3f} s, "
              f"median {median:.3f} s; median / {TARGET_SECONDS:.0f} s target = {median / TARGET_SECONDS:.2f}")


def timed(repeats: int, function, *args, **kwargs):
    """The last result and the wall times of ``repeats`` calls after a warm-up call."""
    result = function(*args, **kwargs)
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        timings.append(time.perf_counter() - start)
    return result, timings


if __name__ == "__main__":
    main()
