"""Purchase histories drawn from a known BG/NBD or MBG/NBD population: the tests check that the
models recover what was drawn, and bench/bench_clv.py times them on it."""

from __future__ import annotations

import numpy as np
import pandas as pd


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
