"""Tables of customers shipped one page at a time: the search, sort and page controls above the
table, and only the page's rows sent to the browser (``analytics.paging`` does the work)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from analytics.paging import DEFAULT_PAGE_SIZE, TablePage, matching_order, page_of
from ui import format as fmt
from ui.language import lang, t, translated_options

UNSORTED = ""
Order = Callable[[str, str | None, bool], np.ndarray]


def dataframe(frame: pd.DataFrame | Styler, **options):
    """``st.dataframe`` with the one missing-value marker in empty cells (Streamlit shows "None"), and
    a translated line instead of a table without rows (Streamlit writes "empty" in English)."""
    if getattr(frame, "data", frame).empty and "on_select" not in options:  # a Styler holds its frame in .data
        st.caption(t("table.empty"))
        return None
    return st.dataframe(frame, placeholder=fmt.missing(lang()), **options)


def _reset_page(key: str) -> None:
    st.session_state[f"{key}_page"] = 1


def paged_table(frame: pd.DataFrame, key: str, labels: Mapping[str, str], *, search_columns: Sequence[str] = (),
                search_label: str | None = None, order: Order | None = None, page_size: int = DEFAULT_PAGE_SIZE,
                prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None, **dataframe_options) -> tuple[TablePage, object]:
    """Search, sort and page controls, then one page of ``frame`` (its ``labels`` columns, renamed).

    ``order(query, sort_column, descending)`` gives the matching rows' positions in order (a cached
    one for large frames); by default ``analytics.paging.matching_order`` over ``frame``. ``prepare``
    turns the page's rows into what is shown (translated codes, rounding) before the columns are renamed. The search
    table is keyed ``key``; its search box, sort choice and page live under ``key + "_search"``, ``"_sort"``, ``"_descending"``, ``"_page"``. Returns the page and what ``st.dataframe``
    returned (its selection, with ``on_select``), whose row numbers count within the page.
    """
    sortable = [UNSORTED, *labels]
    names = {UNSORTED: t("table.unsorted"), **labels}
    cells = list(st.columns([3, 2, 2] if search_columns else [2, 2], vertical_alignment="bottom"))
    query = ""
    if search_columns:
        query = cells.pop(0).text_input(search_label or t("table.search"), key=f"{key}_search",
                                        on_change=_reset_page, args=(key,)).strip()
    sort, direction = cells
    sort_column = sort.selectbox(t("table.sort"), sortable, format_func=names.get, key=translated_options(f"{key}_sort"),
                                 on_change=_reset_page, args=(key,)) or None
    descending = direction.toggle(t("table.descending"), key=f"{key}_descending", on_change=_reset_page, args=(key,))
    positions = (order or (lambda q, s, d: matching_order(frame, q, search_columns, s, d)))(query, sort_column,
                                                                                           descending)
    page_key = f"{key}_page"
    page = page_of(frame, positions, st.session_state.get(page_key, 1), page_size)
    if st.session_state.get(page_key, 1) != page.page:  # past the end after the rows changed
        st.session_state[page_key] = page.page
    position = t("table.position", first=fmt.count(page.first, lang()), last=fmt.count(page.last, lang()),
                 matched=fmt.count(page.matched, lang()), page=fmt.count(page.page, lang()),
                 pages=fmt.count(page.pages, lang()))
    # A click on a column header sorts the rows of this page only (the browser's table): said when there are more.
    st.caption(position + (t("table.header_sort_note") if page.pages > 1 else ""))
    shown = page.rows[_sorted_column_first(list(labels), sort_column, search_columns)]
    if prepare is not None:
        shown = prepare(shown.copy())
    event = dataframe(shown.rename(columns=dict(labels)), hide_index=True, key=key, **dataframe_options)
    if page.pages > 1:
        st.pagination(page.pages, key=page_key)
    return page, event


def _sorted_column_first(columns: list[str], sort_column: str | None, identity: Sequence[str]) -> list[str]:
    """``columns`` with the sorted one moved just after the columns that name a row (``identity``,
    the searched ones; else the first column), where a wide table still shows it."""
    if sort_column is None or sort_column not in columns:
        return columns
    rest = [column for column in columns if column != sort_column]
    named = [column for column in rest if column in identity] or rest[:1]
    at = max(rest.index(column) for column in named) + 1
    return rest[:at] + [sort_column] + rest[at:]
