"""The datasets a team has uploaded: list, look up, rename, delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

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
    SELECT d.dataset_id, d.name, d.created, d.source_file, d.rows, d.customers, d.date_min,
           d.date_max, d.is_demo, d.version,
           EXISTS (SELECT 1 FROM transactions t
                   WHERE t.dataset_id = d.dataset_id AND t.gross_profit IS NOT NULL) AS has_cost
    FROM datasets d
"""


def list_datasets(store: Store) -> list[Dataset]:
    rows = store.cursor().execute(_SELECT + " ORDER BY d.dataset_id").fetchall()
    return [Dataset(*row) for row in rows]


def get_dataset(store: Store, dataset_id: int) -> Dataset | None:
    row = store.cursor().execute(_SELECT + " WHERE d.dataset_id = ?", [dataset_id]).fetchone()
    return None if row is None else Dataset(*row)


def datasets_frame(store: Store) -> pd.DataFrame:
    return pd.DataFrame([d.__dict__ for d in list_datasets(store)])


def rename_dataset(store: Store, dataset_id: int, name: str) -> None:
    name = name.strip()
    if not name:
        raise ValueError("a dataset needs a name")
    with store.transaction() as cur:
        cur.execute("UPDATE datasets SET name = ? WHERE dataset_id = ?", [name, dataset_id])


def delete_dataset(store: Store, dataset_id: int) -> None:
    with store.transaction() as cur:
        cur.execute("DELETE FROM transactions WHERE dataset_id = ?", [dataset_id])
        cur.execute("DELETE FROM customers WHERE dataset_id = ?", [dataset_id])
        cur.execute("DELETE FROM datasets WHERE dataset_id = ?", [dataset_id])
