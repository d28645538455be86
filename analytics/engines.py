"""Where a dataset's transactions live, and how an Ibis expression (``analytics.aggregations``) runs there.

An uploaded dataset lives in the embedded DuckDB file: Ibis's DuckDB backend runs on a cursor of the
store's own connection (``Store.ibis``), so nothing is copied and nothing else opens the file. An
external source (``analytics.external``) is a table in another engine (Spark, a warehouse, another
DuckDB file), read-only and renamed onto the standard columns; only per-customer results come back.

Ibis (about half a second to import) is loaded by the first read of transactions, not by importing
this module or the analyses: a page that reads none does not pay for it.
"""

from __future__ import annotations

from collections.abc import Iterator
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
        """Run ``expr`` and fetch it in full, in Arrow batches; dates become datetime64[us], strings
        pandas' Arrow-backed ``str`` (no Python objects per id)."""
        with self._reading():
            if self.backend.name == "duckdb":
                # Ibis 12's to_pyarrow_batches calls DuckDB's fetch_record_batch, gone in DuckDB 2; its
                # successor is a relation's to_arrow_reader, on the backend's cursor, over Ibis's SQL.
                reader = self.backend.con.sql(self.backend.compile(expr)).to_arrow_reader(CHUNK_ROWS)
            else:
                reader = self.backend.to_pyarrow_batches(expr, chunk_size=CHUNK_ROWS)
            table = pa.Table.from_batches(list(reader), schema=reader.schema)
        return arrow_to_frame(table)

    def scalar(self, expr: ir.Scalar):
        with self._reading():
            return self.backend.execute(expr)


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """``table`` as pandas, dates as datetime64[us] (as DuckDB's own fetch gives them)."""
    dates = {i: pa.timestamp("us") for i, field in enumerate(table.schema) if pa.types.is_date(field.type)}
    for i, kind in dates.items():
        table = table.set_column(i, table.field(i).name, table.column(i).cast(kind))
    return table.to_pandas()


def for_dataset(store: Store, dataset_id: int) -> Engine:
    """The engine holding ``dataset_id``'s transactions: an external source's, else the store's own."""
    from analytics import external
    from analytics.aggregations import CUSTOMERS, TRANSACTIONS

    source = external.source_of(store, dataset_id)
    if source is not None:
        return external.engine(source)
    backend = store.ibis()
    transactions = backend.table("transactions")
    transactions = transactions.filter(transactions.dataset_id == int(dataset_id)).select(*TRANSACTIONS)
    customers = backend.table("customers")
    customers = customers.filter(customers.dataset_id == int(dataset_id)).select(*CUSTOMERS)
    return Engine(backend, transactions, customers)
