"""What pages show under this session's choices: a dataset's lifetime value, value model, tiers,
segments and stages, taken from the shared cache (``ui.cache``) with the settings in
``ui.settings``. Cheap: the expensive parts are cached; a weight change only re-weighs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from analytics import migration, presets, segments
from analytics import value_model as value_model_module
from analytics.clv import beta_geo, lifetime_value
from analytics.datasets import Dataset
from analytics.dimensions import DimensionScores
from analytics.potential import (
    LifetimeFit,
    LifetimeSettings,
    PotentialSource,
    potential_source,
    potential_values,
)
from ui import cache, settings
from ui import format as fmt
from ui.language import lang, t


def lifetime_fit(dataset: Dataset) -> LifetimeFit:
    """The purchase and spend models of the dataset under the purchase model chosen."""
    return cache.lifetime_fit(dataset, settings.lifetime_settings().purchase_model)


def predictions(dataset: Dataset) -> pd.DataFrame | None:
    """Per-customer lifetime-value predictions over the horizon in use (``cache.predictions``)."""
    return cache.predictions(dataset, settings.lifetime_settings())


def potential(dataset: Dataset) -> PotentialSource:
    """Whether potential value comes from the lifetime-value model (else the growth proxy) and why."""
    return potential_source(lifetime_fit(dataset), predictions(dataset), settings.lifetime_settings())


def potential_note(dataset: Dataset) -> str:
    """One translated sentence saying where the value model's potential value comes from now."""
    source = potential(dataset)
    if source.fitted:
        return t("clv.source.model", measure=t(f"clv.measure.{source.measure}"), months=source.settings.months,
                 rate=source.settings.annual_discount_rate, model=t(f"clv.purchase_model.{source.purchase_model}"))
    return t("clv.source.proxy", reason=t(f"clv.error.{source.reason}",
                                         **{k: fmt.count(v, lang()) for k, v in source.counts.items()}))


def holdout_check(dataset: Dataset, calibration_end: dt.date
                  ) -> tuple[lifetime_value.HoldoutCheck, beta_geo.PurchaseModelChoice]:
    """The purchase model chosen here, fitted up to ``calibration_end``, against what customers bought
    afterwards. Raises ``InsufficientDataError`` when the split leaves too little on either side."""
    return cache.holdout_check(dataset, calibration_end, settings.lifetime_settings().purchase_model)


def dimension_scores(dataset: Dataset) -> DimensionScores:
    """The dataset's dimension inputs under the lifetime-value settings and value per referral in use."""
    return cache.dimensions(dataset, settings.lifetime_settings(), settings.referral_value(dataset))


def effective_weights(scores: DimensionScores) -> dict[str, float]:
    """The active weights, or the balanced preset when they weigh no dimension these scores have."""
    return presets.effective_weights(settings.active_weights(), scores)


def weights_fall_back(dataset: Dataset) -> bool:
    """Whether the balanced preset stands in for active weights that weigh nothing the dataset has."""
    return not presets.weighs_any(settings.active_weights(), dimension_scores(dataset))


def score(scores: DimensionScores) -> value_model_module.ValueModel:
    """Value in money and tiers of ``scores`` under the active weights and tier settings."""
    method, shares = settings.tier_settings()
    return value_model_module.score_customers(scores, effective_weights(scores), method, shares)


def value_choice(dataset: Dataset) -> cache.ValueChoice:
    """The session's choices the dataset's value model follows (the cache key of what it derives)."""
    method, shares = settings.tier_settings()
    lifetime = settings.lifetime_settings()
    weights = effective_weights(dimension_scores(dataset))
    return cache.ValueChoice(lifetime, settings.referral_value(dataset), tuple(weights.items()), method,
                             tuple(shares.items()))


def value_model(dataset: Dataset) -> value_model_module.ValueModel:
    return cache.value_model(dataset, value_choice(dataset))


def value_table(dataset: Dataset) -> pd.DataFrame:
    """Per-customer identity, revenue and profit, value, value score, tier, ranks and dimension breakdown."""
    return cache.value_table(dataset, value_choice(dataset))


def pyramid(dataset: Dataset) -> pd.DataFrame:
    """Per tier of the whole dataset: customers, value, revenue and gross profit with their shares."""
    return cache.pyramid(dataset, value_choice(dataset))


def strategy_cards(dataset: Dataset, blend: float = 1.0, top_n: int = 5) -> list:
    """One strategy card per tier of the whole dataset (``strategy.strategy_cards``)."""
    return cache.strategy_cards(dataset, value_choice(dataset), blend, top_n)


def margin_bands(dataset: Dataset) -> tuple[float, float] | None:
    """The margins below which a group is low and above which high (``strategy.margin_thresholds``)."""
    return cache.margin_bands(dataset)


def matrix_placements(dataset: Dataset, by: str) -> pd.DataFrame:
    """The relationship matrix of the whole dataset by tier or customer type (``strategy.place_in_matrix``)."""
    return cache.matrix_placements(dataset, value_choice(dataset), by)


def rank_comparison(dataset: Dataset, top_share: float, bottom_share: float) -> pd.DataFrame:
    """Revenue rank against value rank of every customer (``value_model.rank_comparison``)."""
    return cache.rank_comparison(dataset, value_choice(dataset), top_share, bottom_share)


def tier_migration(dataset: Dataset, before: dt.date, after: dt.date, weights: dict[str, float]
                   ) -> tuple[migration.Migration, pd.DataFrame, pd.DataFrame]:
    """The tier migration between the cut-offs under ``weights`` (``cache.tier_migration``), valued like
    ``dimensions_at``; raises ``ValueError`` when ``weights`` weigh no dimension there."""
    method, shares = settings.tier_settings()
    choice = cache.ValueChoice(_lifetime_at(dataset, settings.lifetime_settings()),
                               dimension_scores(dataset).referral_value, tuple(weights.items()), method,
                               tuple(shares.items()))
    return cache.tier_migration(dataset, before, after, choice)


def tiers(dataset: Dataset) -> pd.Series:
    """Tier per customer (index customer_id, ordered categorical S/A/B/C) under the active model."""
    model = value_model(dataset)
    labels = pd.Categorical(model.tiering.labels, categories=value_model_module.TIERS, ordered=True)
    return pd.Series(labels, index=pd.Index(model.scores.customer_ids, name="customer_id"), name="tier")


def dimensions_at(dataset: Dataset, as_of: dt.date) -> DimensionScores:
    """Dimension inputs from the history up to ``as_of``, valued like today's: potential value from
    the purchase model in use today (chosen once per dataset) fitted up to that date, and today's
    value per referral."""
    lifetime = settings.lifetime_settings()
    return cache.dimensions_at(dataset, as_of, _lifetime_at(dataset, lifetime),
                               dimension_scores(dataset).referral_value)


def _lifetime_at(dataset: Dataset, lifetime: LifetimeSettings) -> LifetimeSettings:
    """``lifetime`` with the purchase model its fit on the whole history chose."""
    chosen = cache.lifetime_fit(dataset, lifetime.purchase_model).choice
    return lifetime if chosen is None else replace(lifetime, purchase_model=chosen.chosen)


def prefetch(dataset: Dataset) -> None:
    """What the Customer and Lifecycle pages' first visits compute beyond the Overview, under the
    session's settings: every customer's stage, and their values a year before the last order
    (the Customer page's "tier a year ago", the tier migration's first date). The server's warm-up
    calls it (scripts/serve.py), so no visitor waits for them."""
    try:
        stages(dataset)
        dimensions_at(dataset, migration.default_cutoffs(dataset.date_max)[0])
    except Exception:  # only a head start: the pages compute them again and say what stops them
        return


def default_cutoffs(dataset: Dataset) -> tuple[dt.date, dt.date]:
    """The tier migration's dates until chosen: a year before the last order (not before the first), the last."""
    before, after = migration.default_cutoffs(dataset.date_max)
    return max(before, dataset.date_min), after


def segmentation(dataset: Dataset, method: str, n_clusters: int | None = None) -> segments.Segmentation:
    """Customer segments (``n_clusters=None``: best silhouette). Raises ``SegmentationError``."""
    return cache.segmentation(dataset, settings.lifetime_settings(), method, n_clusters)


def segment_map(dataset: Dataset, method: str, n_clusters: int | None = None) -> segments.Projection:
    return cache.segment_map(dataset, settings.lifetime_settings(), method, n_clusters)


def stages(dataset: Dataset) -> pd.DataFrame:
    """Every customer's lifecycle inputs and stage under the stage settings in use."""
    thresholds, use_model = settings.stage_settings()
    return cache.stages(dataset, thresholds, use_model, settings.lifetime_settings().purchase_model)


def potential_by_customer(dataset: Dataset) -> pd.Series | None:
    """Potential value per customer (index customer_id) under the settings in use, or None."""
    return potential_values(predictions(dataset))
