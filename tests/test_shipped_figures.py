"""Figures ship what they draw: binned histograms, decimated curves, bounded sizes at 100,000 customers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import concentration
from analytics.binning import histogram
from ui.figures.clv import distribution_figure
from ui.figures.concentration import pareto_figure, whale_figure

CUSTOMERS = 100_000
FIGURE_BYTES = 60_000  # a raw-value histogram of 100,000 customers is about 1.6 MB


@pytest.fixture(scope="module")
def values() -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.lognormal(7, 1.6, CUSTOMERS) * rng.normal(0.3, 0.3, CUSTOMERS)


def test_histogram_counts_add_up_to_the_customers_and_skip_missing(values):
    with_missing = np.append(values, [np.nan, np.inf])
    binned = histogram(with_missing, bins=40)
    assert binned.counts.sum() == CUSTOMERS and binned.counts.size == 40 and binned.edges.size == 41
    assert binned.edges[0] == values.min() and binned.edges[-1] == values.max()
    one = histogram([5.0, 5.0, 5.0])
    assert one.counts.sum() == 3 and one.edges[0] < 5.0 < one.edges[-1]
    assert histogram([]).counts.sum() == 0


@pytest.mark.parametrize("percent", [False, True])
def test_a_distribution_of_100k_customers_ships_bins_not_values(values, percent):
    shown = pd.Series(np.clip(values / values.max(), 0, 1) if percent else values)
    figure = distribution_figure(shown, "clv.dist.value_title", "clv.col.clv", percent=percent)
    (bars,) = figure.data
    assert bars.type == "bar" and sum(bars.y) == CUSTOMERS
    assert np.allclose(np.asarray(bars.x) - np.asarray(bars.width) / 2, histogram(shown).edges[:-1])
    assert len(figure.to_json()) < FIGURE_BYTES


def test_curves_of_100k_customers_are_decimated_with_exact_readouts(values):
    ranked = concentration.rank_metric(values)
    for mark in (0.2, 0.05, 0.5):
        curve = concentration.pareto_curve(ranked, marks=(mark,))
        assert curve.rank.size <= concentration.DEFAULT_MAX_POINTS
        assert (curve.customer_share[0], curve.value_share[0]) == (0.0, 0.0)
        assert curve.customer_share[-1] == 1.0 and curve.value_share[-1] == pytest.approx(1.0, abs=1e-12)
        at_mark = np.interp(mark, curve.customer_share, curve.value_share)
        assert at_mark == pytest.approx(concentration.share_of_top(ranked, mark), abs=1e-12)
        assert len(pareto_figure({"gross_profit": curve}, mark_share=mark).to_json()) < FIGURE_BYTES
    whale = concentration.whale_curve(ranked)
    peak = np.flatnonzero(whale.curve.rank == whale.peak_rank)
    assert peak.size == 1 and whale.curve.value_share[peak[0]] == pytest.approx(whale.peak_share, abs=1e-12)
    assert len(whale_figure(whale).to_json()) < FIGURE_BYTES
