"""Fast orders and average ranks agree with numpy and pandas on ties, signs and near-equal values; percentile
scores follow the average ranks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.ordering import (
    MIDDLE_PERCENTILE,
    Scratch,
    argsort,
    average_ranks,
    customer_id_order,
    percentile_scores,
    positions_at_ranks,
)


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


@pytest.mark.parametrize("name", [name for name, values in cases().items() if values.size])
def test_positions_at_ranks_match_a_stable_descending_argsort(name):
    values = cases()[name]
    rng = np.random.default_rng(7)
    ranks = np.unique(np.concatenate([[0, values.size - 1], rng.integers(0, values.size, 300)]))
    descending = np.sort(values)[::-1]
    expected = np.argsort(-values, kind="stable")[ranks]  # ties in input order
    np.testing.assert_array_equal(positions_at_ranks(values, descending, ranks), expected)


def test_positions_at_ranks_pick_distinct_customers_within_a_large_tie():
    values = np.zeros(10_000)
    values[::7] = -0.0  # counted as 0.0
    values[5000] = 1.0
    ranks = np.arange(0, 10_000, 37)
    positions = positions_at_ranks(values, np.sort(values)[::-1], ranks)
    np.testing.assert_array_equal(positions, np.argsort(-values, kind="stable")[ranks])
    assert positions[0] == 5000 and len(set(positions.tolist())) == ranks.size


@pytest.mark.parametrize("dtype", [object, "str", "string[python]", "string[pyarrow]"])
def test_customer_id_order_sorts_checks_and_keeps_arrow_strings(dtype):
    ids = pd.Series(["C3", "C1", "C2"], dtype=dtype)
    values, order = customer_id_order(pd.DataFrame({"customer_id": ids}))
    assert values.tolist() == ["C1", "C2", "C3"] and order.tolist() == [1, 2, 0] and values.dtype == "str"
    values, order = customer_id_order(pd.DataFrame({"customer_id": ids.sort_values()}))
    assert values.tolist() == ["C1", "C2", "C3"] and order is None
    with pytest.raises(ValueError, match="unique"):
        customer_id_order(pd.DataFrame({"customer_id": pd.Series(["C1", "C2", "C2"], dtype=dtype)}))
    with pytest.raises(ValueError, match="unique"):
        customer_id_order(pd.DataFrame({"customer_id": pd.Series(["C2", "C1", "C2"], dtype=dtype)}))


@pytest.mark.parametrize("name", list(cases()))
def test_argsort_keeps_ties_in_input_order(name):
    values = cases()[name]
    np.testing.assert_array_equal(argsort(values), np.argsort(values, kind="stable"))


def test_percentile_scores_use_average_ranks_and_skip_nan():
    scores = percentile_scores([10.0, 20.0, 20.0, np.nan, 1e9])
    np.testing.assert_allclose(scores, [0.0, 50.0, 50.0, np.nan, 100.0])


@pytest.mark.parametrize("values", [
    [2.0, np.nan, 1.0, 2.0, np.nan, 7.5],  # on the grid of ratings: counted
    [2.0, np.nan, 1.0, 2.0, np.nan, 1e9],  # off it: sorted
    [0.002, np.nan, 0.001, 0.002, np.nan, 1.0],  # within its span, two values to a cell: sorted
])
def test_percentile_scores_give_nan_values_the_unknown_score(values):
    scores = percentile_scores(values, unknown_score=MIDDLE_PERCENTILE)
    np.testing.assert_allclose(scores, [50.0, 50.0, 0.0, 50.0, 50.0, 100.0], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(np.isnan(percentile_scores(values)), np.isnan(values))


def test_percentile_scores_are_the_middle_for_constant_or_single_values():
    np.testing.assert_allclose(percentile_scores([3.0, 3.0, 3.0]), [MIDDLE_PERCENTILE] * 3)
    np.testing.assert_allclose(percentile_scores([np.nan, 7.0]), [np.nan, MIDDLE_PERCENTILE])


def test_percentile_scores_reusing_work_arrays_score_each_column_as_alone():
    """One thread's work arrays serve columns of other sizes, with and without NaN, on a grid or not."""
    columns = [values for values in cases().values() if values.size] + [np.array([2.0, np.nan, 1.0, 2.0])]
    scratch = Scratch()
    for values in columns + columns[::-1]:
        out = np.full(values.size, -1.0)
        np.testing.assert_array_equal(percentile_scores(values, out=out, scratch=scratch), percentile_scores(values))
        expected = (pd.Series(values).rank() - 1) / (np.count_nonzero(~np.isnan(values)) - 1) * 100
        if values.size > 1:
            np.testing.assert_allclose(out, expected.to_numpy(), rtol=1e-12)
