"""Streamlit-side glue: the store, the active dataset and language, cached data access.

Pages call these instead of touching the store directly, so caching sits at one boundary: the
per-customer features are cached per (database, dataset, version) and recomputed only when an
upload changes the dataset.
"""

from __future__ import annotations

import threading

import pandas as pd
import streamlit as st

from analytics import datasets as datasets_module
from analytics import value_model as value_model_module
from analytics.demo import DEMO_NAME, generate_demo
from analytics.features import customer_features
from analytics.ingest import write_upload
from analytics.store import Store, database_path, open_store
from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate

_demo_lock = threading.Lock()


def get_store() -> Store:
    """The process-wide store; on an empty database the demo dataset is loaded first."""
    store = open_store(str(database_path()))
    with _demo_lock:
        if not datasets_module.list_datasets(store):
            write_upload(store, generate_demo(), mode="new", digest=None, dataset_name=DEMO_NAME, is_demo=True)
    return store


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def t(key: str, **values) -> str:
    """The current language's text for ``key``."""
    return translate(key, lang(), **values)


def language_selector() -> None:
    """The sidebar's language choice, kept outside the widget so it outlives page switches."""
    codes = list(LANGUAGES)
    st.sidebar.selectbox(
        translate("app.language", lang()), codes, format_func=LANGUAGES.get, key="lang_picker",
        index=codes.index(lang()), on_change=lambda: st.session_state.update(lang=st.session_state["lang_picker"]),
    )


ACTIVE_KEY = "active_dataset_id"


def set_active_dataset(dataset_id: int | None) -> None:
    """Make a dataset the one every page works on (None: fall back to the newest)."""
    if dataset_id is None:
        st.session_state.pop(ACTIVE_KEY, None)
    else:
        st.session_state[ACTIVE_KEY] = dataset_id


def active_dataset() -> datasets_module.Dataset:
    """The dataset every page works on: the one chosen, else the newest."""
    available = datasets_module.list_datasets(get_store())
    by_id = {d.dataset_id: d for d in available}
    chosen = st.session_state.get(ACTIVE_KEY)
    if chosen not in by_id:
        chosen = available[-1].dataset_id
        st.session_state[ACTIVE_KEY] = chosen
    return by_id[chosen]


def dataset_label(dataset: datasets_module.Dataset) -> str:
    label = dataset.name
    return f"{label} ({t('app.demo_label')})" if dataset.is_demo else label


def dataset_selector() -> datasets_module.Dataset:
    """The sidebar's dataset choice; its key follows the active dataset so code can switch it too."""
    current = active_dataset()
    available = datasets_module.list_datasets(get_store())
    ids = [d.dataset_id for d in available]
    labels = {d.dataset_id: dataset_label(d) for d in available}
    key = f"dataset_picker_{current.dataset_id}_{len(ids)}"
    st.sidebar.selectbox(
        t("app.dataset"), ids, index=ids.index(current.dataset_id), format_func=labels.get, key=key,
        on_change=lambda: set_active_dataset(st.session_state[key]),
    )
    return active_dataset()


@st.cache_data(show_spinner=False, max_entries=16)
def _features(db_path: str, dataset_id: int, version: int) -> pd.DataFrame:
    return customer_features(open_store(db_path), dataset_id)


def features(dataset: datasets_module.Dataset | None = None) -> pd.DataFrame:
    """Per-customer features of the dataset (default: the active one), cached per version."""
    dataset = dataset or active_dataset()
    return _features(str(database_path()), dataset.dataset_id, dataset.version)


# The value model: weights and tier settings live in the session and drive every page.
WEIGHTS_KEY = "value_weights"
TIER_METHOD_KEY = "tier_method"
TIER_SHARES_KEY = "tier_shares"


def active_weights() -> dict[str, float]:
    """The strategist's current dimension weights (the balanced preset until changed)."""
    return dict(st.session_state.get(WEIGHTS_KEY) or value_model_module.PRESETS["balanced"])


def set_active_weights(weights: dict[str, float]) -> None:
    st.session_state[WEIGHTS_KEY] = value_model_module.validate_weights(weights)


def tier_settings() -> tuple[str, dict[str, float]]:
    """The tiering method and its cut-off shares in use."""
    method = st.session_state.get(TIER_METHOD_KEY, value_model_module.TIER_METHODS[0])
    shares = st.session_state.get(TIER_SHARES_KEY) or value_model_module.DEFAULT_SHARES[method]
    return method, dict(shares)


def set_tier_settings(method: str, shares: dict[str, float]) -> None:
    st.session_state[TIER_METHOD_KEY] = method
    st.session_state[TIER_SHARES_KEY] = dict(shares)


@st.cache_resource(show_spinner=False, max_entries=8)
def _dimension_scores(db_path: str, dataset_id: int, version: int) -> value_model_module.DimensionScores:
    """Percentile scores per dimension: computed once per dataset version, shared read-only."""
    return value_model_module.dimension_scores(_features(db_path, dataset_id, version))


def dimension_scores(dataset: datasets_module.Dataset | None = None) -> value_model_module.DimensionScores:
    dataset = dataset or active_dataset()
    return _dimension_scores(str(database_path()), dataset.dataset_id, dataset.version)


def value_model(dataset: datasets_module.Dataset | None = None) -> value_model_module.ValueModel:
    """Composite value and tiers under the active weights and tier settings (cheap to rerun)."""
    method, shares = tier_settings()
    return value_model_module.score_customers(dimension_scores(dataset), active_weights(), method, shares)


def value_table(dataset: datasets_module.Dataset | None = None) -> pd.DataFrame:
    """Per-customer identity, money, composite value, tier, ranks and dimension breakdown."""
    dataset = dataset or active_dataset()
    return value_model_module.value_table(features(dataset), value_model(dataset))
