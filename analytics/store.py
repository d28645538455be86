"""The one module that owns the DuckDB database: file location, schema, connection, cursors.

A Streamlit server runs many script threads in one process. DuckDB wants one connection per
process and a cursor per thread, with writes in explicit transactions; ``Store`` gives exactly
that. The schema is ``analytics.schema``'s numbered migrations, applied here on open, so an older
database file is upgraded in place.

Durability: a commit is durable once ``transaction()`` returns (DuckDB syncs its write-ahead
log), and every write transaction is followed by a checkpoint, so a process killed afterwards
leaves a database file that opens without replaying anything. DuckDB never installs or loads an
extension by itself here: the dashboard runs offline, and a replay must not try to download one.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from analytics.schema import MIGRATIONS

_log = logging.getLogger(__name__)

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

_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    # DuckDB's allocator keeps what a query freed until its threads allocate again; idle threads
    # never do, so one features query left the server 300 MB larger. Background threads give it back.
    "allocator_background_threads": True,
}


class StoreError(RuntimeError):
    """The database cannot serve this server; ``code`` names the reason for a translated message."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        super().__init__(f"{code}: {detail}" if detail else code)


def _open_error(error: duckdb.Error) -> StoreError:
    """Why a connection failed, without the file path or the other process's PID."""
    text = str(error)
    if "Could not set lock" in text or "Conflicting lock" in text:
        return StoreError("locked")
    return StoreError("unopenable", type(error).__name__)


def is_fatal(error: BaseException) -> bool:
    """Whether DuckDB gave up on the database: every later query fails until it is reopened."""
    return isinstance(error, duckdb.FatalException) or (
        isinstance(error, duckdb.Error) and "invalidated" in str(error))


class Store:
    """One DuckDB database file: a connection for the process, a cursor for each thread.

    ``read_only`` opens the file without taking the writer's lock (several read-only servers can
    share a file that no server writes to); migrations then must already have been applied, and
    every write raises ``StoreError("read_only")``.
    """

    def __init__(self, path: str | os.PathLike, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise StoreError("missing")
        try:
            self._connection = duckdb.connect(str(self.path), read_only=read_only, config=dict(_CONFIG))
        except duckdb.Error as error:
            raise _open_error(error) from error
        self._local = threading.local()
        # Checked before any write: an up-to-date file opens without a transaction and its checkpoint.
        if self.schema_version < len(MIGRATIONS):
            if read_only:
                self._connection.close()
                raise StoreError("needs_upgrade")
            self._migrate()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor. Fetch every result in full: an unfinished one holds the checkpoint lock."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._connection.cursor()
            self._local.cursor = cursor
        return cursor

    def ibis(self):
        """This thread's Ibis DuckDB backend, on a cursor of its own: Ibis sets its session options
        (UTC, no Python-variable scans) there, not on the cursor the other reads share."""
        backend = getattr(self._local, "ibis", None)
        if backend is None:
            import ibis  # here, not at the top: about half a second, paid by the first read of transactions

            backend = self._local.ibis = ibis.duckdb.from_connection(self._connection.cursor())
        return backend

    def rows(self, sql: str, params: Any = None) -> list[tuple]:
        return self.cursor().execute(sql, params).fetchall()

    def row(self, sql: str, params: Any = None) -> tuple | None:  # the first row (or None); the rest is dropped
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Any = None) -> Any:
        row = self.row(sql, params)
        return None if row is None else row[0]

    def frame(self, sql: str, params: Any = None) -> pd.DataFrame:
        return self.cursor().execute(sql, params).df()

    # Reads that several analyses share: they go through here, so no module copies their SQL.
    def last_order_date(self, dataset_id: int) -> date | None:
        """The dataset's last order date; None when it has no transactions."""
        from analytics import aggregations, engines

        last = engines.read(self, dataset_id, aggregations.last_order).iloc[0, 0]
        return None if last is None or pd.isna(last) else pd.Timestamp(last).date()

    def as_of_date(self, dataset_id: int, as_of: Any = None) -> date | None:
        """The date an analysis is measured at: ``as_of`` when given, else the dataset's last order date."""
        return self.last_order_date(dataset_id) if as_of is None else pd.Timestamp(as_of).date()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction on a fresh cursor: rolled back on any error, else committed and checkpointed."""
        if self.read_only:
            raise StoreError("read_only")
        cursor = self._connection.cursor()
        try:
            cursor.begin()
            try:
                yield cursor
            except BaseException:
                cursor.rollback()
                raise
            cursor.commit()
            self._checkpoint(cursor)
        finally:
            cursor.close()

    @staticmethod
    def _checkpoint(cursor: duckdb.DuckDBPyConnection) -> None:
        """Fold the write-ahead log into the file. The commit before it stands whatever happens
        here: while another writer's transaction is open DuckDB refuses (that writer checkpoints
        after its own commit), and a failed checkpoint (a full disk, say) leaves the log to be
        replayed on the next open; if DuckDB invalidated the database for it, ``open_store``
        reopens it."""
        try:
            cursor.execute("CHECKPOINT")
        except duckdb.TransactionException:
            pass
        except duckdb.Error as error:
            _log.warning("checkpoint after commit failed (%s); the commit stands in the write-ahead log",
                         type(error).__name__)

    def healthy(self) -> bool:  # False once DuckDB invalidated the database (a fatal error), or it was closed
        try:
            with self._connection.cursor() as probe:
                probe.execute("SELECT 1").fetchall()
        except duckdb.ConnectionException:
            return False
        except duckdb.Error as error:
            if is_fatal(error):
                return False
            raise
        return True

    def close(self) -> None:
        self._connection.close()

    @property
    def schema_version(self) -> int:
        exists = self.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_version'")
        return self.scalar("SELECT coalesce(max(version), 0) FROM schema_version") if exists else 0

    def _migrate(self) -> None:
        with self.transaction() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = cur.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]
            for version, script in enumerate(MIGRATIONS, start=1):
                if version > current:
                    cur.execute(script)
                    cur.execute("INSERT INTO schema_version VALUES (?)", [version])

    # Settings: small JSON values (weight presets, thresholds) that outlive a session.
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.row("SELECT value FROM settings WHERE key = ?", [key])
        return default if row is None else json.loads(row[0])

    def put_setting(self, key: str, value: Any) -> None:
        with self.transaction() as cur:
            cur.execute("DELETE FROM settings WHERE key = ?", [key])
            cur.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [key, json.dumps(value, ensure_ascii=False)])

    def delete_setting(self, key: str) -> None:
        with self.transaction() as cur:
            cur.execute("DELETE FROM settings WHERE key = ?", [key])

    def settings_with_prefix(self, prefix: str) -> dict[str, Any]:
        rows = self.rows("SELECT key, value FROM settings WHERE starts_with(key, ?) ORDER BY key", [prefix])
        return {key: json.loads(value) for key, value in rows}


READ_ONLY_ENV = "CVD_READ_ONLY"


def database_path() -> Path:
    """The database file: ``$CVD_DB_PATH`` when set, else ``data/cvd.duckdb`` in the project."""
    return Path(os.environ.get(DB_PATH_ENV) or DEFAULT_DB_PATH)


def read_only_requested() -> bool:
    """Whether this server was started as a viewer (``CVD_READ_ONLY=1``): it never writes."""
    return os.environ.get(READ_ONLY_ENV, "").strip().lower() in ("1", "true", "yes")


_open_stores: dict[tuple[str, bool], Store] = {}
_open_lock = threading.Lock()


def open_store(path: str, read_only: bool | None = None) -> Store:
    """The process-wide ``Store`` for ``path``: DuckDB allows one writer connection per file.
    ``read_only`` defaults to how the server was started (``CVD_READ_ONLY``).

    A store that DuckDB has invalidated after a fatal error is closed and opened again, once per
    failure, so one bad moment does not fail every page of every session until a restart.
    """
    read_only = read_only_requested() if read_only is None else read_only
    key = (str(path), read_only)
    with _open_lock:
        store = _open_stores.get(key)
        if store is not None and not store.healthy():
            try:
                store.close()
            except duckdb.Error:
                pass
            store = None
        if store is None:
            store = _open_stores[key] = Store(path, read_only=read_only)
        return store
