"""The one module that owns the DuckDB database: file location, schema, connection, cursors.

A Streamlit server runs many script threads in one process. DuckDB wants one connection per
process and a cursor per thread, with writes in explicit transactions; ``Store`` gives exactly
that. Schema changes are numbered migrations applied on open, so an older database file is
upgraded in place.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

DB_PATH_ENV = "CVD_DB_PATH"
DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "cvd.duckdb"

TRANSACTION_COLUMNS = (
    "customer_id", "order_date", "revenue", "order_id", "cost", "gross_profit", "quantity",
    "product", "channel", "region", "sales_rep",
)
CUSTOMER_COLUMNS = (
    "customer_id", "name", "customer_type", "industry", "region", "account_team_size",
    "referrals", "satisfaction", "brand_influence", "channel_strength", "industry_expansion",
    "new_product_pilot",
)
CUSTOMER_TYPES = ("consumer", "purchaser", "enterprise", "intermediary", "dealer")

_MIGRATIONS = (
    # 1: the initial schema.
    """
    CREATE SEQUENCE dataset_ids START 1;
    CREATE TABLE datasets (
        dataset_id INTEGER PRIMARY KEY DEFAULT nextval('dataset_ids'),
        name VARCHAR NOT NULL,
        created TIMESTAMP NOT NULL DEFAULT current_timestamp,
        source_file VARCHAR,
        rows BIGINT NOT NULL DEFAULT 0,
        customers BIGINT NOT NULL DEFAULT 0,
        date_min DATE,
        date_max DATE,
        file_hashes VARCHAR[] NOT NULL DEFAULT [],
        is_demo BOOLEAN NOT NULL DEFAULT false,
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE transactions (
        dataset_id INTEGER NOT NULL,
        customer_id VARCHAR NOT NULL,
        order_date DATE NOT NULL,
        revenue DOUBLE NOT NULL,
        order_id VARCHAR,
        cost DOUBLE,
        gross_profit DOUBLE,
        quantity DOUBLE,
        product VARCHAR,
        channel VARCHAR,
        region VARCHAR,
        sales_rep VARCHAR,
        extra JSON
    );
    CREATE TABLE customers (
        dataset_id INTEGER NOT NULL,
        customer_id VARCHAR NOT NULL,
        name VARCHAR,
        customer_type VARCHAR,
        industry VARCHAR,
        region VARCHAR,
        account_team_size DOUBLE,
        referrals DOUBLE,
        satisfaction DOUBLE,
        brand_influence DOUBLE,
        channel_strength DOUBLE,
        industry_expansion DOUBLE,
        new_product_pilot DOUBLE,
        extra JSON
    );
    CREATE TABLE settings (
        key VARCHAR PRIMARY KEY,
        value JSON NOT NULL,
        updated TIMESTAMP NOT NULL DEFAULT current_timestamp
    );
    """,
    # 2: whether a dataset has profit data, kept at ingest rather than scanned on every listing.
    """
    ALTER TABLE datasets ADD COLUMN has_cost BOOLEAN DEFAULT false;
    UPDATE datasets SET has_cost = EXISTS (
        SELECT 1 FROM transactions t WHERE t.dataset_id = datasets.dataset_id AND t.gross_profit IS NOT NULL
    );
    """,
    # 3: no primary-key index on the small catalog tables. DuckDB reports a write-write conflict
    # when a row with an indexed key is updated while other threads read, which failed uploads
    # under concurrent readers. Ids come from the sequence; a setting is replaced by delete+insert.
    """
    CREATE TABLE datasets_v3 (
        dataset_id INTEGER NOT NULL DEFAULT nextval('dataset_ids'),
        name VARCHAR NOT NULL,
        created TIMESTAMP NOT NULL DEFAULT current_timestamp,
        source_file VARCHAR,
        rows BIGINT NOT NULL DEFAULT 0,
        customers BIGINT NOT NULL DEFAULT 0,
        date_min DATE,
        date_max DATE,
        file_hashes VARCHAR[] NOT NULL DEFAULT [],
        is_demo BOOLEAN NOT NULL DEFAULT false,
        version INTEGER NOT NULL DEFAULT 1,
        has_cost BOOLEAN NOT NULL DEFAULT false
    );
    INSERT INTO datasets_v3 SELECT dataset_id, name, created, source_file, rows, customers, date_min,
        date_max, file_hashes, is_demo, version, coalesce(has_cost, false) FROM datasets;
    DROP TABLE datasets;
    ALTER TABLE datasets_v3 RENAME TO datasets;
    CREATE TABLE settings_v3 (
        key VARCHAR NOT NULL,
        value JSON NOT NULL,
        updated TIMESTAMP NOT NULL DEFAULT current_timestamp
    );
    INSERT INTO settings_v3 SELECT key, value, updated FROM settings;
    DROP TABLE settings;
    ALTER TABLE settings_v3 RENAME TO settings;
    """,
    # 4: upload history and content keys. Each upload is a row of `uploads`; each transaction knows
    # its upload and carries a key, the hash of its normalized values (ingest.ROW_KEY_SQL), so an
    # append skips rows already stored and one upload can be rolled back. Rows a replace removed and
    # customer rows as they were before an upload touched them are kept for that rollback. Rows
    # stored before this migration belong to one upload per dataset. File hashes move to `uploads`.
    """
    CREATE SEQUENCE upload_ids START 1;
    CREATE TABLE uploads (
        upload_id INTEGER NOT NULL DEFAULT nextval('upload_ids'),
        dataset_id INTEGER NOT NULL,
        kind VARCHAR NOT NULL DEFAULT 'transactions',
        file_name VARCHAR,
        sheet VARCHAR,
        mode VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        created TIMESTAMP NOT NULL DEFAULT current_timestamp,
        rows_inserted BIGINT NOT NULL DEFAULT 0,
        rows_rejected BIGINT NOT NULL DEFAULT 0,
        rows_skipped BIGINT NOT NULL DEFAULT 0,
        customers_merged BIGINT NOT NULL DEFAULT 0,
        file_hash VARCHAR,
        rolled_back TIMESTAMP
    );
    INSERT INTO uploads (dataset_id, file_name, mode, actor, created, rows_inserted, file_hash)
        SELECT dataset_id, source_file, 'new', CASE WHEN is_demo THEN 'demo' ELSE 'local' END, created, rows,
               file_hashes[1]
        FROM datasets ORDER BY dataset_id;
    ALTER TABLE transactions ADD COLUMN upload_id INTEGER;
    ALTER TABLE transactions ADD COLUMN row_key UBIGINT;
    UPDATE transactions SET
        upload_id = (SELECT min(u.upload_id) FROM uploads u WHERE u.dataset_id = transactions.dataset_id),
        row_key = hash(CAST(customer_id AS VARCHAR), CAST(order_date AS DATE), CAST(revenue AS DOUBLE),
            CAST(order_id AS VARCHAR), CAST(cost AS DOUBLE), CAST(gross_profit AS DOUBLE), CAST(quantity AS DOUBLE),
            CAST(product AS VARCHAR), CAST(channel AS VARCHAR), CAST(region AS VARCHAR), CAST(sales_rep AS VARCHAR));
    CREATE TABLE replaced_transactions AS
        SELECT CAST(NULL AS INTEGER) AS replaced_by, * FROM transactions LIMIT 0;
    CREATE TABLE customer_snapshots AS
        SELECT CAST(NULL AS INTEGER) AS upload_id, CAST(NULL AS BOOLEAN) AS existed, * FROM customers LIMIT 0;
    ALTER TABLE datasets DROP COLUMN file_hashes;
    """,
)


class Store:
    """One DuckDB database file: a connection for the process, a cursor for each thread."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = duckdb.connect(str(self.path))
        self._local = threading.local()
        self._migrate()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor, created on first use."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._connection.cursor()
            self._local.cursor = cursor
        return cursor

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction on a fresh cursor: committed on success, rolled back on any error."""
        cursor = self._connection.cursor()
        cursor.begin()
        try:
            yield cursor
        except BaseException:
            cursor.rollback()
            raise
        else:
            cursor.commit()
        finally:
            cursor.close()

    def close(self) -> None:
        self._connection.close()

    @property
    def schema_version(self) -> int:
        return self.cursor().execute("SELECT max(version) FROM schema_version").fetchone()[0]

    def _migrate(self) -> None:
        with self.transaction() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = cur.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
            for version, script in enumerate(_MIGRATIONS, start=1):
                if version > current:
                    cur.execute(script)
                    cur.execute("INSERT INTO schema_version VALUES (?)", [version])

    # Settings: small JSON values (weight presets, thresholds) that outlive a session.
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.cursor().execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return default if row is None else json.loads(row[0])

    def put_setting(self, key: str, value: Any) -> None:
        with self.transaction() as cur:
            cur.execute("DELETE FROM settings WHERE key = ?", [key])
            cur.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [key, json.dumps(value, ensure_ascii=False)])

    def delete_setting(self, key: str) -> None:
        with self.transaction() as cur:
            cur.execute("DELETE FROM settings WHERE key = ?", [key])

    def settings_with_prefix(self, prefix: str) -> dict[str, Any]:
        rows = self.cursor().execute(
            "SELECT key, value FROM settings WHERE starts_with(key, ?) ORDER BY key", [prefix]
        ).fetchall()
        return {key: json.loads(value) for key, value in rows}


def database_path() -> Path:
    """The database file: ``$CVD_DB_PATH`` when set, else ``data/cvd.duckdb`` in the project."""
    return Path(os.environ.get(DB_PATH_ENV) or DEFAULT_DB_PATH)


@functools.cache
def open_store(path: str) -> Store:
    """The process-wide ``Store`` for ``path``: DuckDB allows one writer connection per file."""
    return Store(path)
