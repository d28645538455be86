"""A fork server for the kill tests: imports the app once, then forks one writer per request.

The test writes one JSON request per line on stdin; for each, a forked child announces
``<pid> start``, performs one write phase on its database file and announces ``<pid> done``,
then sleeps until it is killed. Children never close their store: a SIGKILL must find the
database exactly as DuckDB left it. Forking keeps each run at milliseconds instead of the
seconds a fresh interpreter needs to import pandas and DuckDB.

``python tests/kill_child.py serve ROWS FOLDER`` runs the fork server (ROWS: the big upload's
size, written as a CSV file in FOLDER);
``python tests/kill_child.py check PATH...`` reopens each database (run it without network) and
prints what it holds as JSON.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from analytics import ingest, readers, validation  # noqa: E402
from analytics.datasets import delete_dataset  # noqa: E402
from analytics.demo import seed_demo_if_empty  # noqa: E402
from analytics.mapping import suggest_mapping  # noqa: E402
from analytics.store import Store  # noqa: E402


def write_big_file(path: Path, rows: int) -> Path:
    """A sales CSV of ``rows`` lines over 100,000 customers, revenue 1..rows (so its sum is exact)."""
    with duckdb.connect() as connection:
        connection.execute(f"""
            COPY (SELECT printf('K%05d', i % 100000) AS customer_id, DATE '2024-01-01' + CAST(i % 365 AS INTEGER)
                         AS order_date, i + 1 AS revenue FROM range({rows}) r(i)) TO '{path}' (HEADER)""")
    return path


def upload_file(store: Store, path: Path) -> None:
    """The Data page's path: open, detect, check every row, import in one transaction."""
    source = readers.open_upload(path.name, path)
    choices = validation.default_choices(source, suggest_mapping(source.headers))
    report = validation.check(source, choices)
    ingest.commit(store, source, choices, report, mode="new", dataset_name="big")


def run_phase(request: dict, big_file: Path) -> None:
    path = request["path"]
    phase = request["phase"]
    print(f"{os.getpid()} start", flush=True)
    store = Store(path)  # "migrations": a fresh file, killed while it is created and migrated
    if phase == "demo":
        seed_demo_if_empty(store)
    elif phase == "upload":
        upload_file(store, big_file)
    elif phase == "delete":
        delete_dataset(store, request["dataset_id"])
    print(f"{os.getpid()} done", flush=True)
    time.sleep(3600)


def serve(rows: int, folder: Path) -> None:
    big_file = write_big_file(folder / "big.csv", rows)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed children are reaped by the kernel
    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if os.fork() == 0:
            try:
                run_phase(request, big_file)
            finally:
                os._exit(0)


def network_reachable() -> bool:
    try:
        socket.create_connection(("1.1.1.1", 443), timeout=1).close()
    except OSError:
        return False
    return True


def contents(path: str) -> dict:
    """What a reopened database holds: per dataset its catalog row against its stored rows."""
    try:
        store = Store(path)
    except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
        return {"error": f"{type(error).__name__}: {error}"}
    datasets = store.rows("""
        SELECT d.dataset_id, d.name, d.rows, d.customers, count(t.dataset_id), round(coalesce(sum(t.revenue), 0), 2)
        FROM datasets d LEFT JOIN transactions t USING (dataset_id)
        GROUP BY ALL ORDER BY d.dataset_id
    """)
    orphans = store.scalar("SELECT count(*) FROM transactions WHERE dataset_id NOT IN (SELECT dataset_id FROM datasets)")
    return {"schema_version": store.schema_version, "datasets": datasets, "orphan_rows": orphans}


def main() -> None:
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        print(json.dumps({"network": network_reachable(), "databases": {p: contents(p) for p in sys.argv[2:]}}))


if __name__ == "__main__":
    main()
