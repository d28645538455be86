"""Fast orders and average ranks agree with numpy and pandas on ties, signs and near-equal values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.ordering import argsort, average_ranks


def cases() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    near = 1.0 + np.arange(2000) * 2.0**-50  # one leading-bits group: ordered by the full value
    rng.shuffle(near)
    signed = rng.lognormal(5, 2, 50_000) * rng.normal(0.2, 0.4, 50_000)
    signed[:500] = 0.0
    signed[500:600] = -0.0
    return {
        "signed with zeros": signed,
        "near-equal": near,
        "ties": np.round(rng.normal(0, 1, 20_000), 2),
        "ratings": rng.integers(0, 11, 20_000).astype(float),
        "means of ratings": rng.integers(0, 11, (3, 20_000)).sum(axis=0) / 3,
        "extremes": np.array([1e300, -1e300, 5e-324, -5e-324, 0.0, 2.0, 2.0]),
        "one": np.array([4.0]),
        "none": np.array([]),
    }


@pytest.mark.parametrize("name", list(cases()))
def test_argsort_sorts_and_ranks_match_pandas(name):
    values = cases()[name]
    order = argsort(values)
    assert sorted(order.tolist()) == list(range(values.size))
    assert np.all(np.diff(values[order]) >= 0)
    np.testing.assert_array_equal(average_ranks(values), pd.Series(values, dtype=float).rank().to_numpy())
