"""Write validated uploads into the store, all or nothing, and remember each upload.

Every upload is one transaction: the dataset row, the transactions (one ``INSERT ... SELECT`` from
the validated source, whatever its size), the customer attributes, the upload's history row and
the dataset's statistics commit together or not at all, so a failure or a killed process leaves
the database exactly as it was. Each transaction row carries a key, a hash of its normalized
values: an append skips rows the dataset already holds (a re-saved or re-exported file is not
counted twice, whatever its bytes), and every row knows its upload so one upload can be rolled
back (``datasets.rollback_upload``).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analytics import audit
from analytics.auth import Actor, acting, require
from analytics.mapping import CUSTOMER_FIELDS, MASTER_FIELDS, TRANSACTION_FIELDS, customer_type_code
from analytics.row_plan import Choices, RowPlan
from analytics.sources import Source, UploadError
from analytics.store import CUSTOMER_COLUMNS, Store
from analytics.validation import Report, require_choices

MODES = ("new", "append", "replace")
# The key of a stored transaction: its normalized values, typed the same on every path. Migration 4
# computes the same expression for rows stored before keys existed; a test pins its value.
ROW_KEY_SQL = (
    "hash(CAST(customer_id AS VARCHAR), CAST(order_date AS DATE), CAST(revenue AS DOUBLE), CAST(order_id AS VARCHAR),"
    " CAST(cost AS DOUBLE), CAST(gross_profit AS DOUBLE), CAST(quantity AS DOUBLE), CAST(product AS VARCHAR),"
    " CAST(channel AS VARCHAR), CAST(region AS VARCHAR), CAST(sales_rep AS VARCHAR))"
)
Progress = Callable[[str, float], None]


class DuplicateUploadError(ValueError):
    """Every row of the upload is already in the dataset it would be added to."""

    def __init__(self, filename: str, dataset_name: str):
        self.filename = filename
        self.dataset_name = dataset_name
        super().__init__(f"{filename} is already in dataset {dataset_name!r}")


class NothingToWriteError(ValueError):
    """Validation left no row to store (every row was rejected, or the file had none)."""

    def __init__(self, filename: str):
        self.filename = filename
        super().__init__(f"{filename}: no valid rows")


@dataclass(frozen=True)
class Outcome:
    """What an import did."""

    dataset_id: int
    upload_id: int
    rows_inserted: int
    rows_skipped: int


@dataclass(frozen=True)
class Preflight:
    """What an append would meet in the dataset, said before anything is written."""

    rows_already_stored: int
    overlap_from: object | None
    overlap_to: object | None
    same_file_in: str | None


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_hash(source: Source) -> str:
    digest = hashlib.sha256()
    with open(source.path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _keyed_sql(rows_sql: str) -> str:
    return f"SELECT *, {ROW_KEY_SQL} AS row_key FROM ({rows_sql})"


def preflight(store: Store, source: Source, choices: Choices, dataset_id: int, digest: str | None = None) -> Preflight:
    """Rows of the upload the dataset already holds, and where the date ranges overlap."""
    plan = RowPlan(source, choices, TRANSACTION_FIELDS + CUSTOMER_FIELDS)
    sql, params = plan.canonical_sql()
    cur = store.cursor()
    stored, first, last = cur.execute(
        f"""SELECT count(t.row_key), greatest(min(n.order_date), any_value(d.date_min)), least(max(n.order_date), any_value(d.date_max))
            FROM ({_keyed_sql(sql)}) n
            LEFT JOIN (SELECT DISTINCT row_key FROM transactions WHERE dataset_id = ?) t ON n.row_key = t.row_key
            CROSS JOIN (SELECT date_min, date_max FROM datasets WHERE dataset_id = ?) d""",
        [*params, dataset_id, dataset_id],
    ).fetchall()[0]
    _drop_rejects(cur)
    same = None
    if digest is not None:
        found = cur.execute(
            "SELECT d.name FROM uploads u JOIN datasets d USING (dataset_id)"
            " WHERE u.file_hash = ? AND u.rolled_back IS NULL ORDER BY u.upload_id DESC LIMIT 1",
            [digest],
        ).fetchall()
        same = found[0][0] if found else None
    overlaps = first is not None and last is not None and first <= last
    return Preflight(stored, first if overlaps else None, last if overlaps else None, same)


def _drop_rejects(cur) -> None:
    cur.execute("DROP TABLE IF EXISTS reject_errors")
    cur.execute("DROP TABLE IF EXISTS reject_scans")


def _with_progress(cur, stage: str, progress: Progress | None, statement: Callable[[], object]):
    """Run one long statement; while it runs, report DuckDB's own estimate of how far it got."""
    if progress is None:
        return statement()
    cur.execute("SET enable_progress_bar = true")  # DuckDB only estimates progress when asked to
    cur.execute("SET enable_progress_bar_print = false")
    result: dict[str, object] = {}

    def work():
        try:
            result["value"] = statement()
        except BaseException as error:  # noqa: BLE001 - re-raised on the calling thread
            result["error"] = error

    worker = threading.Thread(target=work, daemon=True)
    progress(stage, 0.0)
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
        share = cur.query_progress()
        if share is not None and share >= 0:
            progress(stage, min(1.0, share / 100))
    progress(stage, 1.0)
    if "error" in result:
        raise result["error"]
    return result.get("value")


def start_upload(cur, mode: str, dataset_id: int | None, dataset_name: str | None, filename: str,
           is_demo: bool, actor: str, sheet: str | None, digest: str | None, kind: str) -> tuple[int, int]:
    """The dataset (created for 'new', emptied for 'replace') and this upload's history row."""
    if mode != "new" and cur.execute("SELECT 1 FROM sources WHERE dataset_id = ?", [dataset_id]).fetchall():
        raise UploadError("external_source", filename)  # its rows live in the other engine, never here
    if mode == "new":
        dataset_id = cur.execute(
            "INSERT INTO datasets (name, source_file, is_demo) VALUES (?, ?, ?) RETURNING dataset_id",
            [dataset_name or filename, filename, is_demo],
        ).fetchall()[0][0]
    upload_id = cur.execute(
        "INSERT INTO uploads (dataset_id, file_name, sheet, mode, actor, file_hash, kind) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " RETURNING upload_id",
        [dataset_id, filename, sheet, mode, actor, digest, kind],
    ).fetchall()[0][0]
    if mode == "replace":
        cur.execute(
            "INSERT INTO replaced_transactions SELECT ? AS replaced_by, * FROM transactions WHERE dataset_id = ?",
            [upload_id, dataset_id],
        )
        cur.execute("DELETE FROM transactions WHERE dataset_id = ?", [dataset_id])
        cur.execute(
            "INSERT INTO customer_snapshots SELECT ? AS upload_id, true AS existed, * FROM customers WHERE dataset_id = ?",
            [upload_id, dataset_id],
        )
        cur.execute("DELETE FROM customers WHERE dataset_id = ?", [dataset_id])
    return dataset_id, upload_id


def insert_rows(cur, dataset_id: int, upload_id: int, rows_sql: str, params: list, skip_existing: bool,
                 progress: Progress | None) -> int:
    """One INSERT ... SELECT of every accepted row; with ``skip_existing``, rows whose key the
    dataset already holds are left out. Returns the rows inserted."""
    # An explicit anti join: NOT EXISTS makes DuckDB plan the long validation SELECT several
    # times over (60 ms on a small file, against 20).
    existing = (
        " ANTI JOIN (SELECT row_key FROM transactions WHERE dataset_id = ?) t ON n.row_key = t.row_key"
        if skip_existing else ""
    )
    sql = (
        "INSERT INTO transactions BY NAME SELECT CAST(? AS INTEGER) AS dataset_id, CAST(? AS INTEGER) AS upload_id,"
        " customer_id, order_date, revenue, order_id, cost, gross_profit, quantity, product, channel, region,"
        f" sales_rep, extra, row_key FROM ({_keyed_sql(rows_sql)}) n{existing}"
    )
    arguments = [dataset_id, upload_id, *params] + ([dataset_id] if skip_existing else [])
    # Row order in the table means nothing (every read groups or sorts); not keeping it lets
    # DuckDB write from all threads without reassembling the file's order.
    cur.execute("SET SESSION preserve_insertion_order = false")  # this cursor only
    inserted = _with_progress(cur, "writing", progress, lambda: cur.execute(sql, arguments).fetchall()[0][0])
    _drop_rejects(cur)
    return int(inserted)


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


def merge_customers(cur, dataset_id: int, upload_id: int, customers: pd.DataFrame) -> int:
    """New attribute values win; attributes the upload leaves empty keep their stored value. The
    rows as they were (or that they did not exist) are kept so the upload can be rolled back."""
    if customers.empty:
        return 0
    frame = customers.reindex(columns=list(CUSTOMER_COLUMNS) + ["extra"])
    frame = frame.astype({c: object for c in ("name", "customer_type", "industry", "region", "extra")})
    for column in CUSTOMER_COLUMNS[5:]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    cur.register("upload_customers", frame)
    try:
        cur.execute(
            """INSERT INTO customer_snapshots
               SELECT ? AS upload_id, o.customer_id IS NOT NULL AS existed,
                      coalesce(o.dataset_id, ?) AS dataset_id, n.customer_id, o.* EXCLUDE (dataset_id, customer_id)
               FROM upload_customers n LEFT JOIN customers o ON o.dataset_id = ? AND o.customer_id = n.customer_id""",
            [upload_id, dataset_id, dataset_id],
        )
        cur.execute(_MERGE_CUSTOMERS_SQL, {"dataset_id": dataset_id})
        cur.execute(
            "DELETE FROM customers WHERE dataset_id = ? AND customer_id IN (SELECT customer_id FROM upload_customers)",
            [dataset_id],
        )
        cur.execute("INSERT INTO customers BY NAME SELECT * FROM merged_customers")
        cur.execute("DROP TABLE merged_customers")
    finally:
        cur.unregister("upload_customers")
    return len(frame)


def refresh_statistics(cur, dataset_id: int, source_file: str | None = None) -> None:
    """Recount a dataset's rows, customers, dates and cost flag, and bump its version."""
    cur.execute(
        """
        UPDATE datasets SET
            rows = s.rows, customers = s.customers, date_min = s.date_min, date_max = s.date_max,
            has_cost = s.has_cost,
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
        {"source_file": source_file, "dataset_id": dataset_id},
    )


def finish_upload(cur, dataset_id: int, upload_id: int, filename: str, inserted: int, rejected: int, skipped: int,
            customers: int) -> None:
    cur.execute(
        "UPDATE uploads SET rows_inserted = ?, rows_rejected = ?, rows_skipped = ?, customers_merged = ?"
        " WHERE upload_id = ?",
        [inserted, rejected, skipped, customers, upload_id],
    )
    refresh_statistics(cur, dataset_id, filename)


def audit_upload(cur, actor: Actor, dataset_id: int, upload_id: int) -> None:
    """The audit row of an upload, from its history row, in the upload's transaction."""
    kind, mode, file_name, sheet, inserted, rejected, skipped, customers, name = cur.execute(
        "SELECT kind, mode, file_name, sheet, rows_inserted, rows_rejected, rows_skipped, customers_merged, d.name"
        " FROM uploads JOIN datasets d USING (dataset_id) WHERE upload_id = ?", [upload_id],
    ).fetchall()[0]
    audit.record(cur, actor, "upload", dataset_id, name, upload_id=upload_id, kind=kind, mode=mode, file=file_name,
                 sheet=sheet, rows_inserted=inserted, rows_rejected=rejected, rows_skipped=skipped,
                 customers_merged=customers)


def check_mode(mode: str, dataset_id: int | None) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if mode != "new" and dataset_id is None:
        raise ValueError(f"mode {mode!r} needs a dataset_id")


def dataset_name_of(cur, dataset_id: int) -> str:
    return cur.execute("SELECT name FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchall()[0][0]


def _customer_table(connection, plan: RowPlan, fields) -> pd.DataFrame:
    query = plan.customers_sql(fields)
    if query is None:
        return pd.DataFrame()
    frame = connection.execute(query[0] + " ORDER BY customer_id", query[1]).df()
    _drop_rejects(connection)
    if "customer_type" in frame:
        frame["customer_type"] = frame["customer_type"].map(lambda v: customer_type_code(v) if isinstance(v, str) else None)
    return frame


def commit(
    store: Store,
    source: Source,
    choices: Choices,
    report: Report,
    *,
    mode: str,
    dataset_id: int | None = None,
    dataset_name: str | None = None,
    actor: Actor | None = None,
    digest: str | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Import a transactions source in one transaction, after ``validation.check`` gave ``report``
    under the same choices: the rows written are the rows it accepted. Appends skip rows already
    in the dataset. Needs the upload right; the audit row commits with the rows."""
    actor = acting(actor)
    require(actor, "upload")
    check_mode(mode, dataset_id)
    fields = TRANSACTION_FIELDS + CUSTOMER_FIELDS
    require_choices(source, choices, fields)
    plan = RowPlan(source, choices, fields)
    rows_sql, params = plan.canonical_sql()
    with store.transaction() as cur:
        dataset_id, upload_id = start_upload(cur, mode, dataset_id, dataset_name, source.filename, False, actor.name,
                                       source.sheet, digest, "transactions")
        inserted = insert_rows(cur, dataset_id, upload_id, f"SELECT * EXCLUDE (line, mask, cells) FROM ({rows_sql})", params,
                                mode == "append", progress)
        if inserted == 0 and report.rows_accepted:
            raise DuplicateUploadError(source.filename, dataset_name_of(cur, dataset_id))
        if inserted == 0:
            raise NothingToWriteError(source.filename)
        if progress:
            progress("customers", 0.0)
        customers = merge_customers(cur, dataset_id, upload_id, _customer_table(cur, plan, CUSTOMER_FIELDS))
        if progress:
            progress("statistics", 0.0)
        finish_upload(cur, dataset_id, upload_id, source.filename, inserted, report.rows_rejected,
                report.rows_accepted - inserted, customers)
        audit_upload(cur, actor, dataset_id, upload_id)
    return Outcome(dataset_id, upload_id, inserted, report.rows_accepted - inserted)


def commit_customer_master(store: Store, source: Source, choices: Choices, report: Report, dataset_id: int, *,
                           actor: Actor | None = None) -> int:
    """Merge a validated customer master source into a dataset; returns how many customers it touched."""
    actor = acting(actor)
    require(actor, "upload")
    require_choices(source, choices, MASTER_FIELDS)
    plan = RowPlan(source, choices, MASTER_FIELDS)
    with store.transaction() as cur:
        frame = _customer_table(cur, plan, MASTER_FIELDS)
        if frame.empty:
            rows, params = plan.rows_sql()
            frame = cur.execute(f"SELECT DISTINCT customer_id FROM ({rows}) WHERE mask = 0", params).df()
            _drop_rejects(cur)
        if frame.empty:
            raise NothingToWriteError(source.filename)
        _, upload_id = start_upload(cur, "append", dataset_id, None, source.filename, False, actor.name, source.sheet,
                                    None, "customers")
        count = merge_customers(cur, dataset_id, upload_id, frame)
        cur.execute("UPDATE uploads SET customers_merged = ?, rows_rejected = ? WHERE upload_id = ?",
                    [count, report.rows_rejected, upload_id])
        cur.execute("UPDATE datasets SET version = version + 1 WHERE dataset_id = ?", [dataset_id])
        audit_upload(cur, actor, dataset_id, upload_id)
    return count
