"""This server's database and the dataset a session works on.

The one road from pages to the store besides ``ui.cache``: ``app.py`` calls ``open_database``
first on every run (it reopens a store DuckDB invalidated, seeds the demo into an empty database,
and stops the run with words when the database cannot be used); pages ask for the active dataset.
"""

from __future__ import annotations

import threading

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from analytics.datasets import Dataset, list_datasets
from analytics.demo import seed_demo_if_empty
from analytics.store import Store, StoreError, database_path, is_fatal, open_store, read_only_requested
from ui import format as fmt
from ui.language import lang, t, translated_choice

# Every run must start in app.py, which signs people in (team mode) before any page draws. Streamlit
# still knows the older way of multipage apps: a fresh server, while st.navigation has not been
# called yet, runs a script from pages/ on its own when the first request asks for its address
# (/data), without app.py. Every page imports this module, so that first run switches the old way
# off here and starts again, through app.py.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    if get_script_run_ctx(suppress_warning=True) is not None:
        st.rerun()

ACTIVE_KEY = "active_dataset_id"
_demo_lock = threading.Lock()


def get_store() -> Store:
    """The process-wide store of the configured database file (read-only when the server is a viewer)."""
    return open_store(str(database_path()))


def store_problem() -> str | None:
    """Why this server cannot open its database, translated (no path or process id), or None."""
    try:
        get_store()
    except StoreError as error:
        viewer = error.code == "locked" and read_only_requested()
        return t("store.error.locked_viewer" if viewer else f"store.error.{error.code}")
    return None


def require_store() -> None:
    """Stop the run with the reason when the database cannot be opened. Every page calls it first:
    Streamlit may run a page file without app.py (a fresh server's first request to its address)."""
    problem = store_problem()
    if problem is not None:
        st.error(problem)
        st.stop()


def open_database() -> Store:
    """This server's database, with the demo written on a fresh one (``store_problem`` said it opens)."""
    store = get_store()
    if not store.read_only:
        with _demo_lock:
            seed_demo_if_empty(store)
    return store


def read_only() -> bool:
    """Whether this server is a viewer (``CVD_READ_ONLY``): pages switch their writes off."""
    return get_store().read_only


def read_only_help() -> str | None:
    """Why a write control is off on a viewer server; None where writes work."""
    return t("store.error.read_only") if read_only() else None


def available_datasets() -> list[Dataset]:
    return list_datasets(get_store())


def set_active_dataset(dataset_id: int | None) -> None:
    """Make a dataset the one every page works on (None: fall back to the newest)."""
    if dataset_id is None:
        st.session_state.pop(ACTIVE_KEY, None)
    else:
        st.session_state[ACTIVE_KEY] = dataset_id


def active_dataset() -> Dataset:
    """The dataset every page works on: the one chosen, else the newest."""
    by_id = {d.dataset_id: d for d in available_datasets()}
    if not by_id:
        st.info(t("store.empty"))
        st.stop()
    chosen = st.session_state.get(ACTIVE_KEY)
    if chosen not in by_id:
        chosen = max(by_id)
        st.session_state[ACTIVE_KEY] = chosen
    return by_id[chosen]


def dataset_label(dataset: Dataset) -> str:
    """The name a person sees: the demo's in the interface language (unless someone renamed it)."""
    name = fmt.dataset_name(dataset.name, dataset.is_demo, lang())
    return t("app.demo_label", name=name) if dataset.is_demo else name


def dataset_selector() -> Dataset:
    """The sidebar's dataset choice; its key follows the active dataset so code can switch it too."""
    current = active_dataset()
    available = available_datasets()
    ids = [d.dataset_id for d in available]
    labels = {d.dataset_id: dataset_label(d) for d in available}
    key = f"dataset_picker_{current.dataset_id}_{len(ids)}"
    st.sidebar.selectbox(t("app.dataset"), ids, format_func=labels.get, **translated_choice(key, current.dataset_id),
                         on_change=lambda: set_active_dataset(st.session_state[key]))
    return active_dataset()


def connection_lost(error: Exception) -> bool:
    """Whether ``error`` is DuckDB giving up on the connection mid-run; the next run reopens it."""
    return is_fatal(error)
