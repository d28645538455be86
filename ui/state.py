"""Streamlit-side glue: the store, the active dataset and language, cached data access.

Pages call these instead of touching the store directly, so caching sits at one boundary: the
per-customer features are cached per (database, dataset, version) and recomputed only when an
upload changes the dataset. Results that depend on the lifetime-value horizon and discount rate
carry both in their cache keys, so changing them on the Lifetime value page takes effect
everywhere.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace

import pandas as pd
import streamlit as st

from analytics import datasets as datasets_module
from analytics import dimensions as dimensions_module
from analytics import lifecycle as lifecycle_module
from analytics import potential as potential_module
from analytics import presets as presets_module
from analytics import segments as segments_module
from analytics import tiering
from analytics import value_model as value_model_module
from analytics.clv import beta_geo as purchase_model_module
from analytics.clv import lifetime_value as lifetime_value_module
from analytics.clv import summary as summary_module
from analytics.demo import seed_demo_if_empty
from analytics.features import customer_features
from analytics.store import Store, StoreError, database_path, open_store
from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate

_demo_lock = threading.Lock()


def get_store() -> Store:
    """The process-wide store of the configured database file (read-only when the server is a viewer)."""
    return open_store(str(database_path()))


def open_database() -> Store:
    """Open this server's database for the run, reopening it after a fatal error, and give an empty
    one the demo so every page has data. Stops the run with a message when it cannot be used."""
    try:
        store = get_store()
    except StoreError as error:
        st.error(t(f"store.error.{error.code}"))
        st.stop()
    if not store.read_only:
        with _demo_lock:
            seed_demo_if_empty(store)
    return store


def read_only() -> bool:
    """Whether this server is a viewer (``CVD_READ_ONLY``): pages switch their writes off."""
    return get_store().read_only


def available_datasets() -> list[datasets_module.Dataset]:
    return datasets_module.list_datasets(get_store())


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def t(key: str, **values) -> str:
    """The current language's text for ``key``."""
    return translate(key, lang(), **values)


def option_labels(prefix: str) -> Callable[[object], str]:
    """A ``format_func`` for option widgets: ``prefix + option`` translated in the current language.

    The language is bound now, not looked up at call time: Streamlit's test harness calls format
    functions outside the script run, where the session (and so the chosen language) is unknown.
    """
    language = lang()
    return lambda option: translate(f"{prefix}{option}", language)


_TRANSLATED_OPTION_KEYS: set[str] = set()


def translated_options(key: str) -> str:
    """Register the key of an option widget whose labels are translated, and return it.

    Streamlit keeps such a widget's choice as its label text, which a language switch would
    orphan: the widget would show no choice. The switch re-assigns these widgets' choices.
    """
    _TRANSLATED_OPTION_KEYS.add(key)
    return key


def _switch_language() -> None:
    """Change the language, carrying every translated option widget's choice over to it.

    Reading a choice here still decodes it with the old labels; assigning it back makes
    Streamlit encode it with the new labels and send it to the browser on the next run.
    """
    for key in _TRANSLATED_OPTION_KEYS & set(st.session_state.keys()):
        st.session_state[key] = st.session_state[key]
    st.session_state["lang"] = st.session_state["lang_picker"]


def language_selector() -> None:
    """The sidebar's language choice, kept outside the widget so it outlives page switches."""
    codes = list(LANGUAGES)
    st.sidebar.selectbox(
        translate("app.language", lang()), codes, format_func=LANGUAGES.get, key="lang_picker",
        index=codes.index(lang()), on_change=_switch_language,
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
    by_id = {d.dataset_id: d for d in available_datasets()}
    if not by_id:
        st.info(t("store.empty"))
        st.stop()
    chosen = st.session_state.get(ACTIVE_KEY)
    if chosen not in by_id:
        chosen = max(by_id)
        st.session_state[ACTIVE_KEY] = chosen
    return by_id[chosen]


def dataset_label(dataset: datasets_module.Dataset) -> str:
    label = dataset.name
    return f"{label} ({t('app.demo_label')})" if dataset.is_demo else label


def dataset_selector() -> datasets_module.Dataset:
    """The sidebar's dataset choice; its key follows the active dataset so code can switch it too."""
    current = active_dataset()
    available = available_datasets()
    ids = [d.dataset_id for d in available]
    labels = {d.dataset_id: dataset_label(d) for d in available}
    key = translated_options(f"dataset_picker_{current.dataset_id}_{len(ids)}")
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


# The value model: weights, tier settings and the value per referral live in the session and
# drive every page.
WEIGHTS_KEY = "value_weights"
TIER_METHOD_KEY = "tier_method"
TIER_SHARES_KEY = "tier_shares"
REFERRAL_VALUE_KEY = "value_per_referral"


def active_weights() -> dict[str, float]:
    """The strategist's current dimension weights (the balanced preset until changed)."""
    return dict(st.session_state.get(WEIGHTS_KEY) or presets_module.PRESETS["balanced"])


def set_active_weights(weights: dict[str, float]) -> None:
    st.session_state[WEIGHTS_KEY] = value_model_module.validate_weights(weights)


def tier_settings() -> tuple[str, dict[str, float]]:
    """The tiering method and its cut-off shares in use."""
    method = st.session_state.get(TIER_METHOD_KEY, tiering.TIER_METHODS[0])
    shares = st.session_state.get(TIER_SHARES_KEY) or tiering.DEFAULT_SHARES[method]
    return method, dict(shares)


def set_tier_settings(method: str, shares: dict[str, float]) -> None:
    st.session_state[TIER_METHOD_KEY] = method
    st.session_state[TIER_SHARES_KEY] = dict(shares)


def _referral_key(dataset: datasets_module.Dataset) -> str:
    """Per dataset: a value per referral is in that dataset's currency."""
    return f"{REFERRAL_VALUE_KEY}_{dataset.dataset_id}"


def referral_value_setting(dataset: datasets_module.Dataset | None = None) -> float | None:
    """The value per referral the user set for the dataset, or None for the default."""
    return st.session_state.get(_referral_key(dataset or active_dataset()))


def set_referral_value(value: float | None, dataset: datasets_module.Dataset | None = None) -> None:
    """Set the value per referral (None: back to the dataset's default)."""
    key = _referral_key(dataset or active_dataset())
    if value is None:
        st.session_state.pop(key, None)
    else:
        st.session_state[key] = float(value)


# Lifetime value: the purchase and spend models fitted on the whole history give the value model's
# potential dimension (``analytics.potential``); when they cannot be fitted, the growth proxy stays.
HORIZON_KEY = "clv_horizon_months"
DISCOUNT_KEY = "clv_discount_rate"
PURCHASE_MODEL_KEY = "clv_purchase_model"
DEFAULT_LIFETIME = potential_module.LifetimeSettings()


def clv_settings() -> potential_module.LifetimeSettings:
    """The lifetime-value horizon (months), annual discount rate and purchase model in use."""
    return potential_module.LifetimeSettings(
        int(st.session_state.get(HORIZON_KEY, DEFAULT_LIFETIME.months)),
        float(st.session_state.get(DISCOUNT_KEY, DEFAULT_LIFETIME.annual_discount_rate)),
        st.session_state.get(PURCHASE_MODEL_KEY, DEFAULT_LIFETIME.purchase_model),
    )


def set_clv_settings(settings: potential_module.LifetimeSettings) -> None:
    st.session_state[HORIZON_KEY] = settings.months
    st.session_state[DISCOUNT_KEY] = settings.annual_discount_rate
    st.session_state[PURCHASE_MODEL_KEY] = settings.purchase_model


@dataclass(frozen=True)
class ClvStatus:
    """Whether the value model's potential dimension comes from the lifetime-value model, and why not.

    ``measure`` is the prediction column used as potential value: ``expected_gross_profit`` when
    the dataset has cost data, else ``clv``; None when the fit failed. ``purchase_model`` is the
    purchase model in use (None when none could be fitted).
    """

    fitted: bool
    reason: str | None
    counts: Mapping[str, object]
    measure: str | None
    purchase_model: str | None
    settings: potential_module.LifetimeSettings


@st.cache_resource(show_spinner=False, max_entries=8)
def _lifetime_fit(db_path: str, dataset_id: int, version: int, purchase_model: str) -> potential_module.LifetimeFit:
    """Fit once per dataset version and purchase-model choice; horizon and discount rate do not change it."""
    summary = summary_module.rfm_summary(open_store(db_path), dataset_id)
    return potential_module.fit_lifetime(summary, purchase_model)


@st.cache_resource(show_spinner=False, max_entries=16)
def _lifetime_values(db_path: str, dataset_id: int, version: int,
                     settings: potential_module.LifetimeSettings) -> pd.DataFrame | None:
    """Per-customer predictions (index customer_id), shared read-only; None when the fit failed."""
    fit = _lifetime_fit(db_path, dataset_id, version, settings.purchase_model)
    return potential_module.lifetime_values(fit, settings)


def _scoring_features(db_path: str, dataset_id: int, version: int,
                      settings: potential_module.LifetimeSettings) -> pd.DataFrame:
    """The features plus ``potential_value`` when the lifetime-value model fits."""
    predictions = _lifetime_values(db_path, dataset_id, version, settings)
    return potential_module.with_potential(_features(db_path, dataset_id, version),
                                           potential_module.potential_values(predictions))


def _cache_key(dataset: datasets_module.Dataset | None) -> tuple[str, int, int]:
    dataset = dataset or active_dataset()
    return str(database_path()), dataset.dataset_id, dataset.version


def lifetime_fit(dataset: datasets_module.Dataset | None = None) -> potential_module.LifetimeFit:
    """The purchase and spend models of the dataset (default: the active one), cached per version."""
    return _lifetime_fit(*_cache_key(dataset), clv_settings().purchase_model)


def lifetime_values(dataset: datasets_module.Dataset | None = None) -> pd.DataFrame | None:
    """Per customer (index customer_id): probability_alive, expected_purchases, expected_spend, clv
    and expected_gross_profit over the horizon in use; None when the data cannot support a fit.
    Shared with the cache: do not modify it."""
    return _lifetime_values(*_cache_key(dataset), clv_settings())


def potential_values(dataset: datasets_module.Dataset | None = None) -> pd.Series | None:
    """Potential value per customer (index customer_id) under the settings in use, or None."""
    return potential_module.potential_values(lifetime_values(dataset))


def clv_status(dataset: datasets_module.Dataset | None = None) -> ClvStatus:
    """Whether potential value comes from the lifetime-value model (else the growth proxy) and why."""
    fit = lifetime_fit(dataset)
    predictions = lifetime_values(dataset)
    measure = None if predictions is None else potential_module.potential_measure(predictions)
    chosen = None if fit.choice is None else fit.choice.chosen
    return ClvStatus(fit.fitted, fit.reason, dict(fit.counts), measure, chosen, clv_settings())


def potential_source_note(dataset: datasets_module.Dataset | None = None) -> str:
    """One translated sentence saying where the value model's potential value comes from now."""
    status = clv_status(dataset)
    if status.fitted:
        return t("clv.source.model", measure=t(f"clv.measure.{status.measure}"), months=status.settings.months,
                 rate=status.settings.annual_discount_rate, model=t(f"clv.purchase_model.{status.purchase_model}"))
    return t("clv.source.proxy", reason=t(f"clv.error.{status.reason}", **status.counts))


@st.cache_data(show_spinner=False, max_entries=8)
def _holdout_check(db_path: str, dataset_id: int, version: int, calibration_end: dt.date,
                   purchase_model: str) -> tuple[lifetime_value_module.HoldoutCheck, purchase_model_module.PurchaseModelChoice]:
    summary = summary_module.calibration_holdout_summary(open_store(db_path), dataset_id, calibration_end)
    purchases, choice = purchase_model_module.fit_purchase_model(summary["frequency"], summary["recency"],
                                                                 summary["T"], purchase_model)
    return lifetime_value_module.holdout_check(purchases, summary), choice


def holdout_check(calibration_end: dt.date, dataset: datasets_module.Dataset | None = None
                  ) -> tuple[lifetime_value_module.HoldoutCheck, purchase_model_module.PurchaseModelChoice]:
    """The purchase model (chosen as on the whole history, by likelihood on the calibration period
    unless the user picked one) fitted up to ``calibration_end``, against what customers bought
    afterwards. Raises ``clv.InsufficientDataError`` when the split leaves too little on either side.
    """
    return _holdout_check(*_cache_key(dataset), calibration_end, clv_settings().purchase_model)


@st.cache_resource(show_spinner=False, max_entries=8)
def _dimension_scores(db_path: str, dataset_id: int, version: int, settings: potential_module.LifetimeSettings,
                      referral_value: float | None) -> dimensions_module.DimensionScores:
    """Money and scores per dimension: computed once per dataset version, lifetime-value setting
    and value per referral, shared read-only. Potential value comes from the lifetime-value model
    when it fits."""
    return dimensions_module.dimension_scores(_scoring_features(db_path, dataset_id, version, settings),
                                               referral_value)


def dimension_scores(dataset: datasets_module.Dataset | None = None) -> dimensions_module.DimensionScores:
    """The dataset's dimension inputs under the lifetime-value settings and value per referral in use."""
    dataset = dataset or active_dataset()
    return _dimension_scores(*_cache_key(dataset), clv_settings(), referral_value_setting(dataset))


def _weighs_any(weights: Mapping[str, float], scores: dimensions_module.DimensionScores) -> bool:
    return any(weights.get(dimension, 0) > 0 for dimension in scores.dimensions)


def effective_weights(scores: dimensions_module.DimensionScores) -> dict[str, float]:
    """The active weights, or the balanced preset when they weigh no dimension these scores have
    (weights chosen on another dataset can, and a model needs at least one weighted dimension)."""
    weights = active_weights()
    return weights if _weighs_any(weights, scores) else dict(presets_module.PRESETS["balanced"])


def weights_fall_back(dataset: datasets_module.Dataset | None = None) -> bool:
    """Whether the balanced preset stands in for active weights that weigh nothing the dataset has."""
    return not _weighs_any(active_weights(), dimension_scores(dataset))


def value_model(dataset: datasets_module.Dataset | None = None) -> value_model_module.ValueModel:
    """Value in money and tiers under the active weights and tier settings (cheap to rerun)."""
    method, shares = tier_settings()
    scores = dimension_scores(dataset)
    return value_model_module.score_customers(scores, effective_weights(scores), method, shares)


def value_table(dataset: datasets_module.Dataset | None = None) -> pd.DataFrame:
    """Per-customer identity, revenue and profit, value, value score, tier, ranks and dimension breakdown."""
    dataset = dataset or active_dataset()
    return value_model_module.value_table(features(dataset), value_model(dataset))


def tiers(dataset: datasets_module.Dataset | None = None) -> pd.Series:
    """Tier per customer (index customer_id, ordered categorical S/A/B/C) under the active model."""
    model = value_model(dataset)
    labels = pd.Categorical(model.tiering.labels, categories=value_model_module.TIERS, ordered=True)
    return pd.Series(labels, index=pd.Index(model.scores.customer_ids, name="customer_id"), name="tier")


# Segments: clustered on the scoring features, so potential value joins when the model fits.
SEGMENT_SEED = 0


@st.cache_resource(show_spinner=False, max_entries=16)
def _segmentation(db_path: str, dataset_id: int, version: int, settings: potential_module.LifetimeSettings,
                  method: str, n_clusters: int | None) -> segments_module.Segmentation:
    features = _scoring_features(db_path, dataset_id, version, settings)
    return segments_module.segment_customers(features, method=method, n_clusters=n_clusters,
                                             random_state=SEGMENT_SEED)


@st.cache_resource(show_spinner=False, max_entries=16)
def _segment_map(db_path: str, dataset_id: int, version: int, settings: potential_module.LifetimeSettings,
                 method: str, n_clusters: int | None) -> segments_module.Projection:
    segmentation = _segmentation(db_path, dataset_id, version, settings, method, n_clusters)
    return segments_module.projection_2d(segmentation, random_state=SEGMENT_SEED)


def segmentation(method: str, n_clusters: int | None = None,
                 dataset: datasets_module.Dataset | None = None) -> segments_module.Segmentation:
    """Customer segments (``n_clusters=None``: best silhouette), cached per dataset version, method
    and k; shared read-only. Raises ``segments.SegmentationError`` when customers cannot be clustered."""
    return _segmentation(*_cache_key(dataset), clv_settings(), method, n_clusters)


def segment_map(method: str, n_clusters: int | None = None,
                dataset: datasets_module.Dataset | None = None) -> segments_module.Projection:
    """The 2-D map of ``segmentation(method, n_clusters, dataset)``, cached alike."""
    return _segment_map(*_cache_key(dataset), clv_settings(), method, n_clusters)


# Lifecycle: the stage rules are set on the lifecycle page and followed by the customer page.
STAGE_THRESHOLDS_KEY = "life_thresholds"
STAGE_USE_MODEL_KEY = "life_use_p_alive"


def stage_settings() -> tuple[lifecycle_module.StageThresholds, bool]:
    """The stage thresholds in use, and whether the model's probability of being active informs them."""
    thresholds = lifecycle_module.StageThresholds(**st.session_state.get(STAGE_THRESHOLDS_KEY, {}))
    return thresholds, bool(st.session_state.get(STAGE_USE_MODEL_KEY, True))


def set_stage_settings(thresholds: lifecycle_module.StageThresholds, use_model: bool) -> None:
    st.session_state[STAGE_THRESHOLDS_KEY] = asdict(thresholds)
    st.session_state[STAGE_USE_MODEL_KEY] = use_model


@st.cache_data(show_spinner=False, max_entries=8)
def _stages(db_path: str, dataset_id: int, version: int, thresholds: tuple, use_model: bool,
            purchase_model: str) -> pd.DataFrame:
    fit = _lifetime_fit(db_path, dataset_id, version, purchase_model)
    alive = (lifecycle_module.probability_alive(fit.summary, fit.purchases)
             if use_model and fit.purchases is not None else None)
    return lifecycle_module.customer_stages(open_store(db_path), dataset_id,
                                            thresholds=lifecycle_module.StageThresholds(**dict(thresholds)),
                                            p_alive=alive)


def stages(dataset: datasets_module.Dataset | None = None) -> pd.DataFrame:
    """Every customer's lifecycle inputs and stage under the stage settings in use, cached."""
    thresholds, use_model = stage_settings()
    return _stages(*_cache_key(dataset), tuple(sorted(asdict(thresholds).items())), use_model,
                   clv_settings().purchase_model)


@st.cache_resource(show_spinner=False, max_entries=8)
def _scores_at(db_path: str, dataset_id: int, version: int, as_of: dt.date, settings: potential_module.LifetimeSettings,
               referral_value: float | None) -> dimensions_module.DimensionScores:
    features = potential_module.scoring_features_at(open_store(db_path), dataset_id, as_of, settings)
    return dimensions_module.dimension_scores(features, referral_value)


def scores_at(as_of: dt.date, dataset: datasets_module.Dataset | None = None) -> dimensions_module.DimensionScores:
    """Dimension inputs from the history up to ``as_of``, valued like today's: potential value from
    the purchase model in use today (chosen once per dataset) fitted up to that date, and today's
    value per referral. Computed once per date, re-weighted cheaply on every run."""
    settings = clv_settings()
    chosen = lifetime_fit(dataset).choice
    if chosen is not None:
        settings = replace(settings, purchase_model=chosen.chosen)
    return _scores_at(*_cache_key(dataset), as_of, settings, dimension_scores(dataset).referral_value)
