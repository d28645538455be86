"""Ingest benchmark: a 1,000,000-row CSV through the project's upload path vs bare DuckDB.

Prints, from one run: the time of the full upload path (read, detect encoding and delimiter,
map, validate every row, write in one transaction), the time of a bare DuckDB ``read_csv`` plus
``GROUP BY customer_id`` on the same file, their ratio, and the peak memory of the ingest
(measured in a child process so the file generation does not count).

    .venv/bin/python bench/bench_ingest.py [--rows 1000000]
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
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_csv(path: Path, rows: int) -> None:
    rng = np.random.default_rng(1)
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 1000, rows), unit="D")
    revenue = np.round(rng.lognormal(6, 1.2, rows), 2)
    pd.DataFrame({
        "order_id": [f"SO{i:08d}" for i in range(rows)],
        "customer_id": [f"C{i:06d}" for i in rng.integers(0, 50_000, rows)],
        "order_date": dates.strftime("%Y-%m-%d"),
        "revenue": revenue,
        "cost": np.round(revenue * rng.uniform(0.5, 0.9, rows), 2),
        "channel": rng.choice(["Direct", "Distribution", "E-commerce"], rows),
        "region": rng.choice(["East", "West", "North", "South"], rows),
    }).to_csv(path, index=False)


def ingest_in_child(csv_path: Path, db_path: Path) -> dict:
    """Run the upload path in a fresh process; report its time and peak memory above baseline."""
    script = f"""
import json, resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
from analytics import ingest, mapping, readers, validation
from analytics.store import Store
store = Store({str(db_path)!r})
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
data = open({str(csv_path)!r}, 'rb').read()
started = time.perf_counter()
raw = readers.read_upload('bench.csv', data)
upload = validation.validate_transactions(raw, mapping.suggest_mapping(list(raw.frame.columns)))
ingest.write_upload(store, upload, mode='new', digest=ingest.file_hash(data))
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{'seconds': seconds, 'rows': upload.rows_accepted, 'peak_mb': peak / 1024,
                  'above_baseline_mb': (peak - baseline) / 1024, 'file_mb': len(data) / 2**20}}))
"""
    output = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def bare_duckdb(csv_path: Path) -> float:
    started = time.perf_counter()
    with duckdb.connect() as connection:
        connection.execute(
            "SELECT customer_id, count(*), sum(revenue) FROM read_csv(?) GROUP BY customer_id", [str(csv_path)]
        ).fetchall()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "bench.csv"
        make_csv(csv_path, args.rows)
        baseline = bare_duckdb(csv_path)
        ours = ingest_in_child(csv_path, Path(folder) / "bench.duckdb")
    print(f"rows: {ours['rows']:,} ({ours['file_mb']:.0f} MB CSV)")
    print(f"upload path (read, detect, map, validate, write): {ours['seconds']:.2f} s")
    print(f"bare DuckDB read_csv + GROUP BY customer_id:     {baseline:.2f} s")
    print(f"ratio upload / bare: {ours['seconds'] / baseline:.1f}x")
    print(f"peak memory of the ingest process: {ours['peak_mb']:.0f} MB "
          f"({ours['above_baseline_mb']:.0f} MB above the process before the upload)")


if __name__ == "__main__":
    main()
