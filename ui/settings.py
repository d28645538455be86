"""Choices a person makes that every page follows, one session key each.

Each choice lives under the key of the widget that sets it (``widget``), and those widgets keep
their state for the whole session, so a page that does not draw the widget still reads the
choice here. Until a widget has been used, the defaults apply. A combination that is not valid
(cut-offs over 100%, contradictory stage rules) falls back to the defaults; the page that sets
it says so.
"""

from __future__ import annotations

from dataclasses import fields

import streamlit as st

from analytics import tiering
from analytics.concentration import RiskThresholds
from analytics.datasets import Dataset
from analytics.dimensions import DIMENSIONS
from analytics.lifecycle import StageThresholds
from analytics.potential import LifetimeSettings
from analytics.presets import PRESETS
from analytics.value_model import validate_weights


def widget(key: str, default) -> dict:
    """Keyword arguments for a widget that holds a session-wide choice under ``key``.

    The widget keeps its value for the whole session (``persist_state``). Its value is handed to
    it through the session before it is drawn, which also starts it at ``default`` (so the widget
    itself takes no default): Streamlit 1.67 re-seeds a persisted widget that moved to another
    page only at the end of that page's first run, so the widget alone would return its default
    there once.
    """
    st.session_state[key] = st.session_state.get(key, default)
    return {"key": key, "persist_state": "session"}


def section_switch(label: str, options: list[str], format_func, key: str) -> str:
    """A segmented control choosing the one section (or list) a page draws, kept for the session
    under ``key``, the first option until one is chosen. Clicking the chosen option again would
    leave none chosen, with the page drawing its first section under a control showing nothing:
    the last choice stays instead."""
    last_key = f"{key}__last"
    if st.session_state.get(key) not in options:  # cleared by a second click, or not chosen yet
        last = st.session_state.get(last_key)
        st.session_state[key] = last if last in options else options[0]
    chosen = st.segmented_control(label, options, format_func=format_func, label_visibility="collapsed",
                                  **widget(key, options[0])) or st.session_state[key]
    st.session_state[last_key] = chosen
    return chosen


# -- Value model: a weight slider per dimension, the tier method and its cut-offs, the value per referral.
WEIGHT_MAX = 5.0
TIER_METHOD_KEY = "tier_method"


def weight_key(dimension: str) -> str:
    return f"weight_{dimension}"


def cutoff_key(tier: str) -> str:
    """A tier's cut-off slider, in percent of customers or of value."""
    return f"tier_cutoff_{tier}"


def referral_key(dataset: Dataset) -> str:
    """Per dataset: a value per referral is in that dataset's currency. Empty means the default."""
    return f"referral_value_{dataset.dataset_id}"


def slider_weights(weights: dict[str, float]) -> dict[str, float]:
    """Weights scaled into the slider range; scaling keeps every dimension's share unchanged."""
    weights = validate_weights(weights)
    largest = max(weights.values())
    scale = WEIGHT_MAX / largest if largest > WEIGHT_MAX else 1.0
    return {dimension: weights[dimension] * scale for dimension in DIMENSIONS}


def active_weights() -> dict[str, float]:
    """The weight sliders' values (the balanced preset until they are first drawn)."""
    if not all(weight_key(dimension) in st.session_state for dimension in DIMENSIONS):
        return slider_weights(PRESETS["balanced"])
    return {dimension: float(st.session_state[weight_key(dimension)]) for dimension in DIMENSIONS}


def set_weights(weights: dict[str, float]) -> None:
    """Move the sliders (before they are drawn: on first show, or from a callback)."""
    for dimension, weight in slider_weights(weights).items():
        st.session_state[weight_key(dimension)] = weight


SHARED_APPLIED_KEY = "shared_settings_applied"


def started_from_shared() -> bool:
    return bool(st.session_state.get(SHARED_APPLIED_KEY))


def start_from_shared(shared, risk: RiskThresholds | None = None, stages: StageThresholds | None = None) -> None:
    """Start a new session from the published shared settings (``presets.SharedSettings``) and
    thresholds (None: the defaults). Once per session, and only for choices the session has not
    made: from then on the sliders and inputs are the session's private scratch set."""
    st.session_state[SHARED_APPLIED_KEY] = True
    if shared is not None:
        for dimension, weight in slider_weights(shared.weights).items():
            st.session_state.setdefault(weight_key(dimension), weight)
        st.session_state.setdefault(TIER_METHOD_KEY, shared.tier_method)
        for tier, share in shared.shares.items():
            st.session_state.setdefault(cutoff_key(tier), round(share * 100))
    for entries in (risk_entries(risk) if risk else {}, stage_entries(stages) if stages else {}):
        for key, value in entries.items():
            st.session_state.setdefault(key, value)


def set_entries(entries: dict) -> None:
    """Move inputs to these values (before they are drawn: from a callback)."""
    st.session_state.update(entries)


def tier_method() -> str:
    return st.session_state.get(TIER_METHOD_KEY, tiering.TIER_METHODS[0])


def cutoff_percents() -> dict[str, int]:
    """The S, A and B cut-off sliders in percent (the method's defaults until moved)."""
    defaults = tiering.DEFAULT_SHARES[tier_method()]
    return {tier: int(st.session_state.get(cutoff_key(tier), round(share * 100))) for tier, share in defaults.items()}


def reset_cutoffs() -> None:
    """A new method starts from its own default shares (value shares differ from customer shares)."""
    for tier, share in tiering.DEFAULT_SHARES[tier_method()].items():
        st.session_state[cutoff_key(tier)] = round(share * 100)


def tier_settings() -> tuple[str, dict[str, float]]:
    """The tiering method and its cut-off shares; the method's defaults while they add up past 100%."""
    method = tier_method()
    percents = cutoff_percents()
    if sum(percents.values()) > 100:
        return method, dict(tiering.DEFAULT_SHARES[method])
    return method, {tier: value / 100 for tier, value in percents.items()}


def referral_value(dataset: Dataset) -> float | None:
    """The value per referral set for the dataset, or None for the dataset's default."""
    value = st.session_state.get(referral_key(dataset))
    return None if value is None else float(value)


# -- Lifetime value: horizon, discount rate (entered in percent) and purchase model.
HORIZON_KEY = "clv_horizon_months"
DISCOUNT_PERCENT_KEY = "clv_discount_percent"
PURCHASE_MODEL_KEY = "clv_purchase_model"
DEFAULT_LIFETIME = LifetimeSettings()


def lifetime_settings() -> LifetimeSettings:
    return LifetimeSettings(
        int(st.session_state.get(HORIZON_KEY, DEFAULT_LIFETIME.months)),
        float(st.session_state.get(DISCOUNT_PERCENT_KEY, DEFAULT_LIFETIME.annual_discount_rate * 100)) / 100,
        st.session_state.get(PURCHASE_MODEL_KEY, DEFAULT_LIFETIME.purchase_model),
    )


# -- Lifecycle: the stage rules' thresholds (growth and decline entered in percent) and the model switch.
USE_P_ALIVE_KEY = "life_use_p_alive"
DEFAULT_USE_P_ALIVE = True
STAGE_PERCENT_FIELDS = ("growth", "decline")


def stage_key(name: str) -> str:
    return f"life_th_{name}"


def stage_entries(thresholds: StageThresholds) -> dict[str, float]:
    """The stage inputs' values for ``thresholds``, by widget key (growth and decline in percent)."""
    return {stage_key(item.name): round(getattr(thresholds, item.name) * 100) if item.name in STAGE_PERCENT_FIELDS
            else getattr(thresholds, item.name) for item in fields(StageThresholds)}


def stage_inputs() -> dict[str, float]:
    """The threshold inputs as entered (percent where the page asks for percent), defaults filled in."""
    defaults = stage_entries(StageThresholds())
    return {item.name: st.session_state.get(stage_key(item.name), defaults[stage_key(item.name)])
            for item in fields(StageThresholds)}


def entered_stage_thresholds() -> StageThresholds | None:
    """The stage thresholds as entered, or None while the entries contradict each other."""
    entered = {name: value / 100 if name in STAGE_PERCENT_FIELDS else value for name, value in stage_inputs().items()}
    try:
        return StageThresholds(**entered)
    except ValueError:
        return None


def stage_settings() -> tuple[StageThresholds, bool]:
    """The stage thresholds (the defaults while the entries contradict each other) and whether the
    purchase model's probability of being active informs the stages."""
    return entered_stage_thresholds() or StageThresholds(), bool(st.session_state.get(USE_P_ALIVE_KEY, DEFAULT_USE_P_ALIVE))


# -- Concentration risk: set on the 80/20 page, read by the overview's verdict too.
RISK_KEYS = {name: f"risk_{name}" for name in ("top_n", "top_share_moderate", "top_share_high", "hhi_moderate",
                                               "hhi_high")}


def risk_entries(thresholds: RiskThresholds) -> dict[str, float]:
    """The risk inputs' values for ``thresholds``, by widget key (top-N shares in percent)."""
    return {key: 100.0 * getattr(thresholds, name) if name.startswith("top_share") else getattr(thresholds, name)
            for name, key in RISK_KEYS.items()}


def risk_thresholds() -> tuple[RiskThresholds, bool]:
    """The thresholds in use and whether the entries were valid (else the defaults apply)."""
    entered = {name: st.session_state.get(key) for name, key in RISK_KEYS.items()}
    if any(value is None for value in entered.values()):
        return RiskThresholds(), True
    try:
        return RiskThresholds(
            top_n=int(entered["top_n"]),
            top_share_moderate=entered["top_share_moderate"] / 100.0,
            top_share_high=entered["top_share_high"] / 100.0,
            hhi_moderate=float(entered["hhi_moderate"]),
            hhi_high=float(entered["hhi_high"]),
        ), True
    except ValueError:
        return RiskThresholds(), False


# -- Customer filters shared by the overview and the 80/20 view: one widget key per filter and
# dataset version (their choices belong to one version), drawn on both pages.
def filter_key(name: str, dataset: Dataset) -> str:
    """Where a filter's value lives (``dates`` or an attribute column)."""
    return f"filter_{name}_{dataset.dataset_id}_{dataset.version}"
