"""Potential value (潜在价值): the one rule that every page, filter and past cut-off follows.

A customer's potential value is what the lifetime-value model expects it to bring over the chosen
horizon, discounted: expected gross profit, or expected revenue when the dataset has no cost data
(high sales at a thin margin are not value). The purchase model (BG/NBD or MBG/NBD, see
``analytics.clv``) and the spend model are fitted once on the history up to a date: the dataset's
last order for today's pages, a cut-off for the tier migration. When they cannot be fitted, the
value model falls back to its growth proxy, and ``LifetimeFit.reason`` says why.

Customers the models have no purchase for (returns only) get no potential value here (NaN); the
value model decides what a missing figure counts as.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from analytics.clv.beta_geo import PURCHASE_MODEL_CHOICES, BetaGeoModel, PurchaseModelChoice, fit_purchase_model
from analytics.clv.fitting import InsufficientDataError
from analytics.clv.gamma_gamma import GammaGammaModel, fit_gamma_gamma
from analytics.clv.lifetime_value import HoldoutCheck, customer_lifetime_value, holdout_check
from analytics.clv.summary import calibration_holdout_summary, rfm_summary
from analytics.features import customer_features
from analytics.lifecycle import probability_alive
from analytics.store import Store

POTENTIAL_COLUMN = "potential_value"
SPLIT_SHARE = 2 / 3  # the holdout check's default split: two thirds of the history to fit, the rest to check


@dataclass(frozen=True)
class LifetimeSettings:
    """The horizon, discount rate and purchase model (``PURCHASE_MODEL_CHOICES``) in use."""

    months: int = 12
    annual_discount_rate: float = 0.10
    purchase_model: str = "auto"

    def __post_init__(self):
        if self.months < 1 or self.annual_discount_rate <= -1:
            raise ValueError("the horizon needs at least one month and the discount rate must be above -100%")
        if self.purchase_model not in PURCHASE_MODEL_CHOICES:
            raise ValueError(f"unknown purchase model {self.purchase_model!r}")


@dataclass(frozen=True, eq=False)
class LifetimeFit:
    """The models fitted on a history, or why they could not be (shared, read-only).

    ``reason`` and ``counts`` fill ``clv.error.<reason>``. The purchase model can exist without the
    spend model (``spend_mean_undefined``): purchases can then be forecast, values cannot.
    """

    summary: pd.DataFrame
    purchases: BetaGeoModel | None
    choice: PurchaseModelChoice | None
    spend: GammaGammaModel | None
    reason: str | None = None
    counts: Mapping[str, object] = field(default_factory=dict)

    @property
    def fitted(self) -> bool:
        return self.spend is not None


def fit_lifetime(summary: pd.DataFrame, purchase_model: str = "auto") -> LifetimeFit:
    """Purchase and spend models on an ``rfm_summary`` frame."""
    purchases = choice = None
    try:
        purchases, choice = fit_purchase_model(summary["frequency"], summary["recency"], summary["T"], purchase_model)
        spend = fit_gamma_gamma(summary["frequency"], summary["monetary_value"])
    except InsufficientDataError as error:
        return LifetimeFit(summary, purchases, choice, None, error.reason, dict(error.counts))
    return LifetimeFit(summary, purchases, choice, spend)


def lifetime_values(fit: LifetimeFit, settings: LifetimeSettings) -> pd.DataFrame | None:
    """``customer_lifetime_value`` over the settings' horizon; None when the models did not fit."""
    if not fit.fitted:
        return None
    return customer_lifetime_value(fit.summary, fit.purchases, fit.spend, months=settings.months,
                                   annual_discount_rate=settings.annual_discount_rate)


def potential_measure(predictions: pd.DataFrame) -> str:
    """The prediction that is a customer's potential value: ``expected_gross_profit`` when the
    dataset has cost data, else ``clv`` (discounted expected revenue)."""
    return "expected_gross_profit" if predictions["expected_gross_profit"].notna().any() else "clv"


def potential_values(predictions: pd.DataFrame | None) -> pd.Series | None:
    """Potential value per customer (index customer_id), or None without predictions."""
    return None if predictions is None else predictions[potential_measure(predictions)]


def with_potential(features: pd.DataFrame, potential: pd.Series | None) -> pd.DataFrame:
    """The features plus the ``potential_value`` column the value model scores, when there is one."""
    if potential is None:
        return features
    return features.assign(**{POTENTIAL_COLUMN: features["customer_id"].map(potential)})


@dataclass(frozen=True)
class PotentialSource:
    """Where the value model's potential dimension comes from under some settings: the lifetime-value
    model (``fitted``; ``measure`` is the prediction used, ``purchase_model`` the model chosen) or,
    when it could not be fitted, the growth proxy (``reason`` and ``counts`` fill
    ``clv.error.<reason>``)."""

    fitted: bool
    reason: str | None
    counts: Mapping[str, object]
    measure: str | None
    purchase_model: str | None
    settings: LifetimeSettings


def potential_source(fit: LifetimeFit, predictions: pd.DataFrame | None, settings: LifetimeSettings) -> PotentialSource:
    measure = None if predictions is None else potential_measure(predictions)
    chosen = None if fit.choice is None else fit.choice.chosen
    return PotentialSource(fit.fitted, fit.reason, dict(fit.counts), measure, chosen, settings)


def potential_at(store: Store, dataset_id: int, as_of: date, settings: LifetimeSettings) -> pd.Series | None:
    """Potential value per customer from models fitted on the history up to ``as_of``."""
    fit = fit_lifetime(rfm_summary(store, dataset_id, as_of), settings.purchase_model)
    return potential_values(lifetime_values(fit, settings))


def scoring_features_at(store: Store, dataset_id: int, as_of: date,
                        settings: LifetimeSettings | None = None) -> pd.DataFrame:
    """``customer_features`` as of ``as_of``, with potential value from models fitted up to that
    date when ``settings`` are given (and the models fit)."""
    features = customer_features(store, dataset_id, as_of=as_of)
    potential = None if settings is None else potential_at(store, dataset_id, as_of, settings)
    return with_potential(features, potential)


def p_alive(fit: LifetimeFit) -> pd.Series | None:
    """The fitted purchase model's probability that each customer is still active (the lifecycle
    stages' ``p_alive``), or None without a purchase model."""
    return None if fit.purchases is None else probability_alive(fit.summary, fit.purchases)


def default_calibration_end(first: date, last: date) -> date:
    """Where the holdout check splits the history by default (``SPLIT_SHARE`` of it to fit)."""
    return first + (last - first) * SPLIT_SHARE


def holdout(store: Store, dataset_id: int, calibration_end: date, purchase_model: str
            ) -> tuple[HoldoutCheck, PurchaseModelChoice]:
    """The purchase model fitted up to ``calibration_end`` against what customers bought afterwards.
    Raises ``InsufficientDataError`` when the split leaves too little on either side."""
    split = calibration_holdout_summary(store, dataset_id, calibration_end)
    purchases, choice = fit_purchase_model(split["frequency"], split["recency"], split["T"], purchase_model)
    return holdout_check(purchases, split), choice
