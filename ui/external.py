"""An external source on the pages (``analytics.external``): the sidebar's line about it, a notice
while its engine starts or its figures are first computed, and its errors in words.

A Spark session takes minutes to start on a small machine, and the first aggregations of a large
table as long again: without a word the page would look stuck. Later reruns read the cache.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from analytics import external
from analytics.datasets import Dataset
from ui import access, cache, database
from ui.language import t
from ui.markup import md

# Dataset versions whose pages have run once in this process: their results are cached from then on.
_loaded: set[tuple[str, int, int]] = set()
_loaded_lock = threading.Lock()


def source_of(dataset: Dataset) -> external.Source | None:
    """The external source behind ``dataset``; None for an uploaded one."""
    return external.source_of(database.get_store(), dataset.dataset_id)


def error_text(error: external.SourceError) -> str:
    return t(f"source.error.{error.code}", **{name: md(value) for name, value in error.details.items()})


@contextmanager
def loading(dataset: Dataset) -> Iterator[None]:
    """Around a read of ``dataset``: when it is an external source not yet loaded by this process (or
    not since its refresh), a spinner saying the engine starts or the source is read."""
    key = cache.dataset_key(dataset)
    source = None if key in _loaded else source_of(dataset)
    if source is None:
        yield
        return
    text = "source.starting" if external.needs_start(source) else "source.reading"
    try:
        with st.spinner(t(text, backend=md(source.backend), table=md(source.table)), show_time=True):
            yield
    finally:
        with _loaded_lock:
            _loaded.add(key)


def source_line(dataset: Dataset) -> None:
    """For an external source: where it lives, when it was last counted, whether it changed since,
    and refresh on demand (a new dataset version, so every cached result is computed again). Drawn
    inside ``loading``: the check of a change may be the read that starts the engine."""
    source = source_of(dataset)
    if source is None:
        return
    refreshed = source.refreshed.strftime("%Y-%m-%d %H:%M") if source.refreshed else "-"
    st.sidebar.caption(t("source.caption", backend=md(source.backend), table=md(source.table), refreshed=refreshed))
    reason = access.blocked("upload")
    try:
        if st.sidebar.button(t("source.refresh"), disabled=reason is not None, help=reason, key="source_refresh"):
            with st.spinner(t("source.reading", backend=md(source.backend), table=md(source.table)), show_time=True):
                external.refresh(database.get_store(), dataset.dataset_id, actor=access.actor())
            st.rerun()
        change = cache.source_change(dataset)  # in ``loading``, as every read of the page
    except external.SourceError as error:
        st.sidebar.error(error_text(error))
        return
    if change is not None:
        st.sidebar.warning(t("source.changed", then=f"{change.rows_then:,}", now=f"{change.rows_now:,}",
                             until=change.date_max_then or "-", latest=change.date_max_now or "-"))
