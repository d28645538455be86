"""External sources: a dataset whose transactions are a table in another engine, read where they live.

An admin registers one from the command line (``python -m analytics.cli source add``): a backend
(``pyspark``, ``duckdb``, or another Ibis backend by its URL: ``postgres://...``, ``trino://...``),
where to reach it, a table, and a mapping of the standard fields onto the table's columns. The
mapping is checked against the table's schema before anything is written (``SourceError`` names the
missing column or the wrong type). The dataset then appears beside the uploaded ones; its per-customer
results are cached like theirs, by dataset version, and ``refresh`` bumps the version (recounting
rows, customers and dates) when the table has changed. Nothing here writes to the source.

Reads stop at the last order date the latest refresh counted, so rows dated later (new sales) wait
for the next refresh instead of mixing with its counts and date range; ``change_since_refresh`` tells
when the table's rows or last date no longer match the refresh (an edit of earlier rows can show
before a refresh: only a copy could stop that, and a source is read where it lives).

Backends and ``url``:
- ``pyspark``: a Spark master (``local[2]``) or a Spark Connect URL (``sc://host:15002``, which needs
  ``pyspark[connect]``); the session is made once per process. Tested (local mode). The table may be
  a local Parquet or CSV file (its absolute path): read into a temporary view of the session, made
  again in a new process and whenever the file changes.
- ``duckdb``: another DuckDB file, opened read-only with extensions off for one read (or check) and
  closed after it, so its owner can write to it between reads. Tested.
- the other ``BACKENDS``: ``ibis.connect(url)`` with the backend's own URL (``postgres://user@host/db``;
  its driver installed separately, credentials from the driver's environment, e.g. ``PGPASSWORD``,
  never stored here). Not tested here.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from analytics import audit, engines
from analytics.auth import Actor, acting, require
from analytics.store import Store

# Field -> the Ibis type families a column mapped to it may have (it is cast to the standard type).
FIELD_TYPES = {
    "customer_id": ("string", "integer"),
    "order_date": ("date", "timestamp"),
    "revenue": ("numeric",),
    "order_id": ("string", "integer"),
    "cost": ("numeric",),
    "gross_profit": ("numeric",),
    "quantity": ("numeric",),
    "product": ("string",),
    "channel": ("string",),
    "region": ("string",),
}
REQUIRED = ("customer_id", "order_date", "revenue")
# pyspark and duckdb are tested; the others go through ``ibis.connect(url)`` with the backend's driver.
BACKENDS = ("pyspark", "duckdb", "postgres", "mysql", "mssql", "trino", "snowflake", "bigquery", "databricks",
            "clickhouse")
# Backends whose connection is a file someone else writes: opened for one read and closed after it.
PER_READ = ("duckdb",)


class SourceError(ValueError):
    """Why a source cannot be registered or read; ``code`` names it for a translated message."""

    def __init__(self, code: str, **details):
        self.code = code
        self.details = details
        super().__init__(f"{code}: {details}" if details else code)


@dataclass(frozen=True)
class Source:
    dataset_id: int
    backend: str
    url: str
    table: str
    mapping: dict[str, str]
    refreshed: datetime | None
    rows: int  # order lines and last order date the latest refresh counted: reads stop at that date
    date_max: date | None


@dataclass(frozen=True)
class Checked:
    """A source whose table was found and whose mapping fits it, with its counts (``check_source``)."""

    backend: str
    url: str
    table: str
    mapping: dict[str, str]
    counts: dict


@dataclass(frozen=True)
class Change:
    """A source's order lines and last order date now, against what its latest refresh counted."""

    rows_then: int
    rows_now: int
    date_max_then: date | None
    date_max_now: date | None


def source_of(store: Store, dataset_id: int) -> Source | None:
    """The external source behind ``dataset_id``; None for an uploaded dataset."""
    row = store.row("SELECT s.backend, s.url, s.table_name, s.mapping, s.refreshed, d.rows, d.date_max"
                    " FROM sources s JOIN datasets d USING (dataset_id) WHERE dataset_id = ?", [int(dataset_id)])
    if row is None:
        return None
    backend, url, table, mapping, refreshed, rows, date_max = row
    return Source(int(dataset_id), backend, url, table, json.loads(mapping), refreshed, int(rows), date_max)


_connections: dict[tuple[str, str], object] = {}
_connections_lock = threading.Lock()


def connect(backend: str, url: str):
    """One Ibis connection per backend and URL for the process (a Spark session is costly to make); a
    new one each time for a ``PER_READ`` backend, for the caller to close."""
    if backend not in BACKENDS:
        raise SourceError("unknown_backend", backend=backend, backends=", ".join(BACKENDS))
    if backend in PER_READ:
        return _open(backend, url)
    with _connections_lock:
        connection = _connections.get((backend, url))
        if connection is None:
            connection = _connections[(backend, url)] = _open(backend, url)
        return connection


def needs_start(source: Source) -> bool:
    """Whether reading ``source`` first makes its engine's session in this process (Spark: minutes)."""
    return source.backend not in PER_READ and (source.backend, source.url) not in _connections


def _release(backend: str, connection) -> None:
    if backend in PER_READ:
        connection.disconnect()


@contextmanager
def _connected(backend: str, url: str) -> Iterator[object]:
    """``connect`` for one use: a ``PER_READ`` connection is closed after it."""
    connection = connect(backend, url)
    try:
        yield connection
    finally:
        _release(backend, connection)


def _pinned(package: str) -> str:
    """``package==version`` as requirements-dev.txt pins it (the tested version), else the bare name."""
    pins = Path(__file__).resolve().parent.parent / "requirements-dev.txt"
    lines = pins.read_text(encoding="utf-8").splitlines() if pins.is_file() else []
    return next((line.strip() for line in lines if line.strip().lower().startswith(f"{package.lower()}==")), package)


def _open(backend: str, url: str):
    import ibis

    if backend == "duckdb" and not Path(url).is_file():
        raise SourceError("no_file", path=url)
    try:
        if backend == "pyspark":
            from pyspark.sql import SparkSession

            builder = SparkSession.builder.remote(url) if url.startswith("sc://") else SparkSession.builder.master(url)
            return ibis.pyspark.connect(builder.getOrCreate())
        if backend == "duckdb":
            return ibis.duckdb.connect(url, read_only=True, autoinstall_known_extensions=False,
                                       autoload_known_extensions=False, allow_community_extensions=False)
        return ibis.connect(url)
    except Exception as error:  # every driver has its own errors: say which backend failed, and how
        if backend == "duckdb" and "lock" in str(error):  # its owner has it open for writing
            raise SourceError("busy", path=url) from error
        if isinstance(error, ModuleNotFoundError):  # the backend's driver is not installed next to the app
            raise SourceError("no_driver", backend=backend, package=_pinned((error.name or "").split(".")[0])) from error
        raise SourceError("unreachable", backend=backend, reason=type(error).__name__) from error


_files: dict[tuple[int, str], tuple[tuple, object]] = {}
_files_lock = threading.Lock()


def _signature(path: Path) -> tuple:
    """Size and modification time of the file, or of every file under the folder."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)


def _file_table(connection, name: str):
    """A Parquet file or folder (or a ``.csv`` file) as a temporary view of the session, read again when
    the session is new or the files changed: Spark keeps a view's file list and sizes, and a file
    rewritten under it would read as empty. Kept otherwise: CSV types are inferred in a full pass."""
    path = Path(name)
    if not path.exists():
        raise SourceError("no_file", path=name)
    key, signature = (id(connection), name), _signature(path)
    with _files_lock:
        known = _files.get(key)
        if known is not None and known[0] == signature:
            return known[1]
        view = "cvd_file_" + hashlib.sha256(name.encode()).hexdigest()[:16]
        try:
            if path.suffix.lower() == ".csv":
                table = connection.read_csv(name, table_name=view)
            else:
                table = connection.read_parquet(name, table_name=view)
        except Exception as error:  # not Parquet, unreadable CSV: the engine's own error, named
            raise SourceError("unreadable_file", path=name, reason=type(error).__name__) from error
        _files[key] = (signature, table)
        return table


def _table(connection, name: str):
    """The table ``name``, or ``catalog.database.name``, or a file by its absolute path;
    ``SourceError("no_table")`` when missing."""
    if Path(name).is_absolute():
        return _file_table(connection, name)
    *database, table = name.split(".")
    try:
        return connection.table(table, database=tuple(database) if len(database) > 1 else (database[0] if database
                                                                                            else None))
    except Exception as error:  # the backends raise differently for a missing table
        raise SourceError("no_table", table=name, reason=type(error).__name__) from error


def _family(dtype) -> str:
    if dtype.is_string():
        return "string"
    if dtype.is_integer():
        return "integer"
    if dtype.is_date():
        return "date"
    if dtype.is_timestamp():
        return "timestamp"
    if dtype.is_numeric():
        return "numeric"
    return str(dtype)


def check_mapping(table, mapping: dict[str, str]) -> None:
    """Every field known, the required ones mapped, each to an existing column of a fitting type."""
    unknown = sorted(set(mapping) - set(FIELD_TYPES))
    if unknown:
        raise SourceError("unknown_field", fields=", ".join(unknown), known=", ".join(FIELD_TYPES))
    missing = [field for field in REQUIRED if field not in mapping]
    if missing:
        raise SourceError("unmapped", fields=", ".join(missing))
    if "cost" in mapping and "gross_profit" in mapping:
        raise SourceError("cost_and_profit")
    schema = table.schema()
    for field, column in mapping.items():
        if column not in schema:
            raise SourceError("no_column", field=field, column=column, columns=", ".join(schema.names))
        family = _family(schema[column])
        accepted = FIELD_TYPES[field]
        if family not in accepted and not (family == "integer" and "numeric" in accepted):
            raise SourceError("wrong_type", field=field, column=column, type=str(schema[column]),
                              expected=" or ".join(accepted))


def mapped(table, mapping: dict[str, str]):
    """``table`` as the standard transactions columns (``aggregations.TRANSACTIONS``), unmapped ones NULL."""
    import ibis

    from analytics.aggregations import TRANSACTIONS

    def column(field: str, kind: str):
        return table[mapping[field]].cast(kind) if field in mapping else ibis.null(kind)

    columns = {field: column(field, kind) for field, kind in TRANSACTIONS.items()}
    if "cost" in mapping:  # gross profit is revenue - cost, as at upload
        columns["gross_profit"] = columns["revenue"] - table[mapping["cost"]].cast("float64")
    return table.select(**columns)


def engine(source: Source) -> engines.Engine:
    """``source``'s transactions up to the last order date its latest refresh counted (none when it
    counted none): the counts, date range and every aggregation then describe the same orders."""
    import ibis

    connection = connect(source.backend, source.url)
    try:
        transactions = mapped(_table(connection, source.table), source.mapping)
    except SourceError:
        _release(source.backend, connection)
        raise
    seen = ibis.literal(False) if source.date_max is None else transactions.order_date <= source.date_max
    return engines.Engine(connection, transactions.filter(seen), None, one_read=source.backend in PER_READ)


def _dates(row, *names: str) -> dict:
    return {name: None if pd.isna(row[name]) else pd.Timestamp(row[name]).date() for name in names}


def _measure(connection, transactions) -> dict:
    """Rows, customers and date range of a source's transactions, counted by its engine."""
    from analytics import aggregations

    engine = engines.Engine(connection, transactions, None)
    row = engine.frame(aggregations.date_bounds(engine)).iloc[0]
    return {"rows": int(row["rows"]), "customers": int(row["customers"]), **_dates(row, "date_min", "date_max")}


def check_source(backend: str, url: str, table: str, mapping: dict[str, str]) -> Checked:
    """Reach ``table``, check ``mapping`` against its schema and count it; nothing is written anywhere.
    A DuckDB file's path is kept absolute, so a server started elsewhere finds it."""
    if backend == "duckdb":
        url = str(Path(url).resolve())
    if Path(table).is_absolute() and not Path(table).exists():  # said before an engine starts for it
        raise SourceError("no_file", path=table)
    with _connected(backend, url) as connection:
        source_table = _table(connection, table)
        check_mapping(source_table, mapping)
        return Checked(backend, url, table, dict(mapping), _measure(connection, mapped(source_table, mapping)))


def add_source(store: Store, name: str, source: Checked, *, actor: Actor | None = None) -> int:
    """Register a checked source as a new dataset named ``name``; its dataset id."""
    actor = acting(actor)
    require(actor, "sources")  # admins only: a connection to another engine; the command line acts as one
    name = name.strip()
    if not name:
        raise SourceError("no_name")
    counts, mapping = source.counts, source.mapping
    has_cost = "cost" in mapping or "gross_profit" in mapping
    with store.transaction() as cur:
        dataset_id = cur.execute(
            "INSERT INTO datasets (name, source_file, rows, customers, date_min, date_max, has_cost)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING dataset_id",
            [name, f"{source.backend}:{source.table}", counts["rows"], counts["customers"], counts["date_min"],
             counts["date_max"], has_cost],
        ).fetchall()[0][0]
        cur.execute("INSERT INTO sources (dataset_id, backend, url, table_name, mapping, created_by, refreshed)"
                    " VALUES (?, ?, ?, ?, ?, ?, current_timestamp)",
                    [dataset_id, source.backend, source.url, source.table, json.dumps(mapping, sort_keys=True),
                     actor.name])
        audit.record(cur, actor, "source_add", dataset_id, name, backend=source.backend, table=source.table,
                     mapping=mapping, rows=counts["rows"])
    return dataset_id


def change_since_refresh(store: Store, dataset_id: int) -> Change | None:
    """How the source's table differs from its latest refresh by order lines and last order date;
    None when both match (an edit that keeps both is not seen)."""
    from analytics import aggregations

    source = source_of(store, dataset_id)
    if source is None:
        raise SourceError("not_a_source")
    with _connected(source.backend, source.url) as connection:
        transactions = mapped(_table(connection, source.table), source.mapping)
        engine = engines.Engine(connection, transactions, None)
        row = engine.frame(aggregations.extent(engine)).iloc[0]
    now = _dates(row, "date_max")["date_max"]
    if int(row["rows"]) == source.rows and now == source.date_max:
        return None
    return Change(source.rows, int(row["rows"]), source.date_max, now)


def refresh(store: Store, dataset_id: int, *, actor: Actor | None = None) -> datetime:
    """Recount the source and bump the dataset's version, so every cached result is computed again."""
    actor = acting(actor)
    require(actor, "upload")
    source = source_of(store, dataset_id)
    if source is None:
        raise SourceError("not_a_source")
    with _connected(source.backend, source.url) as connection:
        counts = _measure(connection, mapped(_table(connection, source.table), source.mapping))
    with store.transaction() as cur:
        cur.execute("UPDATE datasets SET rows = ?, customers = ?, date_min = ?, date_max = ?, version = version + 1"
                    " WHERE dataset_id = ?", [counts["rows"], counts["customers"], counts["date_min"],
                                              counts["date_max"], dataset_id])
        refreshed = cur.execute("UPDATE sources SET refreshed = current_timestamp WHERE dataset_id = ?"
                                " RETURNING refreshed", [dataset_id]).fetchall()[0][0]
        name = cur.execute("SELECT name FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchall()[0][0]
        audit.record(cur, actor, "source_refresh", dataset_id, name, **counts)
    return refreshed
