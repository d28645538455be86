"""Write validated uploads into the store, all or nothing.

Every upload is one transaction: the dataset row, the transactions, the customer attributes and
the dataset's statistics commit together or not at all, so a failure or a killed process leaves
the database exactly as it was. A file's SHA-256 is remembered per dataset so the same export
uploaded twice is refused rather than counted twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import duckdb
import pandas as pd

from analytics.store import Store
from analytics.validation import ValidatedUpload

MODES = ("new", "append", "replace")
CHUNK_ROWS = 200_000
Progress = Callable[[float], None]


class DuplicateUploadError(ValueError):
    """The same file content is already in the dataset it would be added to."""

    def __init__(self, filename: str, dataset_name: str):
        self.filename = filename
        self.dataset_name = dataset_name
        super().__init__(f"{filename} is already in dataset {dataset_name!r}")


class NothingToWriteError(ValueError):
    """Validation left no row to store (every row was rejected, or the file had none)."""

    def __init__(self, filename: str):
        self.filename = filename
        super().__init__(f"{filename}: no valid rows")


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _dataset_holding(cur: duckdb.DuckDBPyConnection, digest: str, dataset_id: int | None) -> str | None:
    """The name of a dataset (the given one, or any when None) that already holds this file."""
    row = cur.execute(
        "SELECT name FROM datasets WHERE list_contains(file_hashes, ?) AND (? IS NULL OR dataset_id = ?)",
        [digest, dataset_id, dataset_id],
    ).fetchone()
    return None if row is None else row[0]


def _insert_transactions(cur, dataset_id: int, frame: pd.DataFrame, progress: Progress | None) -> None:
    """Insert in chunks, so the progress bar moves while a large file is written."""
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start:start + CHUNK_ROWS]
        cur.register("upload_chunk", chunk)
        cur.execute(
            "INSERT INTO transactions BY NAME SELECT CAST(? AS INTEGER) AS dataset_id, * FROM upload_chunk",
            [dataset_id],
        )
        cur.unregister("upload_chunk")
        if progress:
            progress(min(1.0, (start + len(chunk)) / len(frame)))


_MERGE_CUSTOMERS_SQL = """
CREATE TEMP TABLE merged_customers AS
SELECT CAST($dataset_id AS INTEGER) AS dataset_id,
       n.customer_id,
       coalesce(n.name, o.name) AS name,
       coalesce(n.customer_type, o.customer_type) AS customer_type,
       coalesce(n.industry, o.industry) AS industry,
       coalesce(n.region, o.region) AS region,
       coalesce(n.account_team_size, o.account_team_size) AS account_team_size,
       coalesce(n.referrals, o.referrals) AS referrals,
       coalesce(n.satisfaction, o.satisfaction) AS satisfaction,
       coalesce(n.brand_influence, o.brand_influence) AS brand_influence,
       coalesce(n.channel_strength, o.channel_strength) AS channel_strength,
       coalesce(n.industry_expansion, o.industry_expansion) AS industry_expansion,
       coalesce(n.new_product_pilot, o.new_product_pilot) AS new_product_pilot,
       coalesce(n.extra, o.extra) AS extra
FROM upload_customers n
LEFT JOIN customers o ON o.dataset_id = $dataset_id AND o.customer_id = n.customer_id
"""


def _merge_customers(cur, dataset_id: int, customers: pd.DataFrame) -> None:
    """New attribute values win; attributes the upload leaves empty keep their stored value."""
    if customers.empty:
        return
    cur.register("upload_customers", customers)
    cur.execute(_MERGE_CUSTOMERS_SQL, {"dataset_id": dataset_id})
    cur.execute(
        "DELETE FROM customers WHERE dataset_id = ? AND customer_id IN (SELECT customer_id FROM upload_customers)",
        [dataset_id],
    )
    cur.execute("INSERT INTO customers BY NAME SELECT * FROM merged_customers")
    cur.execute("DROP TABLE merged_customers")
    cur.unregister("upload_customers")


def _refresh_statistics(cur, dataset_id: int, digest: str | None, source_file: str | None) -> None:
    cur.execute(
        """
        UPDATE datasets SET
            rows = s.rows, customers = s.customers, date_min = s.date_min, date_max = s.date_max,
            has_cost = s.has_cost,
            file_hashes = CASE WHEN $digest IS NULL THEN file_hashes
                               ELSE list_append(file_hashes, CAST($digest AS VARCHAR)) END,
            source_file = coalesce(CAST($source_file AS VARCHAR), source_file),
            version = version + 1
        FROM (
            SELECT count(*) AS rows, count(DISTINCT customer_id) AS customers,
                   min(order_date) AS date_min, max(order_date) AS date_max,
                   count(gross_profit) > 0 AS has_cost
            FROM transactions WHERE dataset_id = $dataset_id
        ) s
        WHERE datasets.dataset_id = $dataset_id
        """,
        {"digest": digest, "source_file": source_file, "dataset_id": dataset_id},
    )


def write_upload(
    store: Store,
    upload: ValidatedUpload,
    *,
    mode: str,
    digest: str | None,
    dataset_id: int | None = None,
    dataset_name: str | None = None,
    is_demo: bool = False,
    progress: Progress | None = None,
) -> int:
    """Store a validated transactions upload; returns the dataset id. One transaction."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if mode != "new" and dataset_id is None:
        raise ValueError(f"mode {mode!r} needs a dataset_id")
    if upload.transactions.empty:
        raise NothingToWriteError(upload.filename)
    with store.transaction() as cur:
        if digest is not None and mode != "replace":
            holder = _dataset_holding(cur, digest, None if mode == "new" else dataset_id)
            if holder is not None:
                raise DuplicateUploadError(upload.filename, holder)
        if mode == "new":
            dataset_id = cur.execute(
                "INSERT INTO datasets (name, source_file, is_demo) VALUES (?, ?, ?) RETURNING dataset_id",
                [dataset_name or upload.filename, upload.filename, is_demo],
            ).fetchone()[0]
        elif mode == "replace":
            cur.execute("DELETE FROM transactions WHERE dataset_id = ?", [dataset_id])
            cur.execute("DELETE FROM customers WHERE dataset_id = ?", [dataset_id])
            cur.execute("UPDATE datasets SET file_hashes = [] WHERE dataset_id = ?", [dataset_id])
        _insert_transactions(cur, dataset_id, upload.transactions, progress)
        _merge_customers(cur, dataset_id, upload.customers)
        _refresh_statistics(cur, dataset_id, digest, upload.filename)
    return dataset_id


def write_customer_master(store: Store, upload: ValidatedUpload, dataset_id: int) -> int:
    """Merge a customer master file into a dataset; returns how many customers it touched."""
    if upload.customers.empty:
        raise NothingToWriteError(upload.filename)
    with store.transaction() as cur:
        _merge_customers(cur, dataset_id, upload.customers)
        cur.execute("UPDATE datasets SET version = version + 1 WHERE dataset_id = ?", [dataset_id])
    return len(upload.customers)
