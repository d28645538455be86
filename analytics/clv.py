"""Customer lifetime value: BG/NBD purchase model and Gamma-Gamma spend model, on scipy.

The dashboard's *potential value* (DOMAIN.md) is the value of a customer's future purchases if the
relationship goes on. It is estimated in three steps:

1. ``rfm_summary`` condenses the transaction log into frequency / recency / age / mean spend per
   customer (DuckDB SQL), following the conventions of Fader, Hardie and Lee and of ``lifetimes``.
2. ``fit_bgnbd`` (Fader, Hardie & Lee 2005, "Counting your customers the easy way") models how many
   purchases each customer will still make and whether the customer is still active;
   ``fit_gamma_gamma`` (Fader, Hardie & Lee 2005, "RFM and CLV") models the spend per purchase.
3. ``customer_lifetime_value`` combines both into discounted revenue and gross profit over a
   horizon.

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
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import optimize, special
from threadpoolctl import threadpool_limits

DAYS_PER_MONTH = 365.25 / 12
MIN_REPEAT_CUSTOMERS = 20
_LOG_PARAM_BOUND = 20.0  # parameters stay within exp(+-20), keeping the optimizer away from overflow


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
    (last,) = cursor.execute(
        "SELECT MAX(order_date) FROM transactions WHERE dataset_id = ?", [dataset_id]
    ).fetchone()
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
    """How a maximum-likelihood fit went, for display and for trusting the model."""

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


def _minimize(objective, start: np.ndarray, data: _Histories):
    """L-BFGS-B on log-parameters with the analytic gradient; converged when the gradient is ~0.

    BLAS runs on one thread: the likelihood's dot products are short, and threads competing with
    other work for the cores made fits twice as slow.
    """
    bounds = [(-_LOG_PARAM_BOUND, _LOG_PARAM_BOUND)] * len(start)
    with threadpool_limits(limits=1, user_api="blas"):
        result = optimize.minimize(objective, start, args=(data,), jac=True, method="L-BFGS-B",
                                   bounds=bounds, options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10})
    # A parameter resting on its bound with the slope pointing outwards is a limit, not a failure.
    pushing_out = (((result.x <= -_LOG_PARAM_BOUND) & (result.jac > 0))
                   | ((result.x >= _LOG_PARAM_BOUND) & (result.jac < 0)))
    converged = bool(np.isfinite(result.fun) and np.max(np.abs(result.jac[~pushing_out]), initial=0) < 1e-5)
    return result, converged


def _bgnbd_negative_log_likelihood(log_params, data: _Histories):
    """Mean negative log-likelihood of BG/NBD (FHL 2005 eq. 6) and its gradient in log-params.

    ln L = A(x) - (r+x) ln(alpha+T) + log1p(exp(D)), where
      A(x) = ln G(r+x) - ln G(r) + r ln(alpha) + ln Beta(a, b+x) - ln Beta(a, b)
      D = ln a - ln(b+x-1) + (r+x) ln((alpha+T)/(alpha+t_x)), and exp(D) = 0 when x = 0.
    """
    r, alpha, a, b = np.exp(log_params)
    w, x = data.weights, data.x
    t_x, T = data.columns
    u, wu = data.counts, data.count_weights
    total = wu.sum()

    digamma_ab, digamma_abu = special.digamma(a + b), special.digamma(a + b + u)
    ll = (wu @ (special.gammaln(r + u) + special.betaln(a, b + u))
          - total * (special.gammaln(r) + special.betaln(a, b) - r * np.log(alpha)))
    grad_r = wu @ special.digamma(r + u) - total * (special.digamma(r) - np.log(alpha))
    grad_alpha = total * r / alpha
    grad_a = wu @ (digamma_ab - digamma_abu)
    grad_b = wu @ (special.digamma(b + u) - special.digamma(b) + digamma_ab - digamma_abu)

    log_age = np.log(alpha + T)
    ll -= w @ ((r + x) * log_age)
    grad_r -= w @ log_age
    grad_alpha -= w @ ((r + x) / (alpha + T))

    repeat = slice(np.searchsorted(x, 0, side="right"), None)  # rows are sorted by x
    w, x, t_x, T, log_age = w[repeat], x[repeat], t_x[repeat], T[repeat], log_age[repeat]
    log_ratio = log_age - np.log(alpha + t_x)
    d = np.log(a) - np.log(b + x - 1) + (r + x) * log_ratio
    ll += w @ np.logaddexp(0.0, d)
    w_share = w * special.expit(d)  # weight times d log1p(e^D) / dD
    grad_r += w_share @ log_ratio
    grad_alpha += w_share @ ((r + x) * (1 / (alpha + T) - 1 / (alpha + t_x)))
    grad_a += w_share.sum() / a
    grad_b -= w_share @ (1 / (b + x - 1))

    gradient = np.array([grad_r * r, grad_alpha * alpha, grad_a * a, grad_b * b])
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

    Times are in the unit of the data it was fitted on (``rfm_summary``'s ``time_unit_days``).
    """

    r: float
    alpha: float
    a: float
    b: float
    fit: FitSummary

    def expected_purchases(self, t) -> np.ndarray:
        """Expected repeat purchases in ``(0, t]`` of a customer who has just made a first purchase."""
        t = np.asarray(t, dtype=float)
        zero = np.zeros_like(t)
        return self.conditional_expected_purchases(t, zero, zero, zero)

    def probability_alive(self, frequency, recency, T) -> np.ndarray:
        """Probability that each customer is still active at the end of the observed period."""
        x, t_x, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        repeat = x > 0
        b_prev = np.where(repeat, self.b + x - 1, 1.0)
        d = np.log(self.a / b_prev) + (self.r + x) * np.log((self.alpha + T) / (self.alpha + t_x))
        return np.where(repeat, special.expit(-d), 1.0)

    def conditional_expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """Expected purchases in the next ``t`` periods given each customer's history (FHL eq. 10).

        The Gauss hypergeometric term is taken through Euler's transformation,
        ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)
            = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),   z = t / (alpha+T+t),
        whose parameters do not grow with x: it stays finite for heavy buyers and long horizons.
        """
        t, x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, frequency, recency, T)))
        r, a, b = self.r, self.a, self.b
        z = t / (self.alpha + T + t)
        tail = (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        alive_expectation = (a + b + x - 1) / (a - 1) * (1 - tail)
        return alive_expectation * self.probability_alive(x, t_x, T)


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
    """Degenerate optima (e.g. everyone dropping out at once) give parameters whose predictions
    overflow; such a fit is of no use even if the optimizer stopped cleanly."""
    t_x, T = data.columns
    with np.errstate(all="ignore"):
        predicted = model.conditional_expected_purchases(max(T.max(), 1.0), data.x, t_x, T)
    return bool(np.isfinite(predicted).all())


def fit_bgnbd(frequency, recency, T, *, weights=None,
              min_repeat_customers: int = MIN_REPEAT_CUSTOMERS) -> BetaGeoModel:
    """Fit BG/NBD by maximum likelihood (identical histories are pooled with weights).

    Raises ``InsufficientDataError`` ("no_purchases", "too_few_repeat_customers", "fit_failed").
    """
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
    start = np.log([1.0, 1.0 / max(purchase_rate, 1e-6), 1.0, 1.0])
    data = _pool(x, t_x, T, weights=weights)
    result, converged = _minimize(_bgnbd_negative_log_likelihood, start, data)
    r, alpha, a, b = np.exp(result.x)
    if not converged or not _predicts_finite(BetaGeoModel(r, alpha, a, b, fit=None), data):
        raise InsufficientDataError("fit_failed", customers=n_customers, repeat_customers=n_repeat)
    summary = FitSummary(
        model="bgnbd", params={"r": float(r), "alpha": float(alpha), "a": float(a), "b": float(b)},
        log_likelihood=float(-result.fun * data.weights.sum()), n_customers=n_customers,
        n_repeat_customers=n_repeat, converged=converged, iterations=int(result.nit),
        message=str(result.message),
    )
    return BetaGeoModel(float(r), float(alpha), float(a), float(b), summary)


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


def potential_measure(predictions: pd.DataFrame) -> str:
    """The prediction that stands for a customer's potential value: expected gross profit when the
    dataset has cost data (high sales at a thin margin are not value), else ``clv`` (revenue)."""
    return "expected_gross_profit" if predictions["expected_gross_profit"].notna().any() else "clv"


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
                   random_state=None) -> pd.DataFrame:
    """Purchase histories drawn from a BG/NBD population, for checks and benchmarks.

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
    # the k-th repeat purchase, k ~ Geometric(dropout): keep the first k purchase times.
    counts = np.minimum(rng.poisson(rate * horizon), 10_000)  # bounds memory; bites only on absurd rates
    lives = rng.geometric(np.clip(dropout, 1e-12, 1))
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
