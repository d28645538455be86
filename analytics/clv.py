"""Customer lifetime value: BG/NBD and MBG/NBD purchase models, Gamma-Gamma spend model, on scipy.

The dashboard's *potential value* (docs/VALUE_MODEL.md) is the value of a customer's future
purchases if the relationship goes on. It is estimated in three steps:

1. ``rfm_summary`` condenses the transaction log into frequency / recency / age / mean spend per
   customer (DuckDB SQL), following the conventions of Fader, Hardie and Lee and of ``lifetimes``.
2. A purchase model says how many purchases each customer will still make and whether the customer
   is still active: ``fit_bgnbd`` (Fader, Hardie & Lee 2005, "Counting your customers the easy
   way"), or ``fit_mbgnbd`` (Batislam, Denizel & Filiztekin 2007), which also lets a customer drop
   out right after the first purchase; ``fit_purchase_model`` fits both and keeps the likelier.
   ``fit_gamma_gamma`` (Fader, Hardie & Lee 2005, "RFM and CLV") models the spend per purchase.
3. ``customer_lifetime_value`` combines both into discounted revenue and gross profit over a
   horizon.

Under BG/NBD a customer can only leave after a repeat purchase, so every one-time buyer has
P(alive) = 1 however long ago it bought; where most customers buy once, MBG/NBD usually fits better
and agrees with the lifecycle stages.

``holdout_check`` compares the purchase model's predictions with what customers really did after a
split date, so users can judge whether to trust it.

Purchase occasions
    A purchase occasion is a customer-day whose net revenue (all lines of the day, returns
    included) is >= 0. Zero-value days count: CDNOW, the reference data set, has free first
    orders. Days whose net revenue is negative are returns of earlier purchases, not purchases:
    they are left out of frequency, recency, age and mean spend (their money still lowers the
    customer's margin). A customer with no purchase occasion before the calibration end is not in
    the summary.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
import pandas as pd
from scipy import linalg, optimize, special
from threadpoolctl import threadpool_limits

from analytics.value_model import TIERS

DAYS_PER_MONTH = 365.25 / 12
MIN_REPEAT_CUSTOMERS = 20
_LOG_PARAM_BOUND = 20.0  # parameters stay within exp(+-20), keeping the optimizer away from overflow
_CONCENTRATED_START = 10.0  # ln(a + b) of fit_bgnbd's second start
# A mean drop-out probability this close to 1 says every repeat buyer leaves at once: the optimum
# of data where nobody buys a third time, and of no use for forecasts.
_DEGENERATE_MEAN_DROPOUT = 1 - 1e-6
# Expected purchases: Gauss quadrature over the drop-out probability replaces the hypergeometric
# closed form from a drop-out shape a of 20 up, and wherever that form overflows (see BetaGeoModel).
_QUADRATURE_MIN_A = 20.0
_QUADRATURE_NODES = 32
_QUADRATURE_CHUNK = 65_536  # customers per block: bounds the (customers x nodes) work arrays


class InsufficientDataError(ValueError):
    """The data cannot support the model; ``reason`` is a code, ``counts`` fill the message.

    The page shows ``translate(f"clv.error.{reason}", lang, **counts)``.
    """

    REASONS = (
        "no_purchases",
        "too_few_repeat_customers",
        "no_holdout_period",
        "fit_failed",
        "spend_mean_undefined",
    )

    def __init__(self, reason: str, **counts):
        if reason not in self.REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        self.reason = reason
        self.counts = counts
        details = ", ".join(f"{key}={value}" for key, value in counts.items())
        super().__init__(f"{reason} ({details})" if details else reason)


# --------------------------------------------------------------------------- RFM summary (SQL)

_RFM_SQL = """
WITH calibration_days AS (
    SELECT customer_id, order_date, SUM(revenue) AS net_revenue
    FROM transactions
    WHERE dataset_id = $dataset_id AND order_date <= $calibration_end
    GROUP BY customer_id, order_date
),
purchases AS (
    SELECT customer_id, order_date, net_revenue,
           MIN(order_date) OVER (PARTITION BY customer_id) AS first_purchase
    FROM calibration_days
    WHERE net_revenue >= 0
),
rfm AS (
    SELECT customer_id,
           COUNT(*) - 1 AS frequency,
           date_diff('day', MIN(order_date), MAX(order_date)) AS recency_days,
           date_diff('day', MIN(order_date), $calibration_end) AS age_days,
           COALESCE(AVG(net_revenue) FILTER (WHERE order_date > first_purchase), 0) AS monetary_value
    FROM purchases
    GROUP BY customer_id
),
margins AS (
    SELECT customer_id,
           SUM(gross_profit) / NULLIF(SUM(revenue) FILTER (WHERE gross_profit IS NOT NULL), 0)
               AS profit_per_revenue,
           SUM(revenue) FILTER (WHERE gross_profit IS NOT NULL) AS costed_revenue
    FROM transactions
    WHERE dataset_id = $dataset_id AND order_date <= $calibration_end
    GROUP BY customer_id
),
holdout AS (
    SELECT customer_id, COUNT(*) AS frequency_holdout
    FROM (
        SELECT customer_id, order_date
        FROM transactions
        WHERE dataset_id = $dataset_id
          AND order_date > $calibration_end AND order_date <= $observation_end
        GROUP BY customer_id, order_date
        HAVING SUM(revenue) >= 0
    )
    GROUP BY customer_id
)
SELECT rfm.customer_id,
       rfm.frequency,
       rfm.recency_days / $time_unit_days AS recency,
       rfm.age_days / $time_unit_days AS "T",
       rfm.monetary_value,
       CASE WHEN margins.costed_revenue > 0 THEN margins.profit_per_revenue END AS margin,
       COALESCE(holdout.frequency_holdout, 0) AS frequency_holdout
FROM rfm
LEFT JOIN margins USING (customer_id)
LEFT JOIN holdout USING (customer_id)
ORDER BY rfm.customer_id
"""


def _as_date(value) -> dt.date:
    return pd.Timestamp(value).date()


def _dataset_last_order(cursor, dataset_id: int) -> dt.date | None:
    ((last,),) = cursor.execute(
        "SELECT MAX(order_date) FROM transactions WHERE dataset_id = ?", [dataset_id]
    ).fetchall()
    return last


def rfm_summary(
    cursor,
    dataset_id: int,
    calibration_end=None,
    observation_end=None,
    time_unit_days: float = 7,
) -> pd.DataFrame:
    """Per-customer frequency, recency, age ``T`` and mean repeat spend, as the models need them.

    Only purchases up to ``calibration_end`` (inclusive; default: the dataset's last order date)
    are used. ``recency`` and ``T`` are in units of ``time_unit_days`` (default weeks).
    ``frequency`` is the number of repeat purchase occasions (distinct purchase days minus one),
    ``monetary_value`` the mean net revenue of the repeat occasions (0 without repeats), ``margin``
    the customer's gross profit / revenue (NaN without cost data). See the module docstring for
    returns. When ``observation_end`` is given, two holdout columns are added:
    ``frequency_holdout`` (purchase occasions after ``calibration_end`` up to ``observation_end``)
    and ``duration_holdout`` (that period's length, same unit).

    Index: customer_id, sorted. Empty frame when the dataset has no purchase.
    """
    if time_unit_days <= 0:
        raise ValueError("time_unit_days must be positive")
    if calibration_end is None:  # a dataset without transactions gives an empty summary anyway
        calibration_end = _dataset_last_order(cursor, dataset_id) or dt.date.today()
    calibration_end = _as_date(calibration_end)
    holdout_end = calibration_end if observation_end is None else _as_date(observation_end)
    if holdout_end < calibration_end:
        raise ValueError("observation_end is before calibration_end")
    summary = (
        cursor.execute(
            _RFM_SQL,
            {
                "dataset_id": dataset_id,
                "calibration_end": calibration_end,
                "observation_end": holdout_end,
                "time_unit_days": float(time_unit_days),
            },
        )
        .df()
        .astype({"customer_id": str, "frequency": "int64", "frequency_holdout": "int64"})
        .set_index("customer_id")
    )
    if observation_end is None:
        return summary.drop(columns="frequency_holdout")
    summary["duration_holdout"] = (holdout_end - calibration_end).days / time_unit_days
    return summary


def calibration_holdout_summary(
    cursor,
    dataset_id: int,
    calibration_end,
    observation_end=None,
    time_unit_days: float = 7,
) -> pd.DataFrame:
    """``rfm_summary`` up to a user-picked split date, plus what each customer bought afterwards.

    ``observation_end`` defaults to the dataset's last order date. Customers whose first purchase
    comes after the split are not included (the model cannot predict them from their past).

    Raises ``InsufficientDataError("no_holdout_period")`` when nothing is left after the split,
    ``InsufficientDataError("no_purchases")`` when nothing comes before it.
    """
    calibration_end = _as_date(calibration_end)
    if observation_end is None:
        observation_end = _dataset_last_order(cursor, dataset_id)
    if observation_end is None or _as_date(observation_end) <= calibration_end:
        raise InsufficientDataError("no_holdout_period", calibration_end=str(calibration_end))
    summary = rfm_summary(cursor, dataset_id, calibration_end, observation_end, time_unit_days)
    if summary.empty:
        raise InsufficientDataError("no_purchases")
    return summary


# --------------------------------------------------------------------------- model fitting


@dataclass(frozen=True)
class FitSummary:
    """How a maximum-likelihood fit went, for display and for trusting the model.

    ``iterations`` counts every start of the optimizer; ``message`` is the kept start's.
    """

    model: str
    params: dict[str, float]
    log_likelihood: float
    n_customers: int
    n_repeat_customers: int
    converged: bool
    iterations: int
    message: str


def _check_rfm(frequency, recency, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    frequency = np.asarray(frequency, dtype=float)
    recency = np.asarray(recency, dtype=float)
    T = np.asarray(T, dtype=float)
    if not (frequency.shape == recency.shape == T.shape) or frequency.ndim != 1:
        raise ValueError("frequency, recency and T must be 1-D arrays of the same length")
    if not (np.isfinite(frequency).all() and np.isfinite(recency).all() and np.isfinite(T).all()):
        raise ValueError("frequency, recency and T must be finite")
    if (frequency < 0).any() or (frequency != np.round(frequency)).any():
        raise ValueError("frequency must hold non-negative integers")
    if (recency < 0).any() or (recency > T + 1e-9).any():
        raise ValueError("recency must lie between 0 and T")
    if (recency[frequency == 0] != 0).any():
        raise ValueError("recency must be 0 when frequency is 0")
    return frequency, recency, T


def _check_weights(weights, like: np.ndarray) -> np.ndarray:
    if weights is None:
        return np.ones_like(like)
    weights = np.asarray(weights, dtype=float)
    if weights.shape != like.shape or not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("weights must be finite, non-negative and one per customer")
    return weights


class _Histories(NamedTuple):
    """Pooled data for a likelihood: identical rows merged with weights and sorted by purchase
    count x; terms that depend on x only are evaluated once per distinct count (``counts``,
    ``count_weights``)."""

    weights: np.ndarray
    x: np.ndarray
    columns: tuple[np.ndarray, ...]
    counts: np.ndarray
    count_weights: np.ndarray


def _pool(x: np.ndarray, *columns: np.ndarray, weights: np.ndarray) -> _Histories:
    frame = pd.DataFrame({"x": x, **{f"c{i}": c for i, c in enumerate(columns)}, "w": weights})
    pooled = frame.groupby(list(frame.columns[:-1]), sort=True)["w"].sum().reset_index()
    per_count = pooled.groupby("x")["w"].sum()
    return _Histories(
        weights=pooled["w"].to_numpy(),
        x=pooled["x"].to_numpy(),
        columns=tuple(pooled[f"c{i}"].to_numpy() for i in range(len(columns))),
        counts=per_count.index.to_numpy(dtype=float),
        count_weights=per_count.to_numpy(),
    )


def _minimize(objective, start: np.ndarray, data: _Histories, *args):
    """L-BFGS-B with the analytic gradient on unbounded transforms of the parameters (logs, and
    one logit for BG/NBD), each kept within +-20; converged when the gradient is ~0, except along
    a coordinate resting on its bound and pushing outwards (a limit of the model, not a failure).

    BLAS runs on one thread: the likelihood's dot products are short, and threads competing with
    other work for the cores made fits twice as slow.
    """
    bounds = [(-_LOG_PARAM_BOUND, _LOG_PARAM_BOUND)] * len(start)
    with threadpool_limits(limits=1, user_api="blas"):
        result = optimize.minimize(objective, start, args=(data, *args), jac=True, method="L-BFGS-B",
                                   bounds=bounds, options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10})
    # A parameter resting on its bound with the slope pointing outwards is a limit, not a failure.
    pushing_out = (((result.x <= -_LOG_PARAM_BOUND) & (result.jac > 0))
                   | ((result.x >= _LOG_PARAM_BOUND) & (result.jac < 0)))
    converged = bool(np.isfinite(result.fun) and np.max(np.abs(result.jac[~pushing_out]), initial=0) < 1e-5)
    return result, converged


def _prefix_sums(terms: np.ndarray) -> np.ndarray:
    """``out[u]`` is the sum of the first ``u`` terms (``out[0] = 0``)."""
    return np.concatenate([[0.0], np.cumsum(terms)])


def _purchase_negative_log_likelihood(params, data: _Histories, dropout_at_first_purchase: bool):
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
    ``_minimize`` accepts, and the Beta ratio is a sum of logs that stays exact there:
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


def _gamma_gamma_negative_log_likelihood(log_params, data: _Histories):
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
    fit: FitSummary

    name: ClassVar[str] = "bgnbd"
    # Chances to drop out besides one after each repeat purchase (MBG/NBD adds the first purchase).
    extra_dropout_chances: ClassVar[int] = 0

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


@dataclass(frozen=True)
class GammaGammaModel:
    """Fitted Gamma-Gamma: spend per purchase ~ Gamma(p, nu), nu ~ Gamma(q, v) across customers."""

    p: float
    q: float
    v: float
    fit: FitSummary

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


def _predicts_finite(model: BetaGeoModel, data: _Histories) -> bool:
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
    x, t_x, T = _check_rfm(frequency, recency, T)
    weights = _check_weights(weights, x)
    n_customers = int(weights.sum().round())
    n_repeat = int(weights[x > 0].sum().round())
    if n_customers == 0:
        raise InsufficientDataError("no_purchases")
    if n_repeat < min_repeat_customers:
        raise InsufficientDataError("too_few_repeat_customers", customers=n_customers,
                                    repeat_customers=n_repeat, required=min_repeat_customers)
    purchase_rate = (weights @ x) / max(weights @ T, 1e-9)
    log_alpha = np.log(1.0 / max(purchase_rate, 1e-6))
    data = _pool(x, t_x, T, weights=weights)
    dropout_at_first_purchase = model_class.extra_dropout_chances > 0
    fits = [_minimize(_purchase_negative_log_likelihood, np.array([0.0, log_alpha, 0.0, log_kappa]), data,
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
    weights = _check_weights(weights, x)
    usable = (x > 0) & np.isfinite(m) & (m > 0)
    n_customers = int(weights.sum().round())
    n_repeat = int(weights[usable].sum().round())
    if n_repeat < min_repeat_customers:
        raise InsufficientDataError("too_few_repeat_customers", customers=n_customers,
                                    repeat_customers=n_repeat, required=min_repeat_customers)
    x, m, weights = x[usable], m[usable], weights[usable]
    start = np.log([1.0, 2.0, float(np.average(m, weights=weights))])
    data = _pool(x, np.log(m), x * m, weights=weights)
    result, converged = _minimize(_gamma_gamma_negative_log_likelihood, start, data)
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


# --------------------------------------------------------------------------- value and checks


def _distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of the columns, and for each row the position of its distinct row."""
    stacked = np.column_stack(columns)
    inverse = pd.DataFrame(stacked).groupby(list(range(len(columns))), sort=False).ngroup().to_numpy()
    representative = np.zeros(inverse.max(initial=-1) + 1, dtype=int)
    representative[inverse] = np.arange(len(inverse))  # any row of a group will do: they are equal
    return stacked[representative], inverse


def customer_lifetime_value(
    summary: pd.DataFrame,
    purchases: BetaGeoModel,
    spend: GammaGammaModel,
    *,
    months: int = 12,
    annual_discount_rate: float = 0.10,
    time_unit_days: float = 7,
) -> pd.DataFrame:
    """Discounted expected revenue and gross profit of each customer over the next ``months``.

    Discrete monthly steps, as ``lifetimes``' ``customer_lifetime_value``: the purchases expected in
    month k times the expected spend, discounted by (1 + monthly rate)^k, where the monthly rate
    is (1 + annual_discount_rate)^(1/12) - 1 and a month is 365.25/12 days.
    ``expected_gross_profit`` is that value times the customer's margin (NaN without cost data).

    ``summary`` is an ``rfm_summary`` frame measured in ``time_unit_days``. Returns a frame with
    the same index: probability_alive, expected_purchases (over the horizon), expected_spend (per
    purchase), clv, expected_gross_profit.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    if annual_discount_rate <= -1:
        raise ValueError("annual_discount_rate must be above -100%")
    x, t_x, T = _check_rfm(summary["frequency"], summary["recency"], summary["T"])
    expected_spend = spend.expected_average_spend(x, summary["monetary_value"])
    monthly_rate = (1 + annual_discount_rate) ** (1 / 12) - 1
    periods_per_month = DAYS_PER_MONTH / time_unit_days
    # Purchases depend on (x, t_x, T) only: compute them once per distinct history.
    histories, inverse = _distinct_rows(x, t_x, T)
    discounted_purchases = np.zeros(len(histories))
    previous = np.zeros(len(histories))
    for month in range(1, months + 1):
        cumulative = purchases.conditional_expected_purchases(month * periods_per_month, *histories.T)
        discounted_purchases += (cumulative - previous) / (1 + monthly_rate) ** month
        previous = cumulative
    value = expected_spend * discounted_purchases[inverse]
    margin = summary["margin"].to_numpy(dtype=float) if "margin" in summary else np.full_like(x, np.nan)
    return pd.DataFrame(
        {
            "probability_alive": purchases.probability_alive(x, t_x, T),
            "expected_purchases": previous[inverse],
            "expected_spend": expected_spend,
            "clv": value,
            "expected_gross_profit": value * margin,
        },
        index=summary.index,
    )


def value_by_tier(predictions: pd.DataFrame, tiers: pd.Series) -> pd.DataFrame:
    """Lifetime value per tier, every tier S/A/B/C listed even when empty.

    ``predictions`` comes from ``customer_lifetime_value``, ``tiers`` holds one tier per customer
    (both indexed by customer_id; customers missing from either are left out). Columns: customers,
    clv_total, clv_mean, profit_total (0 without cost data), alive_mean, clv_share (of the total
    over all tiers; NaN when that total is not positive).
    """
    joined = predictions.join(tiers.rename("tier"), how="inner")
    table = joined.groupby("tier", observed=False).agg(
        customers=("clv", "size"), clv_total=("clv", "sum"), clv_mean=("clv", "mean"),
        profit_total=("expected_gross_profit", "sum"), alive_mean=("probability_alive", "mean"),
    ).reindex(list(TIERS))
    table["customers"] = table["customers"].fillna(0).astype(int)
    table[["clv_total", "profit_total"]] = table[["clv_total", "profit_total"]].fillna(0.0)
    total = table["clv_total"].sum()
    table["clv_share"] = table["clv_total"] / total if total > 0 else np.nan
    return table


@dataclass(frozen=True)
class HoldoutCheck:
    """Predicted vs actual holdout purchases, overall and by number of calibration purchases.

    ``by_calibration_purchases`` is indexed 0..``max_bin`` (the last bin holds ``max_bin`` or more
    repeat purchases) with columns customers, actual, predicted (means per customer) and
    difference (predicted - actual).
    """

    by_calibration_purchases: pd.DataFrame
    max_bin: int
    mean_absolute_error: float
    actual_total: float
    predicted_total: float


def holdout_check(purchases: BetaGeoModel, summary: pd.DataFrame, max_bin: int = 7) -> HoldoutCheck:
    """Compare a model fitted on the calibration period with what customers bought in the holdout.

    ``summary`` comes from ``calibration_holdout_summary`` (frequency_holdout, duration_holdout).
    """
    if max_bin < 1:
        raise ValueError("max_bin must be at least 1")
    x, t_x, T = _check_rfm(summary["frequency"], summary["recency"], summary["T"])
    actual = summary["frequency_holdout"].to_numpy(dtype=float)
    predicted = purchases.conditional_expected_purchases(summary["duration_holdout"], x, t_x, T)
    per_customer = pd.DataFrame({
        "calibration_purchases": np.minimum(x, max_bin).astype(int),
        "actual": actual,
        "predicted": predicted,
    })
    table = per_customer.groupby("calibration_purchases").agg(
        customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
    table = table.reindex(range(max_bin + 1))
    table["customers"] = table["customers"].fillna(0).astype(int)
    table["difference"] = table["predicted"] - table["actual"]
    return HoldoutCheck(
        by_calibration_purchases=table,
        max_bin=max_bin,
        mean_absolute_error=float(np.mean(np.abs(predicted - actual))),
        actual_total=float(actual.sum()),
        predicted_total=float(predicted.sum()),
    )


# --------------------------------------------------------------------------- simulation


def simulate_bgnbd(r: float, alpha: float, a: float, b: float, T, *, holdout: float = 0.0,
                   dropout_at_first_purchase: bool = False, random_state=None) -> pd.DataFrame:
    """Purchase histories drawn from a BG/NBD population (MBG/NBD with
    ``dropout_at_first_purchase``), for checks and benchmarks.

    Each customer made a first purchase ``T`` periods ago; the frame holds frequency, recency, T
    and frequency_holdout (repeat purchases in the ``holdout`` periods after T).
    """
    rng = np.random.default_rng(random_state)
    T = np.asarray(T, dtype=float)
    n = len(T)
    rate = rng.gamma(r, 1 / alpha, n)
    dropout = rng.beta(a, b, n)
    horizon = T + holdout
    # Purchases of a never-dying customer on (0, horizon] are Poisson; death comes right after
    # the k-th repeat purchase, k ~ Geometric(dropout): keep the first k purchase times (MBG/NBD:
    # the first purchase is one more chance to leave, so k - 1).
    counts = np.minimum(rng.poisson(rate * horizon), 10_000)  # bounds memory; bites only on absurd rates
    lives = rng.geometric(np.clip(dropout, 1e-12, 1)) - int(dropout_at_first_purchase)
    owner = np.repeat(np.arange(n), counts)
    times = rng.uniform(0, 1, counts.sum()) * horizon[owner]
    order = np.lexsort((times, owner))
    owner, times = owner[order], times[order]
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    kept = rank < lives[owner]
    owner, times = owner[kept], times[kept]
    in_calibration = times <= T[owner]
    frequency = np.bincount(owner[in_calibration], minlength=n)
    recency = np.zeros(n)
    np.maximum.at(recency, owner[in_calibration], times[in_calibration])
    return pd.DataFrame({
        "frequency": frequency,
        "recency": recency,
        "T": T,
        "frequency_holdout": np.bincount(owner[~in_calibration], minlength=n),
    })
