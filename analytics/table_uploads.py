"""Uploads held in memory as DataFrames: the demo, the benchmarks and the tests.

The same checks as a file upload (``validation``), with the typed rows returned as DataFrames
instead of inserted straight from DuckDB, and written by ``write_upload`` through the same
transaction steps as ``ingest.commit``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from analytics import ingest
from analytics.auth import Actor, acting, require
from analytics.mapping import (
    CUSTOMER_FIELDS,
    MASTER_FIELDS,
    TRANSACTION_FIELDS,
    customer_type_code,
)
from analytics.row_plan import RowPlan
from analytics.sources import Source, engine
from analytics.store import CUSTOMER_COLUMNS, TRANSACTION_COLUMNS, Store
from analytics.validation import default_choices, report_rows, require_choices


@dataclass
class ValidatedUpload:
    """Typed rows that passed, and one line per problem for the rows that did not."""

    filename: str
    rows_total: int
    transactions: pd.DataFrame
    customers: pd.DataFrame
    rejects: pd.DataFrame
    warnings: dict[str, int] = field(default_factory=dict)

    @property
    def rows_rejected(self) -> int:
        return int(self.rejects["row"].nunique()) if len(self.rejects) else 0

    @property
    def rows_accepted(self) -> int:
        return self.rows_total - self.rows_rejected

    def reasons(self) -> pd.Series:
        """How many rows failed for each reason."""
        return self.rejects.drop_duplicates(["row", "reason"])["reason"].value_counts()


def _frame(connection, sql: str, params: list, columns: tuple[str, ...]) -> pd.DataFrame:
    frame = connection.execute(sql, params).df()
    return frame.reindex(columns=list(columns)).astype({c: object for c in columns if frame.get(c) is None})


def _validated(source: Source, mapping: dict[str, str], kind: str) -> ValidatedUpload:
    choices = default_choices(source, mapping)
    fields = TRANSACTION_FIELDS + CUSTOMER_FIELDS if kind == "transactions" else MASTER_FIELDS
    require_choices(source, choices, fields)
    plan = RowPlan(source, choices, fields)
    with engine() as connection:
        report = report_rows(plan, kind, connection)
        # The plan's SQL is ours over columns c0, c1, ...; every value from the file is a bound parameter.
        transactions = pd.DataFrame(columns=list(TRANSACTION_COLUMNS) + ["extra"])
        if kind == "transactions":
            sql, params = plan.canonical_sql()
            transactions = _frame(connection, f"SELECT * EXCLUDE (line, mask, cells) FROM ({sql})", params,
                                  TRANSACTION_COLUMNS + ("extra",))
            transactions["order_date"] = pd.to_datetime(transactions["order_date"])
        customers_query = plan.customers_sql(CUSTOMER_FIELDS if kind == "transactions" else MASTER_FIELDS)
        customers = pd.DataFrame(columns=list(CUSTOMER_COLUMNS) + ["extra"])
        if customers_query is not None:
            customers = _frame(connection, customers_query[0] + " ORDER BY customer_id", customers_query[1],
                               CUSTOMER_COLUMNS + ("extra",))
        elif kind == "customers":
            rows, params = plan.rows_sql()
            customers = _frame(connection, f"SELECT DISTINCT customer_id FROM ({rows}) WHERE mask = 0 ORDER BY 1",
                               params, CUSTOMER_COLUMNS + ("extra",))
    warnings = dict(report.warnings)
    if kind == "customers":
        _master_extra(plan, customers)
    _customer_type_codes(customers, warnings)
    if kind == "customers":
        duplicates = report.rows_accepted - len(customers)
        if duplicates:
            warnings["duplicate_customer_rows"] = duplicates
    return ValidatedUpload(source.filename, report.rows_total, transactions, customers, report.rejects, warnings)


def _master_extra(plan: RowPlan, customers: pd.DataFrame) -> None:
    """Unmapped master columns, kept per customer as JSON (the last row of a customer wins)."""
    extra, extra_params = plan.extra_json()
    if not extra_params or customers.empty:
        return
    rows, params = plan.rows_sql(numbered=True)  # composed from our SQL; the file's text is bound
    with engine() as connection:
        found = dict(connection.execute(
            f"SELECT customer_id, arg_max({extra}, line) FROM ({rows}) WHERE mask = 0 GROUP BY customer_id",
            extra_params + params,
        ).fetchall())
    customers["extra"] = customers["customer_id"].map(found)


def _customer_type_codes(customers: pd.DataFrame, warnings: dict[str, int]) -> None:

    if "customer_type" not in customers or customers["customer_type"].isna().all():
        return
    labels = customers["customer_type"]
    codes = labels.map(lambda v: customer_type_code(v) if isinstance(v, str) else None)
    unknown = int((labels.notna() & codes.isna()).sum())
    if unknown:
        warnings["unknown_customer_type"] = unknown
    customers["customer_type"] = codes.astype(object).where(codes.notna(), None)


def validate_transactions(raw: Source, mapping: dict[str, str]) -> ValidatedUpload:
    """Typed transactions and the customer attributes found in the same sheet, as DataFrames."""
    return _validated(raw, mapping, "transactions")


def validate_customers(raw: Source, mapping: dict[str, str]) -> ValidatedUpload:
    """Typed rows of a customer master file; a later row for the same customer wins."""
    return _validated(raw, mapping, "customers")


def write_upload(
    store: Store,
    upload: ValidatedUpload,
    *,
    mode: str,
    digest: str | None,
    dataset_id: int | None = None,
    dataset_name: str | None = None,
    is_demo: bool = False,
    actor: Actor | None = None,
    progress: Callable[[float], None] | None = None,
) -> int:
    """Store a validated upload held as DataFrames; returns the dataset id. One transaction, with its audit row."""
    actor = acting(actor)
    require(actor, "upload")
    ingest.check_mode(mode, dataset_id)
    if upload.transactions.empty:
        raise ingest.NothingToWriteError(upload.filename)
    frame = upload.transactions
    with store.transaction() as cur:
        dataset_id, upload_id = ingest.start_upload(cur, mode, dataset_id, dataset_name, upload.filename, is_demo,
                                       "demo" if is_demo else actor.name, None, digest, "transactions")
        cur.register("upload_frame", frame)
        try:
            inserted = ingest.insert_rows(cur, dataset_id, upload_id, "SELECT * FROM upload_frame", [], mode == "append",
                                    None)
        finally:
            cur.unregister("upload_frame")
        if inserted == 0:
            raise ingest.DuplicateUploadError(upload.filename, ingest.dataset_name_of(cur, dataset_id))
        if progress:
            progress(1.0)
        customers = ingest.merge_customers(cur, dataset_id, upload_id, upload.customers)
        ingest.finish_upload(cur, dataset_id, upload_id, upload.filename, inserted, upload.rows_rejected, len(frame) - inserted,
                customers)
        ingest.audit_upload(cur, Actor("demo", actor.role) if is_demo else actor, dataset_id, upload_id)
    return dataset_id


def write_customer_master(store: Store, upload: ValidatedUpload, dataset_id: int, actor: Actor | None = None) -> int:
    """Merge a customer master held as a DataFrame into a dataset; returns how many customers it touched."""
    actor = acting(actor)
    require(actor, "upload")
    if upload.customers.empty:
        raise ingest.NothingToWriteError(upload.filename)
    with store.transaction() as cur:
        _, upload_id = ingest.start_upload(cur, "append", dataset_id, None, upload.filename, False, actor.name, None, None,
                                           "customers")
        count = ingest.merge_customers(cur, dataset_id, upload_id, upload.customers)
        cur.execute("UPDATE uploads SET customers_merged = ? WHERE upload_id = ?", [count, upload_id])
        cur.execute("UPDATE datasets SET version = version + 1 WHERE dataset_id = ?", [dataset_id])
        ingest.audit_upload(cur, actor, dataset_id, upload_id)
    return count

