"""The audit trail: who did what, when, on which dataset, with the details as JSON.

``record`` runs on the cursor of the write it describes, inside that write's transaction: a write
that fails leaves no audit row, and a committed write always has one. The app has no way to
change or remove a row (no function here updates or deletes; dataset deletion keeps the trail).
Admins read it (``audit_frame``) and export it (``audit_csv``, formula cells neutralized).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from analytics.export import to_csv_bytes
from analytics.store import Store

if TYPE_CHECKING:  # auth imports this module
    from analytics.auth import Actor

COLUMNS = ("audit_id", "created", "actor", "role", "action", "dataset_id", "dataset_name", "details")


def record(cur, actor: Actor, action: str, dataset_id: int | None = None, dataset_name: str | None = None,
           **details: Any) -> None:
    """One audit row, on the cursor (and so in the transaction) of the write it describes."""
    cur.execute(
        "INSERT INTO audit_log (actor, role, action, dataset_id, dataset_name, details) VALUES (?, ?, ?, ?, ?, ?)",
        [actor.name, actor.role, action, dataset_id, dataset_name,
         json.dumps(details, ensure_ascii=False, default=str, sort_keys=True)],
    )


def audit_frame(store: Store, actor: Actor, limit: int | None = None) -> pd.DataFrame:
    """The trail, newest first (admins only)."""
    from analytics.auth import require

    require(actor, "audit")
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log ORDER BY audit_id DESC"
    if limit is not None:
        return store.frame(sql + " LIMIT ?", [int(limit)])
    return store.frame(sql)


def audit_csv(store: Store, actor: Actor) -> bytes:
    """The whole trail as a CSV that is safe to open in a spreadsheet (admins only)."""
    return to_csv_bytes(audit_frame(store, actor))
