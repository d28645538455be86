"""Shared by the page benchmarks: a scaled demo database, and profiling of AppTest's script thread."""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import threading
import time
from collections.abc import Callable
from pathlib import Path

from analytics.demo import DEMO_NAME, generate_demo
from analytics.store import DB_PATH_ENV, Store
from analytics.table_uploads import write_upload


def build_demo_database(path: Path, customers: int) -> None:
    """The demo business at ``customers`` customers in ``path``, made the app's database."""
    start = time.perf_counter()
    upload = generate_demo(n_customers=customers)
    store = Store(path)
    write_upload(store, upload, mode="new", digest=None, dataset_name=DEMO_NAME, is_demo=True)
    store.close()
    os.environ[DB_PATH_ENV] = str(path)
    print(f"built {customers:,} customers, {len(upload.transactions):,} order lines in "
          f"{time.perf_counter() - start:.1f} s")


def arguments(description: str, profile_help: str) -> argparse.Namespace:
    """The options every page benchmark takes: database size, repeats, and a profile run."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help=profile_help)
    return parser.parse_args()


def checked_run(app) -> float:
    """Seconds one AppTest run takes; an exception in the app fails the benchmark loudly."""
    start = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - start
    if app.exception:
        raise RuntimeError([e.value for e in app.exception])
    return elapsed


def profile_threads(run: Callable[[], object], top: int = 40) -> None:
    """cProfile of ``run`` in every thread it starts: AppTest executes the script on its own thread."""
    profiles: list[cProfile.Profile] = []

    def start_profiling(*_) -> None:
        profiles.append(cProfile.Profile())
        profiles[-1].enable()

    threading.setprofile(start_profiling)
    try:
        run()
    finally:
        threading.setprofile(None)
    pstats.Stats(*profiles).sort_stats("cumulative").print_stats(top)
