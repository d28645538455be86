"""Purchase models: BG/NBD and MBG/NBD, fitted by maximum likelihood on scipy.

A purchase model says how many purchases each customer will still make and whether the customer
is still active: ``fit_bgnbd`` (Fader, Hardie & Lee 2005, "Counting your customers the easy way"),
or ``fit_mbgnbd`` (Batislam, Denizel & Filiztekin 2007), which also lets a customer drop out right
after the first purchase; ``fit_purchase_model`` fits both and keeps the likelier.

Under BG/NBD a customer can only leave after a repeat purchase, so every one-time buyer has
P(alive) = 1 however long ago it bought; where most customers buy once, MBG/NBD usually fits better
and agrees with the lifecycle stages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import linalg, special

from analytics.clv.fitting import (
    MIN_REPEAT_CUSTOMERS,
    FitSummary,
    Histories,
    InsufficientDataError,
    check_positive_params,
    check_rfm,
    check_weights,
    minimize,
    pool,
)

_CONCENTRATED_START = 10.0  # ln(a + b) of fit_bgnbd's second start
# A mean drop-out probability this close to 1 says every repeat buyer leaves at once: the optimum
# of data where nobody buys a third time, and of no use for forecasts.
_DEGENERATE_MEAN_DROPOUT = 1 - 1e-6
# Expected purchases: Gauss quadrature over the drop-out probability replaces the hypergeometric
# closed form from a drop-out shape a of 20 up, and wherever that form overflows (see BetaGeoModel).
_QUADRATURE_MIN_A = 20.0
_QUADRATURE_NODES = 32
_QUADRATURE_CHUNK = 65_536  # customers per block: bounds the (customers x nodes) work arrays


def _prefix_sums(terms: np.ndarray) -> np.ndarray:
    """``out[u]`` is the sum of the first ``u`` terms (``out[0] = 0``)."""
    return np.concatenate([[0.0], np.cumsum(terms)])


def _purchase_negative_log_likelihood(params, data: Histories, dropout_at_first_purchase: bool):
    """Mean negative log-likelihood of BG/NBD (FHL 2005 eq. 6) or MBG/NBD, and its gradient.

    BG/NBD: ln L = A(x) - (r+x) ln(alpha+T) + log1p(exp(D)), where
      A(x) = ln G(r+x) - ln G(r) + r ln(alpha) + ln Beta(a, b+x) - ln Beta(a, b)
      D = ln a - ln(b+x-1) + (r+x) ln((alpha+T)/(alpha+t_x)), and exp(D) = 0 when x = 0.
    MBG/NBD (Batislam, Denizel & Filiztekin 2007) also lets a customer drop out right after the
    first purchase: one more chance to leave, so Beta(a, b+x+1) in A(x) and b+x in D, which then
    counts for x = 0 too (a one-time buyer may have left).

    ``params`` are (ln r, ln alpha, logit mu, ln kappa): the drop-out probability's Beta(a, b) is
    given by its mean mu = a/(a+b) and its concentration kappa = a+b. The data often say little
    about how much customers differ in drop-out probability, and then the likelihood keeps rising
    as the Beta collapses to one point (kappa -> infinity: everyone shares the probability mu) or
    splits into 0 and 1 (kappa -> 0). In (ln a, ln b) that limit lies along a diagonal at
    infinity the optimizer cannot reach; here it is ``ln kappa`` resting on a bound, which
    ``fitting.minimize`` accepts, and the Beta ratio is a sum of logs that stays exact there:
      ln Beta(a, b+u) - ln Beta(a, b) = sum_{j<u} ln((b+j)/(kappa+j)) = sum_{j<u} log1p(-a/(kappa+j)).
    """
    log_r, log_alpha, logit_mu, log_kappa = params
    r, alpha, kappa = np.exp(log_r), np.exp(log_alpha), np.exp(log_kappa)
    mu, one_minus_mu = special.expit(logit_mu), special.expit(-logit_mu)
    a, b = mu * kappa, one_minus_mu * kappa
    w, x = data.weights, data.x
    t_x, T = data.columns
    u, wu = data.counts, data.count_weights
    total = wu.sum()
    chances = int(dropout_at_first_purchase)  # drop-out chances beyond one per repeat purchase

    j = np.arange(u.max(initial=0) + chances)
    positions = u.astype(np.int64) + chances
    beta_ratio = _prefix_sums(np.log1p(-a / (kappa + j)))[positions]
    ll = (wu @ (special.gammaln(r + u) + beta_ratio)
          - total * (special.gammaln(r) - r * np.log(alpha)))
    grad_r = wu @ special.digamma(r + u) - total * (special.digamma(r) - np.log(alpha))
    grad_alpha = total * r / alpha
    # Slopes of the Beta ratio in logit mu and in ln kappa.
    grad_mu = -a * one_minus_mu * (wu @ _prefix_sums(1 / (b + j))[positions])
    grad_kappa = -a * (wu @ _prefix_sums(j / ((b + j) * (kappa + j)))[positions])

    log_age = np.log(alpha + T)
    ll -= w @ ((r + x) * log_age)
    grad_r -= w @ log_age
    grad_alpha -= w @ ((r + x) / (alpha + T))

    # Rows that can have left: all under MBG/NBD, repeat buyers under BG/NBD (rows are sorted by x).
    leavers = slice(0 if dropout_at_first_purchase else np.searchsorted(x, 0, side="right"), None)
    w, x, t_x, T, log_age = w[leavers], x[leavers], t_x[leavers], T[leavers], log_age[leavers]
    log_ratio = log_age - np.log(alpha + t_x)
    shifted = x + (chances - 1)  # x - 1 for BG/NBD, x for MBG/NBD
    b_before = b + shifted  # not (b + x) - 1, which loses a tiny b
    d = np.log(a) - np.log(b_before) + (r + x) * log_ratio
    ll += w @ np.logaddexp(0.0, d)
    w_share = w * special.expit(d)  # weight times d log1p(e^D) / dD
    grad_r += w_share @ log_ratio
    grad_alpha += w_share @ ((r + x) * (1 / (alpha + T) - 1 / (alpha + t_x)))
    grad_mu += w_share @ (one_minus_mu * (kappa + shifted) / b_before)
    grad_kappa += w_share @ (shifted / b_before)

    gradient = np.array([grad_r * r, grad_alpha * alpha, grad_mu, grad_kappa])
    return -ll / total, -gradient / total


@dataclass(frozen=True)
class BetaGeoModel:
    """Fitted BG/NBD: purchase rate ~ Gamma(r, alpha), drop-out probability ~ Beta(a, b).

    A customer may drop out after each repeat purchase, never right after the first one: every
    one-time buyer counts as certainly active (P(alive) = 1). Times are in the unit of the data it
    was fitted on (``rfm_summary``'s ``time_unit_days``).
    """

    r: float
    alpha: float
    a: float
    b: float
    fit: FitSummary | None  # None for a model built from known parameters

    name: ClassVar[str] = "bgnbd"
    # Chances to drop out besides one after each repeat purchase (MBG/NBD adds the first purchase).
    extra_dropout_chances: ClassVar[int] = 0

    def __post_init__(self):
        check_positive_params(r=self.r, alpha=self.alpha, a=self.a, b=self.b)

    def expected_purchases(self, t) -> np.ndarray:
        """Expected repeat purchases in ``(0, t]`` of a customer who has just made a first purchase."""
        t = np.asarray(t, dtype=float)
        zero = np.zeros_like(t)
        return self.conditional_expected_purchases(t, zero, zero, zero)

    def probability_alive(self, frequency, recency, T) -> np.ndarray:
        """Probability that each customer is still active at the end of the observed period."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        chances = x + self.extra_dropout_chances  # times the customer could have left
        could_leave = chances > 0
        b_before = np.where(could_leave, self.b + (chances - 1), 1.0)  # not (b + x) - 1, which loses a tiny b
        d = np.log(self.a / b_before) + (self.r + x) * np.log((self.alpha + T) / (self.alpha + t_x))
        return np.where(could_leave, special.expit(-d), 1.0)

    def conditional_expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """Expected purchases in the next ``t`` periods given each customer's history (FHL eq. 10).

        That is P(alive) times E[(1 - ((alpha+T) / (alpha+T+p t))^(r+x)) / p] over the drop-out
        probability p ~ Beta(a, b'+x) of a customer still active, where b' = b plus the extra
        drop-out chances (MBG/NBD: b + 1). The expectation is taken in closed form, through
        Euler's transformation of FHL's hypergeometric term,
        ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b'+x; a+b'+x-1; z)
            = (1-z)^(a-1) 2F1(a+b'-1-r, a-1; a+b'+x-1; z),   z = t / (alpha+T+t),
        whose parameters do not grow with x, so it stays finite for heavy buyers. It fails when
        a or b is large and z is near 1 (long horizons): (1-z)^(a-1) underflows, or scipy's 2F1
        gives up. There the drop-out probability is concentrated, well away from the integrand's
        singularity at p = -1/c, and a Gauss rule for Beta(a, b'+x) is exact to rounding; it is
        used from a = 20 up and wherever the closed form is not finite.
        """
        t, x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, frequency, recency, T)))
        alive_expectation = np.full(x.shape, np.nan)
        if self.a < _QUADRATURE_MIN_A:
            r, a, b = self.r, self.a, self.b + self.extra_dropout_chances
            z = t / (self.alpha + T + t)
            with np.errstate(all="ignore"):
                tail = (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
                alive_expectation = np.array((a + b + x - 1) / (a - 1) * (1 - tail))
        closed_form_failed = ~np.isfinite(alive_expectation)
        if closed_form_failed.any():
            alive_expectation[closed_form_failed] = self._alive_expectation_by_quadrature(
                t[closed_form_failed], x[closed_form_failed], T[closed_form_failed])
        return alive_expectation * self.probability_alive(x, t_x, T)

    def _alive_expectation_by_quadrature(self, t, x, T) -> np.ndarray:
        counts, count_row = np.unique(x.ravel(), return_inverse=True)
        nodes, weights = _beta_gauss_rules(self.a, self.b + self.extra_dropout_chances, tuple(counts))
        time_ratio = (t / (self.alpha + T)).ravel()
        exponent = (self.r + x).ravel()
        result = np.empty(x.size)
        for start in range(0, x.size, _QUADRATURE_CHUNK):
            block = slice(start, start + _QUADRATURE_CHUNK)
            p = nodes[count_row[block]]
            integrand = -np.expm1(-exponent[block, None] * np.log1p(p * time_ratio[block, None])) / p
            result[block] = (weights[count_row[block]] * integrand).sum(axis=1)
        return result.reshape(x.shape)


@dataclass(frozen=True)
class ModifiedBetaGeoModel(BetaGeoModel):
    """Fitted MBG/NBD (Batislam, Denizel & Filiztekin 2007): BG/NBD in which a customer may also
    drop out right after the first purchase, so a one-time buyer who has been quiet for long is
    probably gone (P(alive) < 1), as the lifecycle stages judge it too."""

    name: ClassVar[str] = "mbgnbd"
    extra_dropout_chances: ClassVar[int] = 1


@functools.lru_cache(maxsize=4)
def _beta_gauss_rules(a: float, b: float, counts: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Gauss nodes and weights of Beta(a, b + x) on [0, 1] for each purchase count x in ``counts``
    (Golub-Welsch on the Jacobi recurrence, written for [0, 1] so no weight overflows).

    Cached: a lifetime value asks for the same rules once per month of its horizon.
    """
    n = _QUADRATURE_NODES
    k = np.arange(1, n, dtype=float)
    nodes, weights = np.empty((len(counts), n)), np.empty((len(counts), n))
    for row, count in enumerate(counts):
        shape_b = b + count
        s = a + shape_b - 2
        m = 2 * k + s
        diagonal = np.concatenate([[a / (a + shape_b)], (2 * k * (k + 1) + s * (2 * k + a)) / (m * (m + 2))])
        off_diagonal = np.sqrt(k * (k + shape_b - 1) * (k + a - 1) * (k + s) / (m**2 * (m + 1) * (m - 1)))
        nodes[row], vectors = linalg.eigh_tridiagonal(diagonal, off_diagonal)
        weights[row] = vectors[0] ** 2
    nodes.flags.writeable = weights.flags.writeable = False
    return nodes, weights


def _predicts_finite(model: BetaGeoModel, data: Histories) -> bool:
    """A safety net: a fit whose predictions are not finite is of no use even if the optimizer
    stopped cleanly (the closed form's overflow is caught by the quadrature; this catches the rest)."""
    t_x, T = data.columns
    with np.errstate(all="ignore"):
        predicted = model.conditional_expected_purchases(max(T.max(), 1.0), data.x, t_x, T)
    return bool(np.isfinite(predicted).all())


def fit_bgnbd(frequency, recency, T, *, weights=None,
              min_repeat_customers: int = MIN_REPEAT_CUSTOMERS) -> BetaGeoModel:
    """Fit BG/NBD by maximum likelihood (identical histories are pooled with weights).

    Two starts, the better converged one kept: a = b = 1 (the usual start), and a concentrated
    drop-out distribution (a + b = e^10). When the data say little about how customers differ in
    drop-out, the likelihood is nearly flat in that direction, with its best value at one end or
    the other (see ``_purchase_negative_log_likelihood``); one start alone can stop at the worse end.

    Raises ``InsufficientDataError`` ("no_purchases", "too_few_repeat_customers", "fit_failed").
    """
    return _fit_beta_geometric(BetaGeoModel, frequency, recency, T, weights, min_repeat_customers)


def fit_mbgnbd(frequency, recency, T, *, weights=None,
               min_repeat_customers: int = MIN_REPEAT_CUSTOMERS) -> ModifiedBetaGeoModel:
    """Fit MBG/NBD by maximum likelihood, as ``fit_bgnbd`` (same starts, same errors)."""
    return _fit_beta_geometric(ModifiedBetaGeoModel, frequency, recency, T, weights, min_repeat_customers)


def _fit_beta_geometric(model_class: type[BetaGeoModel], frequency, recency, T, weights,
                        min_repeat_customers: int) -> BetaGeoModel:
    x, t_x, T = check_rfm(frequency, recency, T)
    weights = check_weights(weights, x)
    n_customers = int(weights.sum().round())
    n_repeat = int(weights[x > 0].sum().round())
    if n_customers == 0:
        raise InsufficientDataError("no_purchases")
    if n_repeat < min_repeat_customers:
        raise InsufficientDataError("too_few_repeat_customers", customers=n_customers,
                                    repeat_customers=n_repeat, required=min_repeat_customers)
    purchase_rate = (weights @ x) / max(weights @ T, 1e-9)
    log_alpha = np.log(1.0 / max(purchase_rate, 1e-6))
    data = pool(x, t_x, T, weights=weights)
    dropout_at_first_purchase = model_class.extra_dropout_chances > 0
    fits = [minimize(_purchase_negative_log_likelihood, np.array([0.0, log_alpha, 0.0, log_kappa]), data,
                     dropout_at_first_purchase)
            for log_kappa in (np.log(2.0), _CONCENTRATED_START)]
    converged = [result for result, ok in fits if ok]
    if not converged:
        raise InsufficientDataError("fit_failed", customers=n_customers, repeat_customers=n_repeat)
    result = min(converged, key=lambda result: result.fun)
    r, alpha, kappa = np.exp(result.x[[0, 1, 3]])
    mean_dropout = special.expit(result.x[2])
    a, b = mean_dropout * kappa, special.expit(-result.x[2]) * kappa
    if mean_dropout > _DEGENERATE_MEAN_DROPOUT or not _predicts_finite(model_class(r, alpha, a, b, fit=None), data):
        raise InsufficientDataError("fit_failed", customers=n_customers, repeat_customers=n_repeat)
    summary = FitSummary(
        model=model_class.name, params={"r": float(r), "alpha": float(alpha), "a": float(a), "b": float(b)},
        log_likelihood=float(-result.fun * data.weights.sum()), n_customers=n_customers,
        n_repeat_customers=n_repeat, converged=True, iterations=int(sum(fit.nit for fit, _ in fits)),
        message=str(result.message),
    )
    return model_class(float(r), float(alpha), float(a), float(b), summary)


PURCHASE_MODEL_CHOICES = ("auto", "bgnbd", "mbgnbd")
_PURCHASE_FITS = {"bgnbd": fit_bgnbd, "mbgnbd": fit_mbgnbd}


@dataclass(frozen=True)
class PurchaseModelChoice:
    """Which purchase model is used and why: ``requested`` is ``auto`` (the higher log-likelihood
    on the data fitted) or the model the user picked; ``log_likelihoods`` has every model fitted
    that fit (both with ``auto``, the picked one otherwise)."""

    requested: str
    chosen: str
    log_likelihoods: dict[str, float]


def fit_purchase_model(frequency, recency, T, requested: str = "auto", *, weights=None,
                       min_repeat_customers: int = MIN_REPEAT_CUSTOMERS) -> tuple[BetaGeoModel, PurchaseModelChoice]:
    """The requested purchase model, or with ``auto`` BG/NBD and MBG/NBD both fitted and the one
    with the higher log-likelihood kept (both have four parameters, so this is also the lower AIC
    or BIC).

    Raises the requested model's ``InsufficientDataError``; with ``auto``, BG/NBD's when neither fits.
    """
    if requested not in PURCHASE_MODEL_CHOICES:
        raise ValueError(f"unknown purchase model {requested!r}; expected one of {PURCHASE_MODEL_CHOICES}")
    fitted, errors = {}, {}
    candidates = _PURCHASE_FITS if requested == "auto" else {requested: _PURCHASE_FITS[requested]}
    for name, fit in candidates.items():
        try:
            fitted[name] = fit(frequency, recency, T, weights=weights, min_repeat_customers=min_repeat_customers)
        except InsufficientDataError as error:
            errors[name] = error
    if requested == "auto":
        if not fitted:
            raise errors["bgnbd"]
        chosen = max(fitted, key=lambda name: fitted[name].fit.log_likelihood)
    elif requested in errors:
        raise errors[requested]
    else:
        chosen = requested
    log_likelihoods = {name: model.fit.log_likelihood for name, model in fitted.items()}
    return fitted[chosen], PurchaseModelChoice(requested, chosen, log_likelihoods)

