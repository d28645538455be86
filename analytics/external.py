"""External sources: a dataset whose transactions are a table in another engine, read where they live.

An admin registers one from the command line (``python -m analytics.cli source add``): a backend
(``pyspark``, ``duckdb``, or another Ibis backend by its URL: ``postgres://...``, ``trino://...``),
where to reach it, a table, and a mapping of the standard fields onto the table's columns. The
mapping is checked against the table's schema before anything is written (``SourceError`` names the
missing column or the wrong type). The dataset then appears beside the uploaded ones; its per-customer
results are cached like theirs, by dataset version, and ``refresh`` bumps the version (recounting
rows, customers and dates) when the table has changed. Nothing here writes to the source.

Backends and ``url``:
- ``pyspark``: a Spark master (``local[2]``) or a Spark Connect URL (``sc://host:15002``, which needs
  ``pyspark[connect]``); the session is made once per process. Tested (local mode).
- ``duckdb``: another DuckDB file, opened read-only with extensions off. Tested.
- the other ``BACKENDS``: ``ibis.connect(url)`` with the backend's own URL (``postgres://user@host/db``;
  its driver installed separately, credentials from the driver's environment, e.g. ``PGPASSWORD``,
  never stored here). Not tested here.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime

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


def source_of(store: Store, dataset_id: int) -> Source | None:
    """The external source behind ``dataset_id``; None for an uploaded dataset."""
    row = store.row("SELECT backend, url, table_name, mapping, refreshed FROM sources WHERE dataset_id = ?",
                    [int(dataset_id)])
    if row is None:
        return None
    backend, url, table, mapping, refreshed = row
    return Source(int(dataset_id), backend, url, table, json.loads(mapping), refreshed)


_connections: dict[tuple[str, str], object] = {}
_connections_lock = threading.Lock()


def connect(backend: str, url: str):
    """One Ibis connection per backend and URL for the process (a Spark session is costly to make)."""
    if backend not in BACKENDS:
        raise SourceError("unknown_backend", backend=backend, backends=", ".join(BACKENDS))
    with _connections_lock:
        connection = _connections.get((backend, url))
        if connection is None:
            connection = _connections[(backend, url)] = _open(backend, url)
        return connection


def _open(backend: str, url: str):
    import ibis

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
        raise SourceError("unreachable", backend=backend, reason=type(error).__name__) from error


def _table(connection, name: str):
    """The table ``name``, or ``catalog.database.name``; ``SourceError("no_table")`` when missing."""
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
    connection = connect(source.backend, source.url)
    return engines.Engine(connection, mapped(_table(connection, source.table), source.mapping), None)


def _measure(connection, transactions) -> dict:
    """Rows, customers and date range of a source's transactions, counted by its engine."""
    from analytics import aggregations

    frame = engines.Engine(connection, transactions, None).frame(aggregations.date_bounds(
        aggregations.Tables(transactions, None)))
    row = frame.iloc[0]
    days = {name: None if pd.isna(row[name]) else pd.Timestamp(row[name]).date() for name in ("date_min", "date_max")}
    return {"rows": int(row["rows"]), "customers": int(row["customers"]), **days}


def add_source(store: Store, name: str, backend: str, url: str, table: str, mapping: dict[str, str], *,
               actor: Actor | None = None) -> int:
    """Register ``table`` as a new dataset named ``name`` after checking its mapping; its dataset id."""
    actor = acting(actor)
    require(actor, "sources")  # admins only: a connection to another engine; the command line acts as one
    name = name.strip()
    if not name:
        raise SourceError("no_name")
    connection = connect(backend, url)
    source_table = _table(connection, table)
    check_mapping(source_table, mapping)
    counts = _measure(connection, mapped(source_table, mapping))
    has_cost = "cost" in mapping or "gross_profit" in mapping
    with store.transaction() as cur:
        dataset_id = cur.execute(
            "INSERT INTO datasets (name, source_file, rows, customers, date_min, date_max, has_cost)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING dataset_id",
            [name, f"{backend}:{table}", counts["rows"], counts["customers"], counts["date_min"],
             counts["date_max"], has_cost],
        ).fetchall()[0][0]
        cur.execute("INSERT INTO sources (dataset_id, backend, url, table_name, mapping, created_by, refreshed)"
                    " VALUES (?, ?, ?, ?, ?, ?, current_timestamp)",
                    [dataset_id, backend, url, table, json.dumps(mapping, sort_keys=True), actor.name])
        audit.record(cur, actor, "source_add", dataset_id, name, backend=backend, table=table, mapping=mapping,
                     rows=counts["rows"])
    return dataset_id


def refresh(store: Store, dataset_id: int, *, actor: Actor | None = None) -> datetime:
    """Recount the source and bump the dataset's version, so every cached result is computed again."""
    actor = acting(actor)
    require(actor, "upload")
    source = source_of(store, dataset_id)
    if source is None:
        raise SourceError("not_a_source")
    connection = connect(source.backend, source.url)
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
