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

from analytics import concentration, strategy
from analytics import value_model as value_model_module
from analytics.datasets import Dataset
from ui import cache, models, settings
from ui.language import t, translated_options

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


def customer_selection(dataset: Dataset) -> CustomerSelection:
    """Draw the filter widgets in one bordered row and return the customers they select.

    The widgets have the same keys on both pages and keep their state for the session, so the
    selection made on one page holds on the other.
    """
    everyone = cache.features(dataset)
    attributes = [column for column in ATTRIBUTE_FILTERS if everyone[column].nunique() >= 2]
    with st.container(border=True):
        columns = st.columns(1 + len(attributes))
        start, end = _date_range(columns[0], dataset)
        choices = []
        for column, slot in zip(attributes, columns[1:]):
            labels = {value: _attribute_label(column, value) for value in sorted(everyone[column].dropna().unique())}
            chosen = slot.multiselect(
                t(f"field.{column}"), list(labels), format_func=labels.get, placeholder=t("conc.filters.all"),
                **settings.widget(translated_options(settings.filter_key(column, dataset)), []),
            )
            if chosen:
                choices.append((column, tuple(sorted(chosen))))
    choices = tuple(choices)
    if start is None and end is None and not choices:
        return CustomerSelection(dataset, None, None, (), everyone)
    if start is not None or end is not None:
        everyone = cache.features(dataset, start, end)
    return CustomerSelection(dataset, start, end, choices, _filtered(everyone, choices))


def _date_range(slot, dataset: Dataset) -> tuple[date | None, date | None]:
    """The chosen window, each end None when it is the dataset's own (so the cache is shared)."""
    picked = slot.date_input(
        t("conc.filters.dates"), min_value=dataset.date_min, max_value=dataset.date_max,
        help=t("conc.filters.dates_help"),
        **settings.widget(settings.filter_key("dates", dataset), (dataset.date_min, dataset.date_max)),
    )
    picked = tuple(picked or ())  # while a range is being picked, only its start is known
    start = picked[0] if picked else dataset.date_min
    end = picked[1] if len(picked) > 1 else dataset.date_max
    return (None if start <= dataset.date_min else start), (None if end >= dataset.date_max else end)


def _attribute_label(column: str, value: str) -> str:
    return t(f"ctype.{value}") if column == "customer_type" else str(value)


def _filtered(features: pd.DataFrame, choices: tuple) -> pd.DataFrame:
    keep = np.ones(len(features), dtype=bool)
    for column, accepted in choices:
        keep &= features[column].isin(accepted).to_numpy()
    return features[keep].reset_index(drop=True)


def value_model(selection: CustomerSelection) -> value_model_module.ValueModel:
    """Value in money and tiers of the selected customers under the active weights and tiers.

    Potential value is the lifetime-value forecast of the whole dataset, as on every page (the
    model is fitted once per dataset), so a customer's potential does not depend on the filters.
    """
    dataset = selection.dataset
    if selection.is_whole_dataset:
        return models.value_model(dataset)
    scores = cache.selection_dimensions(dataset, selection.start, selection.end, selection.choices,
                                        selection.features, settings.lifetime_settings(),
                                        models.dimension_scores(dataset).referral_value)
    return models.score(scores)


def value_table(selection: CustomerSelection) -> pd.DataFrame:
    """One row per selected customer: name, revenue and profit, value (money) and tier (customer_id order).

    Only the columns these pages use: copying the full feature and score columns of 100,000
    customers on every rerun would cost more than everything drawn from them.
    """
    if selection.is_whole_dataset:  # cached once per choice of weights and tiers
        table = models.value_table(selection.dataset)
    else:
        table = value_model_module.value_table(selection.features[list(TABLE_COLUMNS)], value_model(selection))
    return table[[*TABLE_COLUMNS, "value", "tier"]]


def pyramid(selection: CustomerSelection, table: pd.DataFrame) -> pd.DataFrame:
    """``strategy.pyramid`` of the selection's ``value_table``."""
    return models.pyramid(selection.dataset) if selection.is_whole_dataset else strategy.pyramid(table)


def strategy_cards(selection: CustomerSelection, table: pd.DataFrame, top_n: int) -> list[strategy.StrategyCard]:
    """``strategy.strategy_cards`` of the selection's ``value_table``."""
    if selection.is_whole_dataset:
        return models.strategy_cards(selection.dataset, top_n=top_n)
    return strategy.strategy_cards(table, top_n=top_n)


def ranked(table: pd.DataFrame, column: str) -> concentration.RankedMetric:
    """One metric of the value table ranked for the 80/20 measures (``concentration.rank_column``)."""
    return concentration.rank_column(table, column)


def risk_threshold_inputs() -> None:
    """Number inputs for the concentration-risk thresholds (``settings.risk_thresholds``); shares in percent."""
    defaults = settings.risk_entries(concentration.RiskThresholds())
    keys = settings.RISK_KEYS
    left, middle, right = st.columns(3)
    left.number_input(t("conc.risk.input.top_n"), min_value=1, max_value=1000, step=1,
                      **settings.widget(keys["top_n"], defaults[keys["top_n"]]))
    for slot, level in ((middle, "moderate"), (right, "high")):
        slot.number_input(t(f"conc.risk.input.top_share_{level}"), min_value=0.0, max_value=100.0, step=5.0,
                          **settings.widget(keys[f"top_share_{level}"], defaults[keys[f"top_share_{level}"]]))
        slot.number_input(t(f"conc.risk.input.hhi_{level}"), min_value=0.0, max_value=concentration.HHI_SCALE,
                          step=100.0, **settings.widget(keys[f"hhi_{level}"], defaults[keys[f"hhi_{level}"]]))
