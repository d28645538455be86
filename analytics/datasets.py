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
