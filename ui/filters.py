"""What the overview and the 80/20 view share: the customer selection and the risk thresholds.

The selection is a date range plus customer type, region and channel (each offered when the
dataset has at least two values for it); a filter set on one page still holds on the other.

A filtered or windowed set is valued on its own (realized value over the window, the pool of the
rated dimensions from the selection's realized value, scores as percentiles within it); potential
value and the value per referral are the whole dataset's. Only the whole dataset reuses the
app-wide cached value model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import streamlit as st

from analytics import concentration, potential
from analytics import dimensions as dimensions_module
from analytics import value_model as value_model_module
from analytics.datasets import Dataset
from analytics.features import customer_features
from analytics.potential import LifetimeSettings
from analytics.store import database_path, open_store
from ui import state
from ui.state import t

ATTRIBUTE_FILTERS = ("customer_type", "region", "channel")
ACTIVE_DAYS = 365
TABLE_COLUMNS = ("customer_id", "name", "revenue", "gross_profit", "margin_pct")


@dataclass(frozen=True, eq=False)
class CustomerSelection:
    """The customers the user selected and their features over the chosen window."""

    dataset: Dataset
    start: date | None
    """First order date counted; None for the dataset's first."""
    end: date | None
    """Last order date counted (recency is measured there); None for the dataset's last."""
    choices: tuple[tuple[str, tuple[str, ...]], ...]
    """(column, accepted values) of every attribute filter in use."""
    features: pd.DataFrame

    @property
    def is_whole_dataset(self) -> bool:
        return self.start is None and self.end is None and not self.choices

    @property
    def has_profit(self) -> bool:
        return bool(self.features["gross_profit"].notna().any())


def customer_selection(dataset: Dataset, page: str) -> CustomerSelection:
    """Draw the filter widgets in one bordered row and return the customers they select.

    ``page`` names the page's own widgets; their values live in the session under page-free
    keys, so the selection made on one page is the starting point on the other.
    """
    everyone = state.features(dataset)
    attributes = [column for column in ATTRIBUTE_FILTERS if everyone[column].nunique() >= 2]
    with st.container(border=True):
        columns = st.columns(1 + len(attributes))
        start, end = _date_range(columns[0], dataset, page)
        choices = []
        for column, slot in zip(attributes, columns[1:]):
            labels = {value: _attribute_label(column, value) for value in sorted(everyone[column].dropna().unique())}
            shared = _shared_value(column, dataset, page, "default", [])
            chosen = slot.multiselect(
                t(f"field.{column}"), list(labels), format_func=labels.get, placeholder=t("conc.filters.all"),
                **shared | {"key": state.translated_options(shared["key"])},
            )
            if chosen:
                choices.append((column, tuple(sorted(chosen))))
    choices = tuple(choices)
    if start is None and end is None and not choices:
        return CustomerSelection(dataset, None, None, (), everyone)
    if start is not None or end is not None:
        everyone = _window_features(str(database_path()), dataset.dataset_id, dataset.version, start, end)
    return CustomerSelection(dataset, start, end, choices, _filtered(everyone, choices))


def _shared_value(name: str, dataset: Dataset, page: str, parameter: str, default) -> dict:
    """Widget arguments that start from the session's value of filter ``name`` and keep it updated.

    Widgets are per page, values per dataset version (their choices belong to one version).
    """
    shared_key = filter_key(name, dataset)
    widget_key = f"{page}_{shared_key}"

    def remember() -> None:
        st.session_state[shared_key] = st.session_state[widget_key]

    return {parameter: st.session_state.get(shared_key, default), "key": widget_key, "on_change": remember}


def filter_key(name: str, dataset: Dataset) -> str:
    """Where the session keeps a filter's value (``dates`` or an attribute column)."""
    return f"filter_{name}_{dataset.dataset_id}_{dataset.version}"


def _date_range(slot, dataset: Dataset, page: str) -> tuple[date | None, date | None]:
    """The chosen window, each end None when it is the dataset's own (so the cache is shared)."""
    picked = slot.date_input(
        t("conc.filters.dates"), min_value=dataset.date_min, max_value=dataset.date_max,
        help=t("conc.filters.dates_help"),
        **_shared_value("dates", dataset, page, "value", (dataset.date_min, dataset.date_max)),
    )
    picked = tuple(picked or ())  # while a range is being picked, only its start is known
    start = picked[0] if picked else dataset.date_min
    end = picked[1] if len(picked) > 1 else dataset.date_max
    return (None if start <= dataset.date_min else start), (None if end >= dataset.date_max else end)


def _attribute_label(column: str, value: str) -> str:
    return t(f"ctype.{value}") if column == "customer_type" else str(value)


@st.cache_data(show_spinner=False, max_entries=16)
def _window_features(db_path: str, dataset_id: int, version: int, start: date | None, end: date | None) -> pd.DataFrame:
    """Features counting only orders from ``start`` to ``end``, cached per dataset version."""
    return customer_features(open_store(db_path), dataset_id, as_of=end, start=start)


def _filtered(features: pd.DataFrame, choices: tuple) -> pd.DataFrame:
    keep = np.ones(len(features), dtype=bool)
    for column, accepted in choices:
        keep &= features[column].isin(accepted).to_numpy()
    return features[keep].reset_index(drop=True)


@st.cache_resource(show_spinner=False, max_entries=8)
def _selection_scores(db_path: str, dataset_id: int, version: int, start: date | None, end: date | None,
                      choices: tuple, lifetime: LifetimeSettings, referral_value: float | None,
                      _features: pd.DataFrame, _potential: pd.Series | None) -> dimensions_module.DimensionScores:
    """Dimension inputs of the selection (``_features``, named by the other arguments), computed
    once per selection and shared read-only."""
    return dimensions_module.dimension_scores(potential.with_potential(_features, _potential), referral_value)


def value_model(selection: CustomerSelection) -> value_model_module.ValueModel:
    """Value in money and tiers of the selected customers under the active weights and tiers.

    Potential value is the lifetime-value forecast of the whole dataset, as on every page (the
    model is fitted once per dataset), so a customer's potential does not depend on the filters.
    """
    dataset = selection.dataset
    if selection.is_whole_dataset:
        return state.value_model(dataset)
    scores = _selection_scores(str(database_path()), dataset.dataset_id, dataset.version, selection.start,
                               selection.end, selection.choices, state.clv_settings(),
                               state.dimension_scores(dataset).referral_value, selection.features,
                               state.potential_values(dataset))
    method, shares = state.tier_settings()
    return value_model_module.score_customers(scores, state.effective_weights(scores), method, shares)


def value_table(selection: CustomerSelection) -> pd.DataFrame:
    """One row per selected customer: name, revenue and profit, value (money) and tier (customer_id order).

    Only the columns these pages use: copying the full feature and score columns of 100,000
    customers on every rerun would cost more than everything drawn from them.
    """
    table = value_model_module.value_table(selection.features[list(TABLE_COLUMNS)], value_model(selection))
    return table[[*TABLE_COLUMNS, "value", "tier"]]


def ranked(table: pd.DataFrame, column: str) -> concentration.RankedMetric:
    """One metric of the value table ranked for the 80/20 measures, customers named.

    Customers without a value (no cost data in their orders) are left out, so a dataset that
    mixes files with and without cost still shows the profit of those that have it.
    """
    values = table[column].to_numpy(dtype=float)
    known = ~np.isnan(values)
    if known.any() and not known.all():
        return concentration.rank_metric(values[known], labels=table["name"].to_numpy()[known])
    return concentration.rank_metric(values, labels=table["name"].to_numpy())


# Concentration-risk thresholds: set on the 80/20 page, read by the overview's verdict too.
RISK_INPUTS = {
    "top_n": "risk_top_n",
    "top_share_moderate": "risk_top_share_moderate",
    "top_share_high": "risk_top_share_high",
    "hhi_moderate": "risk_hhi_moderate",
    "hhi_high": "risk_hhi_high",
}


def risk_threshold_inputs() -> None:
    """Number inputs for the risk thresholds; shares are entered in percent."""
    defaults = concentration.RiskThresholds()
    left, middle, right = st.columns(3)
    left.number_input(t("conc.risk.input.top_n"), min_value=1, max_value=1000, value=defaults.top_n, step=1,
                      key=RISK_INPUTS["top_n"], persist_state="session")
    for slot, level in ((middle, "moderate"), (right, "high")):
        slot.number_input(
            t(f"conc.risk.input.top_share_{level}"), min_value=0.0, max_value=100.0, step=5.0,
            value=100.0 * getattr(defaults, f"top_share_{level}"),
            key=RISK_INPUTS[f"top_share_{level}"], persist_state="session",
        )
        slot.number_input(
            t(f"conc.risk.input.hhi_{level}"), min_value=0.0, max_value=concentration.HHI_SCALE, step=100.0,
            value=getattr(defaults, f"hhi_{level}"), key=RISK_INPUTS[f"hhi_{level}"], persist_state="session",
        )


def risk_thresholds() -> tuple[concentration.RiskThresholds, bool]:
    """The thresholds in use and whether the user's entries were valid (else the defaults apply)."""
    entered = {name: st.session_state.get(key) for name, key in RISK_INPUTS.items()}
    if any(value is None for value in entered.values()):
        return concentration.RiskThresholds(), True
    try:
        return concentration.RiskThresholds(
            top_n=int(entered["top_n"]),
            top_share_moderate=entered["top_share_moderate"] / 100.0,
            top_share_high=entered["top_share_high"] / 100.0,
            hhi_moderate=float(entered["hhi_moderate"]),
            hhi_high=float(entered["hhi_high"]),
        ), True
    except ValueError:
        return concentration.RiskThresholds(), False
