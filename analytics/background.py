"""Run upload work off the Streamlit script thread, within a time budget.

Parsing a hostile file must not freeze other sessions or hang one: the work runs on a worker
thread (DuckDB and the readers release the GIL while they work) and the caller waits at most the
budget. A DuckDB statement still running then is interrupted; the caller gets ``TimeoutError``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import duckdb

T = TypeVar("T")
DEFAULT_BUDGET_SECONDS = 120.0


def run_bounded(
    work: Callable[[], T], *, seconds: float = DEFAULT_BUDGET_SECONDS,
    connection: duckdb.DuckDBPyConnection | None = None, tick: Callable[[float], None] | None = None,
) -> T:
    """``work()`` on a worker thread; ``tick(elapsed)`` about every 0.2 s while it runs."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed back to the waiting thread
            outcome["error"] = error

    worker = threading.Thread(target=target, name="upload-work", daemon=True)
    started = time.monotonic()
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
        elapsed = time.monotonic() - started
        if worker.is_alive() and elapsed > seconds:
            if connection is not None:
                connection.interrupt()
                worker.join(5)
            raise TimeoutError(f"gave up after {seconds:.0f} s")
        if tick is not None and worker.is_alive():
            tick(elapsed)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
