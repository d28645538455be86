"""Figure builders of the value page build in both languages and carry the expected traces."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import strategy
from analytics.dimensions import dimension_scores
from analytics.presets import PRESETS
from analytics.value_model import explain_customer, rank_comparison, score_customers, value_table
from ui import format as fmt
from ui.figures.theme import TIER_COLORS
from ui.figures.value import (
    dimension_breakdown_figure,
    downsample_ranks,
    pyramid_figure,
    rank_scatter_figure,
    relationship_matrix_figure,
)
from ui.i18n import translate


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    n = 300
    features = pd.DataFrame({
        "customer_id": [f"C{i:03d}" for i in range(n)],
        "name": [f"客户{i}" for i in range(n)],
        "customer_type": rng.choice(["consumer", "dealer", "enterprise"], n),
        "revenue": rng.lognormal(8, 1, n),
        "orders": rng.integers(1, 10, n),
        "recency_days": rng.integers(0, 300, n),
        "referrals": rng.poisson(1.0, n).astype(float),
        "satisfaction": rng.uniform(0, 10, n),
    })
    features["gross_profit"] = features["revenue"] * rng.uniform(0.0, 0.5, n)
    features["margin_pct"] = features["gross_profit"] / features["revenue"] * 100
    model = score_customers(dimension_scores(features), PRESETS["balanced"])
    return features, model, value_table(features, model)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pyramid_shows_customer_shares_beside_value_shares_on_one_scale(data, lang):
    _, _, table = data
    pyramid = strategy.pyramid(table)
    figure = pyramid_figure(pyramid, lang)
    counts, shares = figure.data
    assert counts.type == shares.type == "bar"
    np.testing.assert_allclose(counts.x, pyramid["customer_share"] * 100)
    np.testing.assert_allclose(np.asarray(counts.base, dtype=float), -pyramid["customer_share"].to_numpy() * 50)  # centered
    np.testing.assert_allclose(shares.x, pyramid["value_share"] * 100)
    assert figure.layout.xaxis.range == figure.layout.xaxis2.range
    assert list(counts.marker.color) == [TIER_COLORS[tier] for tier in "SABC"]
    assert counts.y[0].startswith("S") and counts.text[0].startswith(f"{pyramid['customers'][0]:,} (")
    assert figure.layout.yaxis.autorange == "reversed"
    revenue = pyramid_figure(pyramid, lang, share="revenue_share")
    np.testing.assert_allclose(revenue.data[1].x, pyramid["revenue_share"] * 100)
    with pytest.raises(ValueError):
        pyramid_figure(pyramid, lang, share="orders")


def test_pyramid_marks_a_share_that_is_unknown(data):
    _, _, table = data
    pyramid = strategy.pyramid(table.assign(gross_profit=np.nan))
    shares = pyramid_figure(pyramid, "zh", share="gross_profit_share").data[1]
    assert list(shares.text) == [fmt.missing("zh")] * 4
    np.testing.assert_array_equal(shares.x, [0.0] * 4)


def test_pyramid_draws_no_bar_for_a_tier_losing_money(data):
    _, _, table = data
    pyramid = strategy.pyramid(table).assign(gross_profit_share=[0.7, 0.4, 0.1, -0.2])
    shares = pyramid_figure(pyramid, "en", share="gross_profit_share").data[1]
    np.testing.assert_allclose(shares.x, [70.0, 40.0, 10.0, 0.0])
    assert shares.text[3] == "-20.0%"


@pytest.mark.parametrize("by", ["tier", "customer_type"])
def test_relationship_matrix_has_the_grid_and_the_groups(data, by):
    _, _, table = data
    placements = strategy.place_in_matrix(table, by)
    figure = relationship_matrix_figure(placements, "zh", by=by)
    heatmap, groups = figure.data
    assert heatmap.type == "heatmap" and np.shape(heatmap.z) == (3, 3)
    assert len(figure.layout.annotations) == 9 and "伙伴型" in figure.layout.annotations[6].text
    assert groups.type == "scatter" and len(groups.x) == placements["margin_level"].notna().sum()
    if by == "tier":
        assert list(groups.text) == ["S", "A", "B", "C"]


def test_dimension_breakdown_has_bars_and_average_markers(data):
    features, model, _ = data
    explanation = explain_customer(features, model, "C007")
    figure = dimension_breakdown_figure(explanation, "en")
    bars, average = figure.data
    assert bars.type == "bar" and average.type == "scatter"
    np.testing.assert_allclose(bars.x, explanation.breakdown["score_contribution"])
    np.testing.assert_allclose(average.x, explanation.breakdown["average_score_contribution"])
    np.testing.assert_allclose(np.asarray(bars.customdata)[:, 2], explanation.breakdown["value"])
    assert list(bars.y) == ["Economic value", "Influence value", "Satisfaction"]
    assert "C007" in figure.layout.title.text and f"{explanation.value:,.0f}" in figure.layout.title.text


def test_rank_scatter_has_one_trace_per_flag_and_names_on_hover(data):
    features, model, _ = data
    ranks = rank_comparison(features, model)
    figure = rank_scatter_figure(ranks, "en")
    assert [trace.name for trace in figure.data] == [
        "Other customers", "Big sellers of low value", "Small sellers of high value"]
    assert sum(len(trace.x) for trace in figure.data) == len(ranks)
    flagged = ranks[ranks["flag"] == "big_seller_low_value"]
    assert len(figure.data[1].x) == len(flagged)
    assert any("客户" in text for text in figure.data[0].hovertext)
    assert figure.layout.title.text == f"Revenue rank vs value rank ({len(ranks)} customers)"


def test_rank_scatter_downsamples_but_keeps_flagged_customers():
    n = 20_000
    rng = np.random.default_rng(0)
    flags = np.where(rng.random(n) < 0.05, "big_seller_low_value", "none")
    ranks = pd.DataFrame({
        "customer_id": np.arange(n).astype(str), "name": "x", "tier": "C", "revenue": 1.0,
        "value": 1.0, "revenue_rank": rng.permutation(n) + 1, "value_rank": rng.permutation(n) + 1,
        "flag": flags,
    })
    figure = rank_scatter_figure(ranks, "en", max_points=5000)
    assert sum(len(trace.x) for trace in figure.data) == 5000
    assert len(figure.data[1].x) == (flags != "none").sum()
    assert "5,000 of 20,000" in figure.layout.title.text
    assert figure.data[1].name == f"Big sellers of low value ({(flags != 'none').sum():,} of {(flags != 'none').sum():,})"
    assert len(downsample_ranks(ranks, max_points=100)) == 100


def test_rank_scatter_sample_shows_the_cloud_and_every_small_group_whole():
    """Many flagged customers fill at most half the points, shared by the flags; the rest are others."""
    n = 20_000
    rng = np.random.default_rng(1)
    flags = np.full(n, "none", dtype=object)
    flags[rng.choice(n, 3_040, replace=False)] = ["big_seller_low_value"] * 3_000 + ["small_seller_high_value"] * 40
    ranks = pd.DataFrame({
        "customer_id": np.arange(n).astype(str), "name": "x", "tier": "C", "revenue": 1.0,
        "value": 1.0, "revenue_rank": rng.permutation(n) + 1, "value_rank": rng.permutation(n) + 1,
        "flag": flags,
    })
    for lang in ("en", "zh"):
        figure = rank_scatter_figure(ranks, lang, max_points=1_500)
        assert [len(trace.x) for trace in figure.data] == [750, 710, 40]
        assert figure.data[0].name == translate("value.fig.flag_sampled", lang, flag=translate("value.flag.none", lang),
                                                shown="750", total="16,960")
