"""Benchmark: the Value Model page's rerun after a weight-slider change, on 100,000 customers.

The target is 1.5 s from slider release to a redrawn page (server side: the script rerun through
AppTest). The first run fills the per-dataset caches (features, dimension scores); a slider
change should then only re-score and redraw.

Run: .venv/bin/python bench/bench_value_page.py [--customers N] [--repeats R] [--profile]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest

from bench.page_bench import (
    arguments,
    build_demo_database,
    checked_run,
    profile_threads,
)

TARGET_SECONDS = 1.5
PAGE = "pages/value_model.py"
SLIDER = "value_weight_economic"


def main() -> None:
    args = arguments(__doc__.splitlines()[0], "print the top functions of one slider rerun")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        build_demo_database(path, args.customers)

        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        app.switch_page(PAGE)
        print(f"first run (fills the caches): {checked_run(app):.2f} s")
        print(f"rerun, nothing changed: {checked_run(app):.2f} s")

        timings = []
        for run in range(args.repeats):
            app.slider(key=SLIDER).set_value(5.0 if run % 2 == 0 else 1.0)
            timings.append(checked_run(app))
        median = statistics.median(timings)
        print(f"rerun after a slider change, {args.repeats} runs: best {min(timings):.2f} s, "
              f"median {median:.2f} s; median / {TARGET_SECONDS} s target = {median / TARGET_SECONDS:.2f}")

        if args.profile:
            app.slider(key=SLIDER).set_value(3.0)
            profile_threads(lambda: checked_run(app))


if __name__ == "__main__":
    main()
