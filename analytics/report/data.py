"""What a report says, computed once: every number the report shows, from the same analytics
functions (and, on the pages, the same cached results) as the pages, under one set of settings.

A ``Source`` gives the per-dataset results the pages take from ``ui.cache``; ``StoreSource``
computes them straight from a store (the command line), and the app passes an adapter over its
cache, so a report made on a page reuses what the pages already computed. ``gather`` turns a
source, the settings and the customer selection into ``ReportData``: plain data, rendered by
``ui.report``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Protocol

import pandas as pd

from analytics import concentration, lifecycle, migration, strategy, watchlists
from analytics.clv.beta_geo import PurchaseModelChoice
from analytics.clv.fitting import InsufficientDataError
from analytics.clv.lifetime_value import HoldoutCheck
from analytics.clv.summary import rfm_summary
from analytics.concentration import ConcentrationUndefined, RiskThresholds
from analytics.datasets import Dataset, upload_history
from analytics.dimensions import DimensionScores, dimension_scores
from analytics.features import customer_features
from analytics.kpis import overview_kpis
from analytics.lifecycle import StageThresholds
from analytics.potential import (
    LifetimeFit,
    LifetimeSettings,
    PotentialSource,
    default_calibration_end,
    fit_lifetime,
    holdout,
    lifetime_values,
    p_alive,
    potential_source,
    potential_values,
    scoring_features_at,
    with_potential,
)
from analytics.presets import PRESETS, effective_weights, weighs_any
from analytics.store import Store
from analytics.tiering import DEFAULT_SHARES, TIER_METHODS
from analytics.value_model import ValueModel, score_customers, value_table

ACTIVE_DAYS = 365  # as the overview's active customers
METRICS = ("revenue", "gross_profit", "value")
TOP_SHARE, VALUE_SHARE = 0.2, 0.8  # the "top 20% bring Y%" and "80% comes from X%" readouts
TOP_PER_TIER = 10
LARGEST_SHOWN = 20
LOSS_MAKERS_SHOWN = 20
WATCH_SHOWN = 20


@dataclass(frozen=True)
class ReportSettings:
    """The choices a report is made under: the page's session settings, or the command line's."""

    weights: dict = field(default_factory=lambda: dict(PRESETS["balanced"]))
    tier_method: str = TIER_METHODS[0]
    tier_shares: dict = field(default_factory=lambda: dict(DEFAULT_SHARES[TIER_METHODS[0]]))
    lifetime: LifetimeSettings = LifetimeSettings()
    referral_value: float | None = None
    stage_thresholds: StageThresholds = StageThresholds()
    use_p_alive: bool = True
    risk: RiskThresholds = RiskThresholds()
    watch: watchlists.WatchSettings = watchlists.WatchSettings()
    preset: str | None = None
    """The preset's name when the weights are one (the command line), for the cover."""


@dataclass(frozen=True)
class Selection:
    """The customers a report covers: the order-date window and attribute filters (the overview's),
    and the features they select; ``features`` None means the whole dataset."""

    start: dt.date | None = None
    end: dt.date | None = None
    choices: tuple = ()
    features: pd.DataFrame | None = None

    @property
    def is_whole_dataset(self) -> bool:
        return self.start is None and self.end is None and not self.choices


class Source(Protocol):
    """Per-dataset results, as ``ui.cache`` gives them (the dataset bound)."""

    def features(self, start: dt.date | None, end: dt.date | None) -> pd.DataFrame: ...
    def lifetime_fit(self, purchase_model: str) -> LifetimeFit: ...
    def predictions(self, settings: LifetimeSettings) -> pd.DataFrame | None: ...
    def holdout_check(self, calibration_end: dt.date, purchase_model: str
                      ) -> tuple[HoldoutCheck, PurchaseModelChoice]: ...
    def dimensions(self, settings: LifetimeSettings, referral_value: float | None) -> DimensionScores: ...
    def selection_dimensions(self, start, end, choices: tuple, selected: pd.DataFrame, settings: LifetimeSettings,
                             referral_value: float | None) -> DimensionScores: ...
    def dimensions_at(self, as_of: dt.date, settings: LifetimeSettings,
                      referral_value: float | None) -> DimensionScores: ...
    def stages(self, thresholds: StageThresholds, use_model: bool, purchase_model: str) -> pd.DataFrame: ...
    def period_activity(self, before: dt.date, after: dt.date) -> pd.DataFrame: ...
    def order_histories(self, period: str) -> pd.DataFrame: ...
    def upload_history(self) -> pd.DataFrame: ...
    def cost_of_service(self) -> pd.Series: ...


class StoreSource:
    """A ``Source`` computing from a store, each result once per instance, as the app's cache
    keeps them (for the command line, the benchmark and tests)."""

    def __init__(self, store: Store, dataset: Dataset):
        self.store, self.dataset_id = store, dataset.dataset_id
        self._kept: dict = {}

    def _once(self, key: tuple, compute):
        if key not in self._kept:
            self._kept[key] = compute()
        return self._kept[key]

    def features(self, start, end):
        return self._once(("features", start, end),
                          lambda: customer_features(self.store, self.dataset_id, as_of=end, start=start))

    def lifetime_fit(self, purchase_model):
        return self._once(("fit", purchase_model), lambda: fit_lifetime(
            rfm_summary(self.store, self.dataset_id), purchase_model))

    def predictions(self, settings):
        return self._once(("predictions", settings),
                          lambda: lifetime_values(self.lifetime_fit(settings.purchase_model), settings))

    def holdout_check(self, calibration_end, purchase_model):
        return self._once(("holdout", calibration_end, purchase_model),
                          lambda: holdout(self.store, self.dataset_id, calibration_end, purchase_model))

    def dimensions(self, settings, referral_value):
        return self._once(("dimensions", settings, referral_value), lambda: dimension_scores(
            with_potential(self.features(None, None), potential_values(self.predictions(settings))), referral_value))

    def selection_dimensions(self, start, end, choices, selected, settings, referral_value):
        return dimension_scores(with_potential(selected, potential_values(self.predictions(settings))), referral_value)

    def dimensions_at(self, as_of, settings, referral_value):
        return self._once(("dimensions_at", as_of, settings, referral_value), lambda: dimension_scores(
            scoring_features_at(self.store, self.dataset_id, as_of, settings), referral_value))

    def stages(self, thresholds, use_model, purchase_model):
        alive = p_alive(self.lifetime_fit(purchase_model)) if use_model else None
        return self._once(("stages", thresholds, use_model, purchase_model), lambda: lifecycle.customer_stages(
            self.store, self.dataset_id, thresholds=thresholds, p_alive=alive))

    def period_activity(self, before, after):
        return self._once(("activity", before, after),
                          lambda: migration.period_activity(self.store, self.dataset_id, before, after))

    def order_histories(self, period):
        return self._once(("histories", period), lambda: lifecycle.order_histories(self.store, self.dataset_id, period))

    def upload_history(self):
        return upload_history(self.store, self.dataset_id)

    def cost_of_service(self):
        from analytics.report.account import cost_of_service  # account imports this module

        return self._once(("cost_of_service",), lambda: cost_of_service(self.store, self.dataset_id))


@dataclass(frozen=True, eq=False)
class Lifetime:
    """The lifetime-value model as the Lifetime value page shows it."""

    fit: LifetimeFit
    source: PotentialSource
    calibration_end: dt.date | None
    check: HoldoutCheck | None
    check_choice: PurchaseModelChoice | None
    check_error: InsufficientDataError | None


@dataclass(frozen=True, eq=False)
class ReportData:
    """Everything a report shows (see the module docstring); tables are in the pages' units."""

    dataset: Dataset
    settings: ReportSettings
    selection: Selection
    made: dt.datetime
    weights_fall_back: bool
    model: ValueModel
    features: pd.DataFrame
    table: pd.DataFrame
    """The selection's value table: customer_id, name, revenue, gross_profit, margin_pct, value, tier."""
    kpis: pd.Series
    pyramid: pd.DataFrame
    ranked: dict[str, concentration.RankedMetric]
    undefined: dict[str, str]
    """Metrics that cannot be ranked, with the ``conc.error.*`` key saying why."""
    verdict: concentration.RiskVerdict | None
    whale: concentration.WhaleCurve | None
    whale_undefined: str | None
    loss_makers: pd.DataFrame
    cards: list[strategy.StrategyCard]
    stages: pd.DataFrame
    stage_summary: pd.DataFrame
    migration: migration.Migration | None
    migration_note: str | None
    watch: dict[str, pd.DataFrame]
    lifetime: Lifetime
    uploads: pd.DataFrame

    @property
    def has_profit(self) -> bool:
        return bool(self.features["gross_profit"].notna().any())

    @property
    def largest(self) -> pd.DataFrame:
        return self.table.nlargest(LARGEST_SHOWN, "revenue")


def selection_model(source: Source, settings: ReportSettings, selection: Selection) -> tuple[ValueModel, bool]:
    """The value model of the selected customers, as ``ui.filters.value_model`` makes it, and
    whether the balanced preset stood in for the weights."""
    whole = source.dimensions(settings.lifetime, settings.referral_value)
    scores = whole
    if not selection.is_whole_dataset:
        scores = source.selection_dimensions(selection.start, selection.end, selection.choices, selection.features,
                                             settings.lifetime, whole.referral_value)
    weights = effective_weights(settings.weights, scores)
    return (score_customers(scores, weights, settings.tier_method, settings.tier_shares),
            not weighs_any(settings.weights, whole))


def whole_model(source: Source, settings: ReportSettings) -> ValueModel:
    """The whole dataset's value model (the Customer and Lifecycle pages' ``models.value_model``)."""
    scores = source.dimensions(settings.lifetime, settings.referral_value)
    return score_customers(scores, effective_weights(settings.weights, scores), settings.tier_method,
                           settings.tier_shares)


def gather(source: Source, dataset: Dataset, settings: ReportSettings, selection: Selection = Selection(),
           made: dt.datetime | None = None) -> ReportData:
    """Every number of the report (raises ``ConcentrationUndefined`` when no customer is selected)."""
    everyone = source.features(None, None)
    if selection.features is None:
        selection = replace(selection, features=everyone)
    features = selection.features
    kpis = overview_kpis(features, active_days=ACTIVE_DAYS).loc["all"]
    model, fell_back = selection_model(source, settings, selection)
    table = value_table(features[["customer_id", "name", "revenue", "gross_profit", "margin_pct"]], model)
    ranked, undefined = {}, {}
    for metric in METRICS:
        try:
            ranked[metric] = concentration.rank_column(table, metric)
        except ConcentrationUndefined as error:
            undefined[metric] = error.message_key
    verdict = concentration.concentration_risk(ranked["revenue"], settings.risk) if "revenue" in ranked else None
    whale, whale_undefined = None, None
    if "gross_profit" in ranked:
        try:
            whale = concentration.whale_curve(ranked["gross_profit"])
        except ConcentrationUndefined as error:
            whale_undefined = error.message_key
    whole_table = value_table(everyone, whole_model(source, settings))
    stages = source.stages(settings.stage_thresholds, settings.use_p_alive, settings.lifetime.purchase_model)
    watch = watchlists.watch_table(everyone, whole_table, stages)
    moves, moves_note = tier_migration(source, dataset, settings)
    return ReportData(
        dataset=dataset, settings=settings, selection=selection, made=made or dt.datetime.now().replace(microsecond=0),
        weights_fall_back=fell_back, model=model, features=features,
        table=table[["customer_id", "name", "revenue", "gross_profit", "margin_pct", "value", "tier"]],
        kpis=kpis, pyramid=strategy.pyramid(table), ranked=ranked, undefined=undefined, verdict=verdict,
        whale=whale, whale_undefined=whale_undefined,
        loss_makers=table[table["gross_profit"] < 0].nsmallest(LOSS_MAKERS_SHOWN, "gross_profit"),
        cards=strategy.strategy_cards(table, top_n=TOP_PER_TIER),
        stages=stages, stage_summary=lifecycle.stage_summary(stages),
        migration=moves, migration_note=moves_note,
        watch={
            "invest": watchlists.invest_candidates(watch, settings.watch),
            "at_risk": watchlists.key_accounts_at_risk(watch, settings.watch),
            "unprofitable": watchlists.unprofitable(watch, settings.watch),
        },
        lifetime=lifetime_section(source, dataset, settings),
        uploads=source.upload_history(),
    )


def comparison_dates(dataset: Dataset) -> tuple[dt.date, dt.date] | None:
    """The tier migration's cut-offs, as the Lifecycle page's defaults; None with a single day of data."""
    if dataset.date_min is None or dataset.date_min >= dataset.date_max:
        return None
    before, after = migration.default_cutoffs(dataset.date_max)
    return max(before, dataset.date_min), after


def scores_at_settings(source: Source, settings: ReportSettings) -> tuple[LifetimeSettings, float | None]:
    """The lifetime settings and value per referral past dates are valued with, as ``models.dimensions_at``:
    the purchase model chosen today, today's value per referral."""
    lifetime = settings.lifetime
    chosen = source.lifetime_fit(lifetime.purchase_model).choice
    if chosen is not None:
        lifetime = replace(lifetime, purchase_model=chosen.chosen)
    return lifetime, source.dimensions(settings.lifetime, settings.referral_value).referral_value


def tiers_at(source: Source, settings: ReportSettings, as_of: dt.date) -> pd.DataFrame:
    """customer_id, tier and value at ``as_of`` under today's weights and tier settings (raises
    ValueError when no weighted dimension has data then)."""
    scores = source.dimensions_at(as_of, *scores_at_settings(source, settings))
    return migration.tiers_from_scores(scores, effective_weights(settings.weights, scores), settings.tier_method,
                                       settings.tier_shares)


def tier_migration(source: Source, dataset: Dataset, settings: ReportSettings
                   ) -> tuple[migration.Migration | None, str | None]:
    """The moves between the tiers a year before the last order and now, or the reason there are none."""
    cutoffs = comparison_dates(dataset)
    if cutoffs is None:
        return None, "life.migration_one_day"
    before, after = cutoffs
    lifetime, referral = scores_at_settings(source, settings)
    scores = [source.dimensions_at(cutoff, lifetime, referral) for cutoff in cutoffs]
    try:
        weights = effective_weights(settings.weights, scores[1])
        tiers = [migration.tiers_from_scores(s, weights, settings.tier_method, settings.tier_shares) for s in scores]
    except ValueError:
        return None, "life.no_weighted_dimension"
    moves = migration.build_migration(*tiers, source.period_activity(before, after), before, after)
    if moves.customers_before == 0 and moves.customers_after == 0:
        return None, "life.no_customers_either"
    return moves, None


def lifetime_section(source: Source, dataset: Dataset, settings: ReportSettings) -> Lifetime:
    fit = source.lifetime_fit(settings.lifetime.purchase_model)
    found = potential_source(fit, source.predictions(settings.lifetime), settings.lifetime)
    calibration_end = check = choice = error = None
    if fit.purchases is not None and dataset.date_min is not None and (dataset.date_max - dataset.date_min).days >= 2:
        calibration_end = default_calibration_end(dataset.date_min, dataset.date_max)
        try:
            check, choice = source.holdout_check(calibration_end, settings.lifetime.purchase_model)
        except InsufficientDataError as insufficient:
            error = insufficient
    return Lifetime(fit, found, calibration_end, check, choice, error)

