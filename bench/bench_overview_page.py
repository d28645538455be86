"""Benchmark: the executive overview at 100,000 customers, against the 2 s target.

Builds the demo business at 100,000 customers in a temporary DuckDB file, runs the app once
through AppTest to warm the caches (features, lifetime-value fit, dimension scores), then times
full AppTest runs of the overview page: app script, sidebar, filters, KPIs, value model, pyramid,
80/20 curve, verdict and strategy lines, figures serialized.

Run: .venv/bin/python bench/bench_overview_page.py [--customers N] [--repeats R] [--profile]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.page_bench import (
    arguments,
    build_demo_database,
    checked_run,
    profile_threads,
)

TARGET_SECONDS = 2.0


def overview_run():
    """One full run of the app on its landing page, the overview; fails loudly on an exception."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    checked_run(app)
    return app


def main() -> None:
    args = arguments(__doc__.splitlines()[0], "print the top functions of one warm run")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        build_demo_database(path, args.customers)

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
