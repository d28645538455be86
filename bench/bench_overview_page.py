"""Benchmark: the executive overview at 100,000 customers, against the 2 s target.

Builds the demo business at 100,000 customers in a temporary DuckDB file, runs the app once
through AppTest to warm the caches (features, lifetime-value fit, dimension scores), then times
full AppTest runs of the overview page: app script, sidebar, filters, KPIs, value model, pyramid,
80/20 curve, verdict and strategy lines, figures serialized.

Run: .venv/bin/python bench/bench_overview_page.py [--customers N] [--repeats R] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.demo import DEMO_NAME, generate_demo
from analytics.ingest import write_upload
from analytics.store import DB_PATH_ENV, Store

TARGET_SECONDS = 2.0


def build_database(path: Path, customers: int) -> None:
    start = time.perf_counter()
    upload = generate_demo(n_customers=customers)
    store = Store(path)
    write_upload(store, upload, mode="new", digest=None, dataset_name=DEMO_NAME, is_demo=True)
    store.close()
    print(f"built {customers:,} customers, {len(upload.transactions):,} order lines in "
          f"{time.perf_counter() - start:.1f} s")


def overview_run():
    """One full run of the app on its landing page, the overview; fails loudly on an exception."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.run()
    if app.exception:
        raise RuntimeError([e.value for e in app.exception])
    return app


def profile_threads(run) -> None:
    """cProfile of ``run`` in every thread it starts: AppTest executes the script in its own thread."""
    profilers = []

    def start_profiler(*_):
        profiler = cProfile.Profile()
        profilers.append(profiler)
        profiler.enable()

    threading.setprofile(start_profiler)
    try:
        run()
    finally:
        threading.setprofile(None)
    stats = pstats.Stats(profilers[0])
    for profiler in profilers[1:]:
        stats.add(profiler)
    stats.sort_stats("cumulative").print_stats(45)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print the top functions of one warm run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        build_database(path, args.customers)
        os.environ[DB_PATH_ENV] = str(path)

        start = time.perf_counter()
        app = overview_run()
        print(f"first run (cold caches: features, lifetime-value fit, scores): {time.perf_counter() - start:.2f} s; "
              f"customers shown: {app.metric[0].value}")

        timings = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            overview_run()
            timings.append(time.perf_counter() - start)
        median = statistics.median(timings)
        print(f"warm overview runs ({args.repeats}): best {min(timings):.3f} s, median {median:.3f} s; "
              f"median / {TARGET_SECONDS:.0f} s target = {median / TARGET_SECONDS:.2f}")

        if args.profile:
            profile_threads(overview_run)


if __name__ == "__main__":
    main()
