"""Customer lifetime value: BG/NBD and MBG/NBD purchase models, Gamma-Gamma spend model, on scipy.

The dashboard's *potential value* (docs/VALUE_MODEL.md) is the value of a customer's future
purchases if the relationship goes on. It is estimated in three steps, one module each:

1. ``summary``: the transaction log condensed into frequency / recency / age / mean spend per
   customer (DuckDB SQL), and the calibration / holdout split.
2. ``beta_geo``: a purchase model says how many purchases each customer will still make and
   whether it is still active (BG/NBD or MBG/NBD, the likelier kept); ``gamma_gamma``: a spend
   model says how much each purchase will bring.
3. ``lifetime_value``: both combined into discounted revenue and gross profit over a horizon, per
   customer and per tier, and the holdout check of the purchase model.

``fitting`` holds what the models' fits share (input checks, the optimizer, ``FitSummary``,
``InsufficientDataError``). The names below are the package's public interface.
"""

from analytics.clv.beta_geo import (
    PURCHASE_MODEL_CHOICES,
    BetaGeoModel,
    ModifiedBetaGeoModel,
    PurchaseModelChoice,
    fit_bgnbd,
    fit_mbgnbd,
    fit_purchase_model,
)
from analytics.clv.fitting import MIN_REPEAT_CUSTOMERS, FitSummary, InsufficientDataError
from analytics.clv.gamma_gamma import GammaGammaModel, fit_gamma_gamma
from analytics.clv.lifetime_value import (
    DAYS_PER_MONTH,
    HoldoutCheck,
    customer_lifetime_value,
    holdout_check,
    value_by_tier,
)
from analytics.clv.summary import calibration_holdout_summary, rfm_summary

__all__ = [
    "DAYS_PER_MONTH",
    "MIN_REPEAT_CUSTOMERS",
    "PURCHASE_MODEL_CHOICES",
    "BetaGeoModel",
    "FitSummary",
    "GammaGammaModel",
    "HoldoutCheck",
    "InsufficientDataError",
    "ModifiedBetaGeoModel",
    "PurchaseModelChoice",
    "calibration_holdout_summary",
    "customer_lifetime_value",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_mbgnbd",
    "fit_purchase_model",
    "holdout_check",
    "rfm_summary",
    "value_by_tier",
]
