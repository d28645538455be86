"""Tables paged on the server: search, sort and cut one page of rows out of a per-customer frame.

A browser gets one page of a table, never the whole frame: :func:`matching_order` finds the rows
a search matches, in the order asked for (computed once per search and sort, and cheap to keep:
one integer per matching row), and :func:`page_of` cuts a page out of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_PAGE_SIZE = 100


@dataclass(frozen=True, eq=False)
class TablePage:
    rows: pd.DataFrame
    """The rows of this page, in order."""
    matched: int
    """Rows the search matches (all rows without a search)."""
    page: int
    """This page's number, from 1 (clamped into 1..pages)."""
    pages: int
    """Pages the matching rows fill (at least 1)."""
    first: int
    """Position of the page's first row among the matching rows, from 1 (0 when none match)."""

    @property
    def last(self) -> int:
        """Position of the page's last row among the matching rows."""
        return self.first + len(self.rows) - 1 if len(self.rows) else 0


def matching_order(frame: pd.DataFrame, query: str = "", search_columns: Sequence[str] = (),
                   sort_column: str | None = None, descending: bool = False) -> np.ndarray:
    """Positions (``iloc``) of the rows whose ``search_columns`` contain ``query`` (case-insensitive,
    as typed: no patterns), ordered by ``sort_column`` with missing values last and ties in frame
    order. The array is read-only, so a cached one can be shared."""
    positions = np.arange(len(frame))
    query = query.strip()
    if query:
        hit = np.zeros(len(frame), dtype=bool)
        for column in search_columns:
            hit |= frame[column].astype("string").str.contains(query, case=False, regex=False, na=False).to_numpy(bool)
        positions = positions[hit]
    if sort_column is not None and positions.size:
        values = frame[sort_column].iloc[positions].reset_index(drop=True)
        ordered = values.sort_values(ascending=not descending, kind="stable", na_position="last").index.to_numpy()
        positions = positions[ordered]
    positions.flags.writeable = False
    return positions


def page_of(frame: pd.DataFrame, order: np.ndarray, page: int, page_size: int = DEFAULT_PAGE_SIZE) -> TablePage:
    """Page ``page`` (from 1; clamped) of the rows at ``order``, ``page_size`` rows a page."""
    if page_size < 1:
        raise ValueError(f"page_size must be positive, got {page_size}")
    pages = max(1, -(-len(order) // page_size))
    page = min(max(1, int(page)), pages)
    start = (page - 1) * page_size
    chosen = order[start:start + page_size]
    return TablePage(rows=frame.iloc[chosen], matched=len(order), page=page, pages=pages,
                     first=start + 1 if len(chosen) else 0)
