"""Ingest benchmark: the upload path against DuckDB's own CSV load, side by side in one run.

The floor is ``CREATE TABLE t AS SELECT * FROM read_csv(file)`` into a fresh persistent database:
the same read and write without any validation. The upload path is what the Data page and
``analytics.cli`` run: open (sniff, detect encoding, header), detect locales, validate every row,
import in one transaction. Each side runs in its own fresh process (time to the closed database,
peak RSS of the whole process), alternating, three times; the minimum counts. An Excel file is
timed through python-calamine (the app's reader) and openpyxl's read-only mode (the alternative).

    .venv/bin/python bench/bench_ingest.py [--rows 1000000 10000000] [--excel-rows 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 1.3


def make_csv(path: Path, rows: int) -> None:
    """Sales lines like an ERP export: order and customer ids, ISO dates, amounts with cents."""
    with duckdb.connect() as connection:
        connection.execute(f"""
            COPY (
                SELECT printf('SO%08d', i) AS order_id, printf('C%06d', hash(i) % 50000) AS customer_id,
                       DATE '2023-01-01' + CAST(hash(i * 7) % 1000 AS INTEGER) AS order_date,
                       round(exp(6 + 1.2 * ((hash(i * 13) % 1000) / 1000.0 - 0.5) * 4), 2) AS revenue,
                       round(exp(6 + 1.2 * ((hash(i * 13) % 1000) / 1000.0 - 0.5) * 4) * 0.7, 2) AS cost,
                       ['Direct', 'Distribution', 'E-commerce'][1 + CAST(hash(i * 17) % 3 AS BIGINT)] AS channel,
                       ['East', 'West', 'North', 'South'][1 + CAST(hash(i * 19) % 4 AS BIGINT)] AS region
                FROM range({rows}) r(i)
            ) TO '{path}' (HEADER, DELIMITER ',')
        """)


FLOOR = """
import json, resource, sys, time, duckdb
started = time.perf_counter()
connection = duckdb.connect(sys.argv[2])
connection.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[1]])
count = connection.execute("SELECT count(*) FROM t").fetchall()[0][0]
connection.close()
print(json.dumps({"seconds": time.perf_counter() - started, "rows": count,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

UPLOAD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from analytics import ingest, mapping, readers, validation
from analytics.store import Store
started = time.perf_counter()
store = Store(sys.argv[2])
path = Path(sys.argv[1])
source = readers.open_upload(path.name, path, size_limit=None)
choices = validation.default_choices(source, mapping.suggest_mapping(source.headers))
report = validation.check(source, choices)
outcome = ingest.commit(store, source, choices, report, mode="new")
store.close()
print(json.dumps({"seconds": time.perf_counter() - started, "rows": outcome.rows_inserted,
                  "revenue": report.revenue, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

EXCEL = """
import io, json, resource, sys, time
sys.path.insert(0, sys.argv[3])
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
if sys.argv[2] == "calamine":
    from analytics import readers, validation, mapping
    source = readers.open_upload("bench.xlsx", data)
    choices = validation.default_choices(source, mapping.suggest_mapping(source.headers))
    rows = validation.check(source, choices).rows_accepted
else:
    import openpyxl
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) - 1
print(json.dumps({"seconds": time.perf_counter() - started, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(script: str, *args: str) -> dict:
    output = subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def fresh(folder: Path, name: str) -> str:
    path = folder / name
    for leftover in (path, path.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    return str(path)


def compare_csv(folder: Path, rows: int, repeat: int) -> None:
    csv_path = folder / f"bench_{rows}.csv"
    make_csv(csv_path, rows)
    floors, uploads = [], []
    for _ in range(repeat):
        floors.append(child(FLOOR, str(csv_path), fresh(folder, "floor.duckdb")))
        uploads.append(child(UPLOAD, str(csv_path), fresh(folder, "upload.duckdb"), str(ROOT)))
    assert {u["rows"] for u in uploads} == {rows} == {f["rows"] for f in floors}
    floor_s, upload_s = min(f["seconds"] for f in floors), min(u["seconds"] for u in uploads)
    floor_mb, upload_mb = min(f["peak_mb"] for f in floors), min(u["peak_mb"] for u in uploads)
    size_mb = csv_path.stat().st_size / 2**20
    print(f"{rows:,} rows ({size_mb:.0f} MB CSV), min of {repeat}:")
    print(f"  floor, read_csv into a table: {floor_s:6.2f} s  peak {floor_mb:6.0f} MB")
    print(f"  upload path:                  {upload_s:6.2f} s  peak {upload_mb:6.0f} MB")
    print(f"  ratio: time {upload_s / floor_s:.2f}x (target {TARGET_RATIO}x), peak RSS {upload_mb / floor_mb:.2f}x")
    print(f"  all runs (s): floor {[round(f['seconds'], 2) for f in floors]}, upload {[round(u['seconds'], 2) for u in uploads]}")
    csv_path.unlink()


def make_xlsx(path: Path, rows: int) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sales")
    sheet.append(["order_id", "customer_id", "order_date", "revenue", "cost", "channel", "region"])
    with duckdb.connect() as connection:
        data = connection.execute(f"""
            SELECT printf('SO%08d', i), printf('C%06d', hash(i) % 50000), DATE '2023-01-01' + CAST(hash(i * 7) % 1000 AS INTEGER),
                   round(100 + (hash(i * 13) % 100000) / 100.0, 2), round(50 + (hash(i * 11) % 50000) / 100.0, 2),
                   ['Direct', 'Distribution', 'E-commerce'][1 + CAST(hash(i * 17) % 3 AS BIGINT)], ['East', 'West', 'North', 'South'][1 + CAST(hash(i * 19) % 4 AS BIGINT)]
            FROM range({rows}) r(i)""").fetchall()
    for row in data:
        sheet.append(row)
    book.save(path)


def compare_excel(folder: Path, rows: int, repeat: int) -> None:
    path = folder / "bench.xlsx"
    make_xlsx(path, rows)
    results = {reader: [child(EXCEL, str(path), reader, str(ROOT)) for _ in range(repeat)] for reader in ("calamine", "openpyxl")}
    print(f"Excel, {rows:,} rows ({path.stat().st_size / 2**20:.0f} MB .xlsx), min of {repeat}:")
    print(f"  upload path (python-calamine, checks, validation): {min(r['seconds'] for r in results['calamine']):6.2f} s"
          f"  peak {min(r['peak_mb'] for r in results['calamine']):6.0f} MB")
    print(f"  openpyxl read-only, rows iterated only:          {min(r['seconds'] for r in results['openpyxl']):6.2f} s"
          f"  peak {min(r['peak_mb'] for r in results['openpyxl']):6.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000])
    parser.add_argument("--excel-rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        for rows in args.rows:
            compare_csv(Path(folder), rows, args.repeat)
        if args.excel_rows:
            compare_excel(Path(folder), args.excel_rows, args.repeat)
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
