"""Where a dataset's transactions live, and how an Ibis expression (``analytics.aggregations``) runs there.

An uploaded dataset lives in the embedded DuckDB file: Ibis's DuckDB backend runs on a cursor of the
store's own connection (``Store.ibis``), so nothing is copied and nothing else opens the file. An
external source (``analytics.external``) is a table in another engine (Spark, a warehouse, another
DuckDB file), read-only and renamed onto the standard columns; only per-customer results come back.

Ibis (about half a second to import) is loaded by the first read of transactions, not by importing
this module or the analyses: a page that reads none does not pay for it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from analytics.store import Store

if TYPE_CHECKING:
    import ibis.expr.types as ir

# Rows per Arrow batch fetched from an engine: per-customer results of tens of millions of rows come
# over in bounded pieces, not one engine-side buffer plus one pandas copy of it.
CHUNK_ROWS = 1_000_000


@dataclass(frozen=True)
class Engine:
    """A dataset's transactions (``TRANSACTIONS`` columns) and customer master (None when the engine
    has none) as Ibis tables, and the backend that runs expressions over them. With ``one_read`` (a
    DuckDB source file) the backend is closed after the first read, so the file's owner can write to
    it between reads (opening costs 30-60 ms, and the read starts without DuckDB's block cache)."""

    backend: object
    transactions: ir.Table
    customers: ir.Table | None
    one_read: bool = False

    @contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            yield
        finally:
            if self.one_read:
                self.backend.disconnect()

    def frame(self, expr: ir.Table) -> pd.DataFrame:
        """Run ``expr`` and fetch it in full, in Arrow batches."""
        with self._reading():
            if self.backend.name == "duckdb":
                return _fetch(self.backend.con.sql(self.backend.compile(expr)))
            return _frame(self.backend.to_pyarrow_batches(expr, chunk_size=CHUNK_ROWS))


@dataclass(frozen=True)
class Text:
    """A text value from the data or a person (a customer id): bound as a parameter in the store's
    SQL, never written into it. External engines get it as an Ibis literal (quoted by Ibis)."""

    value: str


def read(store: Store, dataset_id: int, builder: Callable[..., ir.Table], *args) -> pd.DataFrame:
    """``builder(tables, *args)`` (an ``analytics.aggregations`` function) over ``dataset_id``'s
    transactions, run where they live; ``Text`` arguments reach the builder as their ``str``.

    For the store's own datasets the SQL is compiled once per (dataset, builder, arguments other than
    ``Text``) and kept: building and compiling an Ibis expression costs 0.05-0.2 s of Python, more
    than DuckDB takes to run it on a few million lines, and pages, reports and past cut-offs ask for
    the same reads. ``Text`` values are bound to it as parameters.
    """
    from analytics import external

    source = external.source_of(store, dataset_id)
    if source is not None:
        engine = external.engine(source)
        return engine.frame(builder(engine, *(arg.value if isinstance(arg, Text) else arg for arg in args)))
    shape = tuple(Text if isinstance(arg, Text) else arg for arg in args)
    params = {f"p{i}": arg.value for i, arg in enumerate(args) if isinstance(arg, Text)}
    return _fetch(store.ibis().con.sql(local_sql(int(dataset_id), builder, shape), params=params or None))


@functools.lru_cache(maxsize=1024)
def local_sql(dataset_id: int, builder: Callable[..., ir.Table], args: tuple) -> str:
    """DuckDB SQL for ``builder(tables, *args)`` over the store's tables: it names them, not a file,
    so one text serves every store. An argument given as the class ``Text`` becomes the parameter
    ``$p<position>``; other values are typed literals quoted by Ibis (dates and numbers the code computed)."""
    import ibis

    from analytics.aggregations import CUSTOMERS, TRANSACTIONS, Tables

    def table(name: str, columns: dict[str, str]):
        # The store's column types, NOT NULL as "!" (analytics/schema.py)
        required = {"dataset_id", "customer_id", "order_date", "revenue"}
        schema = {"dataset_id": "int32", **columns}
        stored = ibis.table({column: ("!" if column in required else "") + kind for column, kind in schema.items()},
                            name=name)
        return stored.filter(stored.dataset_id == dataset_id).select(*columns)

    # Each Text argument is built as a marker literal, which the compiled text then names as a parameter.
    markers = {i: f"cvd_parameter_marker_{i}" for i, arg in enumerate(args) if arg is Text}
    values = [markers.get(i, arg) for i, arg in enumerate(args)]
    tables = Tables(table("transactions", TRANSACTIONS), table("customers", CUSTOMERS))
    sql = ibis.to_sql(builder(tables, *values), dialect="duckdb", pretty=False)
    for i, marker in markers.items():
        if f"'{marker}'" not in sql:
            raise RuntimeError(f"{builder.__name__}: argument {i} did not reach the SQL as one literal")
        sql = sql.replace(f"'{marker}'", f"$p{i}")
    return sql


def _fetch(relation) -> pd.DataFrame:
    # Ibis 12's to_pyarrow_batches calls DuckDB's fetch_record_batch, gone in DuckDB 2; its successor
    # is a relation's to_arrow_reader, here over Ibis's SQL on the backend's cursor.
    return _frame(relation.to_arrow_reader(CHUNK_ROWS))


def _frame(reader: pa.RecordBatchReader) -> pd.DataFrame:
    """Batches in full as pandas: dates become datetime64[us], strings pandas' Arrow-backed ``str``
    (no Python objects per id)."""
    table = pa.Table.from_batches(list(reader), schema=reader.schema)
    return arrow_to_frame(table)


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """``table`` as pandas, dates as datetime64[us] (as DuckDB's own fetch gives them)."""
    dates = {i: pa.timestamp("us") for i, field in enumerate(table.schema) if pa.types.is_date(field.type)}
    for i, kind in dates.items():
        table = table.set_column(i, table.field(i).name, table.column(i).cast(kind))
    return table.to_pandas()
