"""Figures and sentences of the 80/20 view: content, languages and payload size."""

import numpy as np
import pytest

from analytics.concentration import (
    RiskThresholds,
    concentration_risk,
    pareto_curve,
    rank_metric,
    whale_curve,
)
from ui.figures.concentration import (
    inverse_readout,
    pareto_figure,
    risk_gauge,
    risk_sentence,
    top_readout,
    whale_figure,
    whale_sentence,
)
from ui.i18n import TABLE
from ui.strings.conc import STRINGS

PAYLOAD_LIMIT = 300_000


@pytest.fixture(scope="module")
def million_customers():
    """Pareto curves of three metrics, the whale curve and the risk verdict at 1,000,000 customers."""
    rng = np.random.default_rng(7)
    n = 1_000_000
    revenue = rng.lognormal(8.0, 1.8, size=n)
    names = np.array([f"Customer with a fairly long name no. {i}" for i in range(n)], dtype=object)
    metrics = {
        "revenue": revenue,
        "gross_profit": revenue * rng.normal(0.2, 0.15, size=n),
        "value": revenue**0.7,
    }
    ranked = {metric: rank_metric(values, labels=names) for metric, values in metrics.items()}
    return {
        "curves": {metric: pareto_curve(r, marks=(0.2,)) for metric, r in ranked.items()},
        "whale": whale_curve(ranked["gross_profit"]),
        "risk": concentration_risk(ranked["revenue"]),
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figure_payloads_stay_small_at_a_million_customers(million_customers, lang):
    figures = [
        pareto_figure(million_customers["curves"], mark_share=0.2, lang=lang),
        whale_figure(million_customers["whale"], lang=lang),
        risk_gauge(million_customers["risk"], lang=lang),
    ]
    for figure in figures:
        assert len(figure.to_json()) <= PAYLOAD_LIMIT


def test_pareto_figure_has_diagonal_named_curves_and_mark():
    curves = {
        "revenue": pareto_curve(rank_metric([80.0] * 20 + [5.0] * 80, labels=[f"c{i}" for i in range(100)])),
        "gross_profit": pareto_curve(rank_metric(np.arange(1.0, 101.0))),
    }
    figure = pareto_figure(curves, mark_share=0.2, lang="zh")
    assert [trace.name for trace in figure.data] == ["完全平均线", "销售额", "毛利"]
    assert list(figure.data[0].x) == [0, 1] and list(figure.data[0].y) == [0, 1]
    annotation_texts = [annotation.text for annotation in figure.layout.annotations]
    assert "前 20% 的客户贡献 80%" in annotation_texts
    assert figure.layout.shapes[0].x0 == 0.2


def test_hover_names_the_customer_at_each_point():
    curve = pareto_curve(rank_metric([3.0, 9.0, 1.0], labels=["Carol", "Alice", "Dave"]))
    trace = pareto_figure({"revenue": curve}, mark_share=None).data[1]
    assert [row[1] for row in trace.customdata] == ["", "Alice", "Carol", "Dave"]
    assert "customdata[1]" in trace.hovertemplate
    assert not pareto_figure({"revenue": curve}, mark_share=None).layout.annotations


def test_whale_figure_marks_peak_total_and_losses():
    whale = whale_curve(rank_metric([10.0, -3.0, 0.0, 5.0, -2.0]))
    figure = whale_figure(whale, lang="en")
    texts = [annotation.text for annotation in figure.layout.annotations]
    assert "Peak 150% of total profit, at the top 40% of customers" in texts
    assert "2 loss-making customers" in texts
    assert any(shape.type == "line" and shape.y0 == 1.0 == shape.y1 for shape in figure.layout.shapes)
    assert any(shape.type == "rect" and shape.x0 == pytest.approx(0.6) for shape in figure.layout.shapes)
    assert figure.layout.yaxis.range[1] > whale.peak_share


def test_risk_sentences():
    # shares in %: 31, 11, 10, 5, 5 and 38 x 1; HHI = 961 + 121 + 100 + 25 + 25 + 38 = 1,270
    high = concentration_risk(rank_metric([31.0, 11.0, 10.0, 5.0, 5.0] + [1.0] * 38))
    assert risk_sentence(high, "en").startswith(
        "Top 5 customers bring 62% of revenue (HHI 1,270): high dependency. Concentration cuts both ways"
    )
    assert risk_sentence(high, "zh").startswith(
        "前 5 名客户贡献了 62% 的销售额（HHI 1,270）：对大客户的依赖度高。集中是一把双刃剑"
    )
    low = concentration_risk(rank_metric(np.ones(100)))
    assert risk_sentence(low, "en") == "Top 5 customers bring 5% of revenue (HHI 100): low dependency."


def test_risk_gauge_bands_follow_thresholds():
    verdict = concentration_risk(rank_metric([12.0] * 5 + [1.0] * 40), RiskThresholds(top_share_moderate=0.3))
    indicator = risk_gauge(verdict, lang="en").data[0]
    assert indicator.value == pytest.approx(60.0)
    assert [tuple(step.range) for step in indicator.gauge.steps] == [(0, 30), (30, 50), (50, 100)]
    assert indicator.title.text == "Revenue share of the top 5 customers: high"


def test_whale_sentences():
    assert whale_sentence(whale_curve(rank_metric([10.0, -3.0, 5.0, -2.0])), "en") == (
        "2 customers lose money and destroy 5 of gross profit; without them profit would be 150% of today's."
    )
    assert whale_sentence(whale_curve(rank_metric([1.0, 2.0])), "zh") == STRINGS["conc.whale.no_losses"]["zh"]
    large = whale_sentence(whale_curve(rank_metric([9e6, -5_819_339.0, 4e6])), "zh")  # scaled as the cards are
    assert "共侵蚀毛利 582万" in large, large


def test_readout_sentences():
    assert top_readout("revenue", 0.2, 0.8, "en") == "The top 20% of customers bring 80% of revenue."
    assert inverse_readout("gross_profit", 0.5, 0.021, "zh") == "50% 的毛利来自排名前 2.1% 的客户。"



def test_every_conc_key_has_english_and_chinese():
    assert STRINGS and all(key.startswith("conc.") for key in STRINGS)
    for key, entry in STRINGS.items():
        assert entry.get("en", "").strip() and entry.get("zh", "").strip(), key
        assert TABLE[key] is entry
