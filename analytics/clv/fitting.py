"""What every lifetime-value model's fit shares: input checks, pooled histories, the optimizer,
the fit summary and the error that says why the data cannot support a model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import optimize
from threadpoolctl import threadpool_limits

MIN_REPEAT_CUSTOMERS = 20
LOG_PARAM_BOUND = 20.0  # parameters stay within exp(+-20), keeping the optimizer away from overflow


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


def check_positive_params(**params: float) -> None:
    """Model parameters must be finite and positive: anything else makes every prediction NaN."""
    bad = {name: value for name, value in params.items() if not (np.isfinite(value) and value > 0)}
    if bad:
        raise ValueError(f"model parameters must be finite and positive, got {bad}")


def check_rfm(frequency, recency, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frequency, recency and age as float arrays, after checking they describe purchase histories."""
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


def check_weights(weights, like: np.ndarray) -> np.ndarray:
    """One weight per customer (all 1 when None): finite and non-negative."""
    if weights is None:
        return np.ones_like(like)
    weights = np.asarray(weights, dtype=float)
    if weights.shape != like.shape or not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("weights must be finite, non-negative and one per customer")
    return weights


class Histories(NamedTuple):
    """Pooled data for a likelihood: identical rows merged with weights and sorted by purchase
    count x; terms that depend on x only are evaluated once per distinct count (``counts``,
    ``count_weights``)."""

    weights: np.ndarray
    x: np.ndarray
    columns: tuple[np.ndarray, ...]
    counts: np.ndarray
    count_weights: np.ndarray


def pool(x: np.ndarray, *columns: np.ndarray, weights: np.ndarray) -> Histories:
    frame = pd.DataFrame({"x": x, **{f"c{i}": c for i, c in enumerate(columns)}, "w": weights})
    pooled = frame.groupby(list(frame.columns[:-1]), sort=True)["w"].sum().reset_index()
    per_count = pooled.groupby("x")["w"].sum()
    return Histories(
        weights=pooled["w"].to_numpy(),
        x=pooled["x"].to_numpy(),
        columns=tuple(pooled[f"c{i}"].to_numpy() for i in range(len(columns))),
        counts=per_count.index.to_numpy(dtype=float),
        count_weights=per_count.to_numpy(),
    )


def minimize(objective, start: np.ndarray, data: Histories, *args):
    """L-BFGS-B with the analytic gradient on unbounded transforms of the parameters (logs, and
    one logit for BG/NBD), each kept within +-20; converged when the gradient is ~0, except along
    a coordinate resting on its bound and pushing outwards (a limit of the model, not a failure).

    BLAS runs on one thread: the likelihood's dot products are short, and threads competing with
    other work for the cores made fits twice as slow.
    """
    bounds = [(-LOG_PARAM_BOUND, LOG_PARAM_BOUND)] * len(start)
    with threadpool_limits(limits=1, user_api="blas"):
        result = optimize.minimize(objective, start, args=(data, *args), jac=True, method="L-BFGS-B",
                                   bounds=bounds, options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10})
    # A parameter resting on its bound with the slope pointing outwards is a limit, not a failure.
    pushing_out = (((result.x <= -LOG_PARAM_BOUND) & (result.jac > 0))
                   | ((result.x >= LOG_PARAM_BOUND) & (result.jac < 0)))
    converged = bool(np.isfinite(result.fun) and np.max(np.abs(result.jac[~pushing_out]), initial=0) < 1e-5)
    return result, converged
