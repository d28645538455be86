"""A million-row upload through the path the Data page takes, five times on fresh databases.

The old path inserted 200,000-row chunks, which corrupted DuckDB 1.2; now one INSERT ... SELECT
writes every accepted row. Each run must commit exactly the rows and the cents of the file.
"""

import time

import duckdb

from analytics import ingest, readers, validation
from analytics.mapping import suggest_mapping
from analytics.store import Store

ROWS = 1_000_000
RUNS = 5


def test_a_million_rows_commit_exactly_five_times_over(tmp_path):
    path = tmp_path / "million.csv"
    with duckdb.connect() as connection:
        connection.execute(f"""
            COPY (SELECT printf('SO%08d', i) AS order_id, printf('C%05d', i % 40000) AS customer_id,
                         DATE '2023-01-01' + CAST(i % 900 AS INTEGER) AS order_date,
                         (i % 100000) / 100 AS revenue, (i % 5000) / 100 AS cost, ['Web', 'Shop'][1 + i % 2] AS channel
                  FROM range({ROWS}) r(i)) TO '{path}' (HEADER)""")
        expected_cents = connection.execute(
            f"SELECT sum(i % 100000), sum(i % 5000) FROM range({ROWS}) r(i)").fetchall()[0]
    data = path.read_bytes()  # the page holds the uploaded bytes
    timings = []
    for run in range(RUNS):
        started = time.perf_counter()
        store = Store(tmp_path / f"run{run}.duckdb")
        source = readers.open_upload("million.csv", data)
        choices = validation.default_choices(source, suggest_mapping(source.headers))
        report = validation.check(source, choices)
        assert (report.rows_total, report.rows_rejected) == (ROWS, 0)
        outcome = ingest.commit(store, source, choices, report, mode="new")
        source.close()
        rows, revenue, cost = store.cursor().execute(
            "SELECT count(*), round(sum(revenue) * 100), round(sum(cost) * 100) FROM transactions").fetchall()[0]
        store.close()
        assert (outcome.rows_inserted, rows, revenue, cost) == (ROWS, ROWS, *expected_cents)
        timings.append(time.perf_counter() - started)
    print(f"\n{RUNS} x {ROWS:,} rows: {', '.join(f'{t:.1f}' for t in timings)} s")
