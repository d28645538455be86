"""Spend model: Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"), fitted by maximum likelihood.

Each customer's spend per purchase varies around its own mean, and those means vary across
customers; a customer's expected spend is its observed mean shrunk towards the population's, the
less the fewer purchases it has. The model assumes spend does not depend on purchase frequency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from analytics.clv.fitting import (
    MIN_REPEAT_CUSTOMERS,
    FitSummary,
    Histories,
    InsufficientDataError,
    check_positive_params,
    check_weights,
    minimize,
    pool,
)


def _gamma_gamma_negative_log_likelihood(log_params, data: Histories):
    """Mean negative log-likelihood of the Gamma-Gamma spend model (FHL 2005, RFM and CLV, eq. 3).

    ln L = ln G(px+q) - ln G(px) - ln G(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(v+xm)
    """
    p, q, v = np.exp(log_params)
    w, x = data.weights, data.x
    log_m, total_spend = data.columns
    u, wu = data.counts, data.count_weights
    total = wu.sum()

    pu = p * u
    digamma_puq = special.digamma(pu + q)
    ll = (wu @ (special.gammaln(pu + q) - special.gammaln(pu) + pu * np.log(u))
          - total * (special.gammaln(q) - q * np.log(v)))
    grad_p = wu @ (u * (digamma_puq - special.digamma(pu) + np.log(u)))
    grad_q = wu @ digamma_puq - total * (special.digamma(q) - np.log(v))
    grad_v = total * q / v

    log_total = np.log(v + total_spend)
    ll += w @ ((p * x - 1) * log_m - (p * x + q) * log_total)
    grad_p += w @ (x * (log_m - log_total))
    grad_q -= w @ log_total
    grad_v -= w @ ((p * x + q) / (v + total_spend))

    gradient = np.array([grad_p * p, grad_q * q, grad_v * v])
    return -ll / total, -gradient / total


@dataclass(frozen=True)
class GammaGammaModel:
    """Fitted Gamma-Gamma: spend per purchase ~ Gamma(p, nu), nu ~ Gamma(q, v) across customers."""

    p: float
    q: float
    v: float
    fit: FitSummary | None  # None for a model built from known parameters

    def __post_init__(self):
        check_positive_params(p=self.p, q=self.q, v=self.v)

    @property
    def population_mean_spend(self) -> float:
        """Expected spend per purchase of a customer we know nothing about."""
        return self.p * self.v / (self.q - 1)

    def expected_average_spend(self, frequency, monetary_value) -> np.ndarray:
        """Expected spend per purchase: the customer's mean shrunk towards the population's (eq. 5).

        Customers without a usable repeat spend (frequency 0 or mean spend <= 0) get the
        population mean.
        """
        x = np.asarray(frequency, dtype=float)
        m = np.asarray(monetary_value, dtype=float)
        known = (x > 0) & (m > 0)
        x_known = np.where(known, x, 1.0)
        conditional = self.p * (self.v + x_known * np.where(known, m, 0.0)) / (self.p * x_known + self.q - 1)
        return np.where(known, conditional, self.population_mean_spend)


def fit_gamma_gamma(frequency, monetary_value, *, weights=None,
                    min_repeat_customers: int = MIN_REPEAT_CUSTOMERS) -> GammaGammaModel:
    """Fit the Gamma-Gamma spend model on repeat customers with a positive mean repeat spend.

    The model assumes spend does not depend on purchase frequency; it needs a finite population
    mean spend (q > 1) to value one-time buyers. Raises ``InsufficientDataError``
    ("too_few_repeat_customers", "fit_failed", "spend_mean_undefined").
    """
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    if x.shape != m.shape or x.ndim != 1:
        raise ValueError("frequency and monetary_value must be 1-D arrays of the same length")
    weights = check_weights(weights, x)
    usable = (x > 0) & np.isfinite(m) & (m > 0)
    n_customers = int(weights.sum().round())
    n_repeat = int(weights[usable].sum().round())
    if n_repeat < min_repeat_customers:
        raise InsufficientDataError("too_few_repeat_customers", customers=n_customers,
                                    repeat_customers=n_repeat, required=min_repeat_customers)
    x, m, weights = x[usable], m[usable], weights[usable]
    start = np.log([1.0, 2.0, float(np.average(m, weights=weights))])
    data = pool(x, np.log(m), x * m, weights=weights)
    result, converged = minimize(_gamma_gamma_negative_log_likelihood, start, data)
    if not converged:
        raise InsufficientDataError("fit_failed", customers=n_customers, repeat_customers=n_repeat)
    p, q, v = np.exp(result.x)
    if q <= 1:
        raise InsufficientDataError("spend_mean_undefined", repeat_customers=n_repeat)
    summary = FitSummary(
        model="gamma_gamma", params={"p": float(p), "q": float(q), "v": float(v)},
        log_likelihood=float(-result.fun * data.weights.sum()), n_customers=n_repeat,
        n_repeat_customers=n_repeat, converged=converged, iterations=int(result.nit),
        message=str(result.message),
    )
    return GammaGammaModel(float(p), float(q), float(v), summary)

