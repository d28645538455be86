"""The datasets a team has uploaded: list, look up, rename, delete, and each one's upload history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from analytics import audit
from analytics.auth import Actor, acting, require
from analytics.ingest import refresh_statistics
from analytics.store import Store


@dataclass(frozen=True)
class Dataset:
    dataset_id: int
    name: str
    created: datetime
    source_file: str | None
    rows: int
    customers: int
    date_min: date | None
    date_max: date | None
    is_demo: bool
    version: int
    has_cost: bool


_SELECT = """
    SELECT dataset_id, name, created, source_file, rows, customers, date_min, date_max, is_demo,
           version, has_cost
    FROM datasets
"""


def list_datasets(store: Store) -> list[Dataset]:
    return [Dataset(*row) for row in store.rows(_SELECT + " ORDER BY dataset_id")]


def get_dataset(store: Store, dataset_id: int) -> Dataset | None:
    row = store.row(_SELECT + " WHERE dataset_id = ?", [dataset_id])
    return None if row is None else Dataset(*row)


def datasets_frame(store: Store) -> pd.DataFrame:
    return pd.DataFrame([d.__dict__ for d in list_datasets(store)])


def _name_of(cur, dataset_id: int) -> str | None:
    found = cur.execute("SELECT name FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchall()
    return found[0][0] if found else None


def rename_dataset(store: Store, dataset_id: int, name: str, *, actor: Actor | None = None) -> None:
    actor = acting(actor)
    require(actor, "rename")
    name = name.strip()
    if not name:
        raise ValueError("a dataset needs a name")
    with store.transaction() as cur:
        before = _name_of(cur, dataset_id)
        cur.execute("UPDATE datasets SET name = ? WHERE dataset_id = ?", [name, dataset_id])
        audit.record(cur, actor, "rename", dataset_id, name, before=before, after=name)


def delete_dataset(store: Store, dataset_id: int, *, actor: Actor | None = None) -> None:
    """Delete a dataset with its rows and upload history (admins); the audit trail keeps its record."""
    actor = acting(actor)
    require(actor, "delete_dataset")
    with store.transaction() as cur:
        found = cur.execute("SELECT name, rows, customers FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchall()
        _delete(cur, dataset_id)
        if found:
            name, rows, customers = found[0]
            audit.record(cur, actor, "delete_dataset", dataset_id, name, rows=rows, customers=customers)


def _delete(cur, dataset_id: int) -> None:
    cur.execute("DELETE FROM transactions WHERE dataset_id = ?", [dataset_id])
    cur.execute("DELETE FROM customers WHERE dataset_id = ?", [dataset_id])
    cur.execute("DELETE FROM replaced_transactions WHERE dataset_id = ?", [dataset_id])
    cur.execute("DELETE FROM customer_snapshots WHERE dataset_id = ?", [dataset_id])
    cur.execute("DELETE FROM uploads WHERE dataset_id = ?", [dataset_id])
    cur.execute("DELETE FROM datasets WHERE dataset_id = ?", [dataset_id])


UPLOAD_COLUMNS = [
    "upload_id", "kind", "file_name", "sheet", "mode", "actor", "created", "rows_inserted", "rows_rejected",
    "rows_skipped", "customers_merged", "rolled_back",
]


def upload_history(store: Store, dataset_id: int) -> pd.DataFrame:
    """Every upload into a dataset, newest first: file, rows, who, when, mode, and whether it was rolled back."""
    cur = store.cursor()
    return cur.execute(  # the column list is the module's constant; the dataset id is bound
        f"SELECT {', '.join(UPLOAD_COLUMNS)} FROM uploads WHERE dataset_id = ? ORDER BY upload_id DESC", [dataset_id]
    ).df()


def rollback_upload(store: Store, upload_id: int, *, actor: Actor | None = None) -> int | None:
    """Undo one upload in one transaction; returns its dataset id, or None when the dataset is gone.

    Its rows leave (also from what a later replace set aside); a replace gets the rows it removed
    back; customer attributes it changed return to what they were, unless a later upload changed
    them again; a dataset left with no active upload is deleted, as before its first upload."""
    actor = acting(actor)
    require(actor, "rollback")
    with store.transaction() as cur:
        found = cur.execute(
            "SELECT dataset_id, mode, file_name, rows_inserted FROM uploads WHERE upload_id = ? AND rolled_back IS NULL",
            [upload_id],
        ).fetchall()
        if not found:
            raise ValueError(f"upload {upload_id} does not exist or was already rolled back")
        dataset_id, mode, file_name, rows_inserted = found[0]
        audit.record(cur, actor, "rollback", dataset_id, _name_of(cur, dataset_id), upload_id=upload_id,
                     file=file_name, mode=mode, rows_inserted=rows_inserted)
        cur.execute("DELETE FROM transactions WHERE upload_id = ?", [upload_id])
        cur.execute("DELETE FROM replaced_transactions WHERE upload_id = ?", [upload_id])
        if mode == "replace":
            cur.execute(
                "INSERT INTO transactions SELECT * EXCLUDE (replaced_by) FROM replaced_transactions WHERE replaced_by = ?",
                [upload_id],
            )
            cur.execute("DELETE FROM replaced_transactions WHERE replaced_by = ?", [upload_id])
        _restore_customers(cur, dataset_id, upload_id)
        cur.execute("UPDATE uploads SET rolled_back = current_timestamp WHERE upload_id = ?", [upload_id])
        active = cur.execute(
            "SELECT count(*) FROM uploads WHERE dataset_id = ? AND rolled_back IS NULL", [dataset_id]
        ).fetchall()[0][0]
        if not active:
            _delete(cur, dataset_id)
            return None
        latest = cur.execute(  # the dataset's source file is again the newest upload still in it
            "SELECT file_name FROM uploads WHERE dataset_id = ? AND rolled_back IS NULL AND kind = 'transactions'"
            " ORDER BY upload_id DESC LIMIT 1", [dataset_id],
        ).fetchall()
        refresh_statistics(cur, dataset_id, latest[0][0] if latest else None)
    return dataset_id


def _restore_customers(cur, dataset_id: int, upload_id: int) -> None:
    """Customer rows this upload touched go back to their snapshot, where no later active upload
    touched them since."""
    # A constant of ours, shared by the statements below; the ids are bound.
    untouched_later = """
        FROM customer_snapshots s WHERE s.upload_id = $upload AND NOT EXISTS (
            SELECT 1 FROM customer_snapshots later JOIN uploads u ON u.upload_id = later.upload_id
            WHERE later.dataset_id = s.dataset_id AND later.customer_id = s.customer_id
              AND later.upload_id > $upload AND u.rolled_back IS NULL)"""
    cur.execute(
        f"DELETE FROM customers WHERE dataset_id = $dataset AND customer_id IN (SELECT s.customer_id {untouched_later})",
        {"dataset": dataset_id, "upload": upload_id},
    )
    cur.execute(
        f"INSERT INTO customers SELECT s.* EXCLUDE (upload_id, existed) {untouched_later} AND s.existed",
        {"upload": upload_id},
    )
    cur.execute("DELETE FROM customer_snapshots WHERE upload_id = ?", [upload_id])


def last_upload(store: Store, dataset_id: int) -> int | None:
    """The newest upload of a dataset that is not rolled back."""
    rows = store.cursor().execute(
        "SELECT max(upload_id) FROM uploads WHERE dataset_id = ? AND rolled_back IS NULL", [dataset_id]
    ).fetchall()
    return rows[0][0]
