"""The cache boundary: every result the app keeps between reruns, and the only road from pages to
the store's data (``ui.database`` opens the store and lists datasets).

One policy: results are computed once and shared read-only by every session of the server
(``st.cache_resource``: one copy, no per-call copies). Never modify what these functions return.
One key: results read from a dataset are keyed by ``(database file, dataset id, version)``
(``dataset_key``), the first arguments of each cached function, which pages call with the dataset
in their place (``DatasetLoader``); every write to a dataset raises its version, so nothing stale
is served. Settings a result depends on (lifetime-value settings, value per referral, stage rules,
filters) are arguments, so the same settings share one result across sessions; this module reads
no session state itself.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, Generic, ParamSpec, TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from analytics import (
    background,
    datasets,
    external,
    ingest,
    lifecycle,
    migration,
    paging,
    readers,
    segments,
    sources,
    strategy,
    validation,
    workbooks,
)
from analytics import value_model as value_model_module
from analytics.clv import beta_geo, lifetime_value, summary
from analytics.datasets import Dataset
from analytics.dimensions import DimensionScores, dimension_scores
from analytics.features import customer_features
from analytics.potential import (
    LifetimeFit,
    LifetimeSettings,
    fit_lifetime,
    holdout,
    lifetime_values,
    p_alive,
    potential_values,
    scoring_features_at,
    with_potential,
)
from analytics.report import account
from analytics.store import database_path, open_store

SEGMENT_SEED = 0
PARSE_BUDGET_SECONDS = 120.0
_shared = st.cache_resource(show_spinner=False, max_entries=8)
_shared_many = st.cache_resource(show_spinner=False, max_entries=16)
CUSTOMER_SEARCH_COLUMNS = ("customer_id", "name")
# How often the sidebar asks an external source whether it changed since its refresh (a count of its rows).
CHANGE_CHECK_SECONDS = 300
P = ParamSpec("P")
R = TypeVar("R")


def dataset_key(dataset: Dataset) -> tuple[str, int, int]:
    """What every cached result of ``dataset`` is keyed by: database file, dataset id, version."""
    return str(database_path()), dataset.dataset_id, dataset.version


class DatasetLoader(Generic[P, R]):
    """A cached function called with a dataset where it takes the dataset's key (``dataset_key``) as
    its first three arguments, so the key stays among the arguments Streamlit hashes. Arguments go in
    by position, defaults filled in, so calls written differently share one cache entry. Cached
    functions call each other ``by_key``, with the key they were given."""

    def __init__(self, by_key: Callable[Concatenate[str, int, int, P], R]):
        self.by_key = by_key
        self.__doc__ = by_key.__doc__
        self._signature = inspect.signature(by_key)

    def __call__(self, dataset: Dataset, *args: P.args, **kwargs: P.kwargs) -> R:
        call = self._signature.bind(*dataset_key(dataset), *args, **kwargs)
        call.apply_defaults()
        return self.by_key(*call.args, **call.kwargs)


# -- Per-customer features ------------------------------------------------------------------


@DatasetLoader
@_shared_many
def features(db_path: str, dataset_id: int, version: int, start: dt.date | None = None,
             end: dt.date | None = None) -> pd.DataFrame:
    """Per-customer features of the dataset, counting only orders from ``start`` to ``end`` when given."""
    return customer_features(open_store(db_path), dataset_id, as_of=end, start=start)


@DatasetLoader
@_shared_many
def customer_order(db_path: str, dataset_id: int, version: int, query: str, sort_column: str | None,
                   descending: bool) -> np.ndarray:
    """Positions in ``features(dataset)`` of the customers whose id or name contains ``query``, sorted
    (read-only; one integer per match, shared by every session that asks the same)."""
    frame = features.by_key(db_path, dataset_id, version, None, None)
    return paging.matching_order(frame, query, CUSTOMER_SEARCH_COLUMNS, sort_column, descending)


@DatasetLoader
@_shared
def widest_numbers(db_path: str, dataset_id: int, version: int) -> dict[str, str]:
    """Per float column of ``features(dataset)``, the longer of its smallest and largest value grouped
    with two decimals: what the Data page's table column must be wide enough for (worked out once,
    not on every rerun: two passes per column, 0.3 s at 10,000,000 customers)."""
    frame = features.by_key(db_path, dataset_id, version, None, None)
    return {column: max((f"{value:,.2f}" for value in (frame[column].min(), frame[column].max()) if pd.notna(value)),
                        key=len, default="")
            for column in frame.columns if pd.api.types.is_float_dtype(frame[column])}


# -- Lifetime value ----------------------------------------------------------------------------


@DatasetLoader
@_shared
def lifetime_fit(db_path: str, dataset_id: int, version: int, purchase_model: str) -> LifetimeFit:
    """The purchase and spend models fitted on the whole history (horizon and rate do not change them)."""
    return fit_lifetime(summary.rfm_summary(open_store(db_path), dataset_id), purchase_model)


@DatasetLoader
@_shared_many
def predictions(db_path: str, dataset_id: int, version: int, settings: LifetimeSettings) -> pd.DataFrame | None:
    """Per customer (index customer_id): probability_alive, expected_purchases, expected_spend, clv and
    expected_gross_profit over the horizon; None when the data cannot support a fit."""
    return lifetime_values(lifetime_fit.by_key(db_path, dataset_id, version, settings.purchase_model), settings)


@DatasetLoader
@_shared
def holdout_check(db_path: str, dataset_id: int, version: int, calibration_end: dt.date, purchase_model: str
                  ) -> tuple[lifetime_value.HoldoutCheck, beta_geo.PurchaseModelChoice]:
    """The purchase model fitted up to ``calibration_end`` against what customers bought afterwards.
    Raises ``InsufficientDataError`` when the split leaves too little on either side."""
    return holdout(open_store(db_path), dataset_id, calibration_end, purchase_model)


# -- Value dimensions --------------------------------------------------------------------------


def _scoring_features(db_path: str, dataset_id: int, version: int, settings: LifetimeSettings) -> pd.DataFrame:
    """The features plus ``potential_value`` when the lifetime-value model fits."""
    return with_potential(features.by_key(db_path, dataset_id, version, None, None),
                          potential_values(predictions.by_key(db_path, dataset_id, version, settings)))


@DatasetLoader
@_shared
def dimensions(db_path: str, dataset_id: int, version: int, settings: LifetimeSettings,
               referral_value: float | None) -> DimensionScores:
    """Money and scores per dimension; potential value from the lifetime-value model when it fits."""
    return dimension_scores(_scoring_features(db_path, dataset_id, version, settings), referral_value)


@DatasetLoader
@_shared
def selection_dimensions(db_path: str, dataset_id: int, version: int, start: dt.date | None, end: dt.date | None,
                         choices: tuple, _selected: pd.DataFrame, settings: LifetimeSettings,
                         referral_value: float | None) -> DimensionScores:
    """Dimension inputs of a filtered selection (``_selected``: the features the window and the
    attribute ``choices`` select, not hashed: they are keyed by those); potential value is the whole
    dataset's forecast."""
    potential = potential_values(predictions.by_key(db_path, dataset_id, version, settings))
    return dimension_scores(with_potential(_selected, potential), referral_value)


@DatasetLoader
@_shared
def dimensions_at(db_path: str, dataset_id: int, version: int, as_of: dt.date, settings: LifetimeSettings,
                  referral_value: float | None) -> DimensionScores:
    """Dimension inputs from the history up to ``as_of``, potential value fitted up to that date."""
    return dimension_scores(scoring_features_at(open_store(db_path), dataset_id, as_of, settings), referral_value)


# -- The whole dataset's value model: scored, tabled and summed up once per choice of weights and
# tiers (the session's sliders), not on every rerun of every page that shows it.


@dataclass(frozen=True)
class ValueChoice:
    """Everything a value model depends on besides the dataset (hashable: one cache entry per choice)."""

    lifetime: LifetimeSettings
    referral_value: float | None
    weights: tuple[tuple[str, float], ...]
    method: str
    shares: tuple[tuple[str, float], ...]


@DatasetLoader
@_shared_many
def value_model(db_path: str, dataset_id: int, version: int, choice: ValueChoice) -> value_model_module.ValueModel:
    """Value in money and tiers of every customer of the dataset."""
    scores = dimensions.by_key(db_path, dataset_id, version, choice.lifetime, choice.referral_value)
    return value_model_module.score_customers(scores, dict(choice.weights), choice.method, dict(choice.shares))


@DatasetLoader
@_shared_many
def value_table(db_path: str, dataset_id: int, version: int, choice: ValueChoice) -> pd.DataFrame:
    """``value_model.value_table`` of the whole dataset (read-only)."""
    return value_model_module.value_table(features.by_key(db_path, dataset_id, version, None, None),
                                          value_model.by_key(db_path, dataset_id, version, choice))


@DatasetLoader
@_shared_many
def pyramid(db_path: str, dataset_id: int, version: int, choice: ValueChoice) -> pd.DataFrame:
    """``strategy.pyramid`` of the whole dataset's value table."""
    return strategy.pyramid(value_table.by_key(db_path, dataset_id, version, choice))


@DatasetLoader
@_shared_many
def strategy_cards(db_path: str, dataset_id: int, version: int, choice: ValueChoice, blend: float = 1.0,
                   top_n: int = 5) -> list[strategy.StrategyCard]:
    """``strategy.strategy_cards`` of the whole dataset's value table."""
    return strategy.strategy_cards(value_table.by_key(db_path, dataset_id, version, choice), blend=blend, top_n=top_n)


@DatasetLoader
@_shared
def margin_bands(db_path: str, dataset_id: int, version: int) -> tuple[float, float] | None:
    """``strategy.margin_thresholds`` of the whole dataset: its customers' margins and revenue, whatever
    the weights (a sort of every customer's margin, once per dataset rather than on every rerun)."""
    return strategy.margin_thresholds(features.by_key(db_path, dataset_id, version, None, None))


@DatasetLoader
@_shared_many
def matrix_placements(db_path: str, dataset_id: int, version: int, choice: ValueChoice, by: str) -> pd.DataFrame:
    """``strategy.place_in_matrix`` of the whole dataset by ``by``, at its ``margin_bands``."""
    table = value_table.by_key(db_path, dataset_id, version, choice)
    return strategy.place_in_matrix(table, by, margin_bands.by_key(db_path, dataset_id, version))


@DatasetLoader
@_shared_many
def rank_comparison(db_path: str, dataset_id: int, version: int, choice: ValueChoice, top_share: float,
                    bottom_share: float) -> pd.DataFrame:
    """``value_model.rank_comparison`` of the whole dataset."""
    return value_model_module.rank_comparison(value_table.by_key(db_path, dataset_id, version, choice),
                                              value_model.by_key(db_path, dataset_id, version, choice), top_share,
                                              bottom_share)


# -- Segments ------------------------------------------------------------------------------------


@DatasetLoader
@_shared_many
def segmentation(db_path: str, dataset_id: int, version: int, settings: LifetimeSettings, method: str,
                 n_clusters: int | None) -> segments.Segmentation:
    """Customer segments (``n_clusters=None``: best silhouette). Raises ``SegmentationError``."""
    return segments.segment_customers(_scoring_features(db_path, dataset_id, version, settings), method=method,
                                      n_clusters=n_clusters, random_state=SEGMENT_SEED)


@DatasetLoader
@_shared_many
def segment_map(db_path: str, dataset_id: int, version: int, settings: LifetimeSettings, method: str,
                n_clusters: int | None) -> segments.Projection:
    """``segments.projection_2d`` of ``segmentation``: the customers drawn on the segment map."""
    clusters = segmentation.by_key(db_path, dataset_id, version, settings, method, n_clusters)
    return segments.projection_2d(clusters, random_state=SEGMENT_SEED)


# -- Lifecycle -----------------------------------------------------------------------------------


@DatasetLoader
@_shared
def stages(db_path: str, dataset_id: int, version: int, thresholds: lifecycle.StageThresholds, use_model: bool,
           purchase_model: str) -> pd.DataFrame:
    """Every customer's lifecycle inputs and stage."""
    alive = p_alive(lifetime_fit.by_key(db_path, dataset_id, version, purchase_model)) if use_model else None
    return lifecycle.customer_stages(open_store(db_path), dataset_id, thresholds=thresholds, p_alive=alive)


@DatasetLoader
@_shared_many
def tier_migration(db_path: str, dataset_id: int, version: int, before: dt.date, after: dt.date,
                   choice: ValueChoice) -> tuple[migration.Migration, pd.DataFrame, pd.DataFrame]:
    """The moves between the tiers at ``before`` and at ``after`` (scored with ``choice``'s lifetime
    settings and value per referral, weighed and tiered by it), with its upgrades and downgrades.
    Raises ``ValueError`` when the weights weigh no dimension the scores have."""
    tiers = [migration.tiers_from_scores(
                 dimensions_at.by_key(db_path, dataset_id, version, cutoff, choice.lifetime, choice.referral_value),
                 dict(choice.weights), choice.method, dict(choice.shares))
             for cutoff in (before, after)]
    moves = migration.build_migration(*tiers, period_activity.by_key(db_path, dataset_id, version, before, after),
                                      before, after)
    return moves, moves.upgrades(), moves.downgrades()


@DatasetLoader
@_shared
def period_activity(db_path: str, dataset_id: int, version: int, before: dt.date, after: dt.date) -> pd.DataFrame:
    """Per customer, revenue in the period up to ``before`` and in the period up to ``after``."""
    return migration.period_activity(open_store(db_path), dataset_id, before, after)


@DatasetLoader
@_shared_many
def order_history(db_path: str, dataset_id: int, version: int, customer_id: str, period: str) -> pd.DataFrame:
    """One customer's revenue, gross profit and orders per ``period`` (``lifecycle.order_history``)."""
    return lifecycle.order_history(open_store(db_path), dataset_id, customer_id, period)


@DatasetLoader
@_shared_many
def recent_orders(db_path: str, dataset_id: int, version: int, customer_id: str) -> pd.DataFrame:
    """One customer's latest transaction lines, newest first."""
    return lifecycle.recent_orders(open_store(db_path), dataset_id, customer_id)


# -- Uploads: kept per uploaded file (Streamlit's file_id) and reading options, not by hashing the
# bytes on every rerun: a large file is read once, and validated once per set of choices. Reading
# and checking run off the script thread within a time budget, so other sessions keep working.


@st.cache_resource(show_spinner=False, max_entries=2)
def upload_sheets(file_id: str, filename: str, _data: bytes) -> list[str]:
    return background.run_bounded(lambda: workbooks.excel_sheets(filename, _data), seconds=PARSE_BUDGET_SECONDS)


@st.cache_resource(show_spinner=False, max_entries=2)
def open_upload(file_id: str, filename: str, sheet: str | None, encoding: str | None, header_line: int | None,
                _data: bytes) -> sources.Source:
    return background.run_bounded(
        lambda: readers.open_upload(filename, _data, sheet, encoding=encoding, header_line=header_line),
        seconds=PARSE_BUDGET_SECONDS,
    )


@st.cache_resource(show_spinner=False, max_entries=4)
def check_upload(file_id: str, options: tuple, choices_key: tuple, kind: str, _source: sources.Source,
                 _choices: validation.Choices) -> validation.Report:
    connection = sources.engine()
    try:
        return background.run_bounded(
            lambda: validation.check(_source, _choices, kind, connection), seconds=PARSE_BUDGET_SECONDS,
            connection=connection,
        )
    finally:
        connection.close()


@st.cache_resource(show_spinner=False, max_entries=2)
def upload_digest(file_id: str, _data: bytes) -> str:
    return ingest.file_hash(_data)


@st.cache_resource(show_spinner=False, max_entries=4)
def _preflight(file_id: str, choices_key: tuple, db_path: str, dataset_id: int, version: int, digest: str,
               _source: sources.Source, _choices: validation.Choices) -> ingest.Preflight:
    return ingest.preflight(open_store(db_path), _source, _choices, dataset_id, digest)


def preflight(file_id: str, choices_key: tuple, dataset: Dataset, digest: str, source: sources.Source,
              choices: validation.Choices) -> ingest.Preflight:
    """What an append of the file would meet in the dataset (rows already stored, date overlap)."""
    return _preflight(file_id, choices_key, *dataset_key(dataset), digest, source, choices)


# -- Report ------------------------------------------------------------------------------------


@DatasetLoader
@_shared_many
def order_histories(db_path: str, dataset_id: int, version: int, period: str) -> pd.DataFrame:
    """Every customer's order history per ``period`` in one frame (the key-account reviews)."""
    return lifecycle.order_histories(open_store(db_path), dataset_id, period)


@DatasetLoader
@_shared_many
def cost_of_service(db_path: str, dataset_id: int, version: int) -> pd.Series:
    """The cost of service recorded per customer (index customer_id; customers without one left out)."""
    return account.cost_of_service(open_store(db_path), dataset_id)


def upload_history(dataset: Dataset) -> pd.DataFrame:
    """Every upload into the dataset (not kept: it is one small read)."""
    return datasets.upload_history(open_store(str(database_path())), dataset.dataset_id)


@DatasetLoader
@st.cache_resource(ttl=CHANGE_CHECK_SECONDS, show_spinner=False, max_entries=8)
def source_change(db_path: str, dataset_id: int, version: int) -> external.Change | None:
    """How an external source differs from its latest refresh (None when it does not), asked again
    after CHANGE_CHECK_SECONDS."""
    return external.change_since_refresh(open_store(db_path), dataset_id)
