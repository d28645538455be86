"""Figures and sentences of the 80/20 view, drawn from :mod:`analytics.concentration` results.

Curves arrive already reduced to a bounded number of points, and coordinates are rounded to
five decimals, so a figure stays a few dozen kilobytes however many customers there are.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from pandas.io.formats.style import Styler

from analytics import concentration
from analytics.concentration import Curve, RiskVerdict, WhaleCurve
from ui import format as fmt
from ui.figures.theme import ACCENT, NEUTRAL, TIER_COLORS
from ui.i18n import DEFAULT_LANGUAGE, translate
from ui.markup import plot_text

METRIC_COLORS = {"revenue": "#1f77b4", "gross_profit": "#2ca02c", "value": "#9467bd"}
RISK_COLORS = {"low": "#d8f3dc", "moderate": "#ffe8a3", "high": "#ffc9c0"}
_DECIMALS = 5
_LABEL_X = 0.5  # where the mark labels start, right of any mark drawn (top 20% by default)


def _label_heights(count: int) -> list[float]:
    """Heights of ``count`` labels, top down, 0.1 apart below the diagonal at _LABEL_X."""
    return [0.4 - 0.1 * index for index in range(count)]


def pareto_figure(
    curves: Mapping[str, Curve], mark_share: float | None = 0.2, lang: str = DEFAULT_LANGUAGE
) -> go.Figure:
    """Pareto curves of one or more metrics (keys: revenue, gross_profit, value) on one chart.

    Draws the equality diagonal and, when ``mark_share`` is given, marks each curve there; sample
    the curves with that mark (``pareto_curve(..., marks=(mark_share,))``) so the mark is exact.
    """
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[0, 1], y=[0, 1], mode="lines", name=translate("conc.pareto.equality", lang),
            line={"color": NEUTRAL, "dash": "dot", "width": 1}, hoverinfo="skip",
        )
    )
    marks = []
    for metric, curve in curves.items():
        name = translate(f"conc.metric.{metric}", lang)
        figure.add_trace(_curve_trace(curve, name, METRIC_COLORS[metric], lang))
        if mark_share is not None:
            marks.append((curve.share_at(mark_share), metric))
    # Labels sit in the empty triangle under the diagonal, in the order of their marks and apart, so
    # none overlaps another however close the marks are; an arrow points each to its mark.
    marks.sort(reverse=True)
    for (share, metric), label_y in zip(marks, _label_heights(len(marks)), strict=True):
        color = METRIC_COLORS[metric]
        figure.add_annotation(
            x=mark_share, y=share, ax=_LABEL_X, ay=label_y, axref="x", ayref="y", xanchor="left",
            arrowcolor=color, font={"color": color},
            text=translate("conc.pareto.mark", lang, customers=fmt.share(mark_share, lang), share=fmt.share(share, lang)),
        )
    if mark_share is not None:
        figure.add_vline(x=mark_share, line={"color": ACCENT, "dash": "dash", "width": 1})
    figure.update_layout(
        title=translate("conc.pareto.title", lang),
        xaxis={"title": translate("conc.pareto.x_axis", lang), "tickformat": ".0%", "range": [0, 1]},
        yaxis={"title": translate("conc.pareto.y_axis", lang), "tickformat": ".0%", "range": [0, 1.02]},
        hovermode="closest",
        # Below the axis, not in the triangle under the diagonal: the marks' labels sit there.
        legend={"orientation": "h", "x": 0, "y": -0.25, "xanchor": "left", "yanchor": "top"},
    )
    return figure


def whale_figure(whale: WhaleCurve, lang: str = DEFAULT_LANGUAGE) -> go.Figure:
    """The whale curve with the 100% line, the peak annotated and the loss-making customers shaded."""
    curve = whale.curve
    color = METRIC_COLORS["gross_profit"]
    figure = go.Figure(_curve_trace(curve, translate("conc.metric.gross_profit", lang), color, lang))
    figure.add_hline(
        y=1.0, line={"color": NEUTRAL, "dash": "dash", "width": 1},
        annotation_text=translate("conc.whale.total_line", lang), annotation_position="bottom left",
    )
    if whale.loss_makers:
        figure.add_vrect(
            x0=1.0 - whale.loss_makers / curve.n_customers, x1=1.0, fillcolor=ACCENT, opacity=0.12,
            line_width=0, annotation_position="bottom right",
            annotation_text=translate("conc.whale.loss_zone", lang, count=fmt.count(whale.loss_makers, lang)),
        )
    figure.add_annotation(
        x=whale.peak_customer_share, y=whale.peak_share, ax=0, ay=-35, arrowcolor=ACCENT,
        xanchor="right" if whale.peak_customer_share > 0.5 else "left",  # keep the label inside the plot
        text=translate(
            "conc.whale.peak", lang,
            peak=fmt.share(whale.peak_share, lang), customers=fmt.share(whale.peak_customer_share, lang),
        ),
    )
    low = min(0.0, float(curve.value_share.min()))
    figure.update_layout(
        title=translate("conc.whale.title", lang),
        xaxis={"title": translate("conc.pareto.x_axis", lang), "tickformat": ".0%", "range": [0, 1]},
        yaxis={
            "title": translate("conc.whale.y_axis", lang), "tickformat": ".0%",
            "range": [low, 1.15 * whale.peak_share],
        },
        showlegend=False,
    )
    return figure


def risk_gauge(verdict: RiskVerdict, lang: str = DEFAULT_LANGUAGE) -> go.Figure:
    """The top customers' revenue share on a gauge banded by the moderate and high thresholds."""
    thresholds = verdict.thresholds
    bands = [
        ("low", 0.0, thresholds.top_share_moderate),
        ("moderate", thresholds.top_share_moderate, thresholds.top_share_high),
        ("high", thresholds.top_share_high, 1.0),
    ]
    level = translate(f"conc.risk.level.{verdict.level}", lang)
    return go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=100.0 * verdict.top_share,
            number={"suffix": "%", "valueformat": ".0f"},
            title={"text": translate("conc.risk.gauge", lang, n=verdict.top_n, level=level)},
            gauge={
                "axis": {"range": [0, 100], "ticksuffix": "%"},
                "bar": {"color": NEUTRAL},
                "steps": [
                    {"range": [100 * start, 100 * end], "color": RISK_COLORS[name]}
                    for name, start, end in bands
                ],
            },
        )
    ).update_layout(height=260, margin={"t": 70, "b": 10, "l": 30, "r": 30})


def risk_sentence(verdict: RiskVerdict, lang: str = DEFAULT_LANGUAGE) -> str:
    """The verdict in words; from moderate up, with the note that dependency is also a strength."""
    sentence = translate(
        f"conc.risk.sentence.{verdict.level}", lang,
        n=verdict.top_n, share=fmt.share(verdict.top_share, lang), hhi=fmt.number(verdict.hhi, lang, 0),
    )
    if verdict.level == "low":
        return sentence
    return translate("conc.risk.with_note", lang, sentence=sentence, note=translate("conc.risk.note", lang))


def whale_sentence(whale: WhaleCurve, lang: str = DEFAULT_LANGUAGE) -> str:
    """How many customers lose money and how much profit they take back."""
    if not whale.loss_makers:
        return translate("conc.whale.no_losses", lang)
    return translate(
        "conc.whale.summary", lang,
        count=fmt.count(whale.loss_makers, lang), peak=fmt.share(whale.peak_share, lang),
        amount=fmt.compact(whale.profit_destroyed, lang),  # as the cards beside it: 582万, not 5,819,339
    )


def positive_total_note(metric: str, ranked: concentration.RankedMetric, whale_section: str,
                        lang: str = DEFAULT_LANGUAGE) -> str | None:
    """What the shares are of when some customers have a negative figure (they count at zero), and
    for gross profit why the whale curve reads differently (it counts the losses); None when none has."""
    negative, lost = concentration.left_out(ranked)
    if not negative:
        return None
    note = translate("conc.page.positive_total", lang, metric=translate(f"conc.metric.{metric}", lang),
                     total=fmt.money(ranked.total, lang), count=fmt.count(negative, lang), lost=fmt.money(lost, lang))
    if metric != "gross_profit":
        return note
    return fmt.sentences([note, translate("conc.page.whale_counts_losses", lang, section=whale_section)], lang)


def top_readout(
    metric: str, customer_share: float, value_share: float, lang: str = DEFAULT_LANGUAGE
) -> str:
    """'The top X% of customers bring Y% of <metric>.'"""
    return translate(
        "conc.readout.top", lang, customers=fmt.share(customer_share, lang), share=fmt.share(value_share, lang),
        metric=translate(f"conc.metric_phrase.{metric}", lang),
    )


def inverse_readout(
    metric: str, value_share: float, customer_share: float, lang: str = DEFAULT_LANGUAGE
) -> str:
    """'Y% of <metric> comes from the top X% of customers.'"""
    return translate(
        "conc.readout.inverse", lang, customers=fmt.share(customer_share, lang), share=fmt.share(value_share, lang),
        metric=translate(f"conc.metric_phrase.{metric}", lang),
    )


def customer_table(
    rows: pd.DataFrame, lang: str = DEFAULT_LANGUAGE, shares: pd.Series | None = None
) -> Styler:
    """Customers (rows of ``value_model.value_table``) for ``st.dataframe``: name, tier in its
    colour, revenue, ``shares`` of revenue and their running total when given, gross profit and
    margin. Values stay numeric, so the table sorts by them; only their display is formatted."""
    names = {column: translate(key, lang) for column, key in (
        ("name", "value.col.name"), ("tier", "value.col.tier"), ("revenue", "value.col.revenue"),
        ("share", "conc.col.revenue_share"), ("cumulative", "conc.col.cumulative_share"),
        ("gross_profit", "value.col.gross_profit"), ("margin_pct", "value.col.margin_pct"),
    )}
    frame = pd.DataFrame({"name": rows["name"], "tier": rows["tier"].astype(str), "revenue": rows["revenue"]})
    share_columns = []
    if shares is not None:
        frame["share"] = shares.to_numpy()
        frame["cumulative"] = shares.cumsum().to_numpy()
        share_columns = [names["share"], names["cumulative"]]
    frame["gross_profit"] = rows["gross_profit"]
    frame["margin_pct"] = rows["margin_pct"]
    frame = frame.rename(columns=names)
    na = fmt.missing(lang)
    tier = [names["tier"]]
    return (
        frame.style
        .format("{:,.0f}", subset=[names["revenue"], names["gross_profit"]], na_rep=na)
        .format("{:.1f}%", subset=[names["margin_pct"]], na_rep=na)
        .format("{:.1%}", subset=share_columns)
        .format(lambda code: translate(f"value.tier.{code}", lang), subset=tier)
        .map(lambda code: f"color: {TIER_COLORS[code]}; font-weight: bold", subset=tier)
    )


def _curve_trace(curve: Curve, name: str, color: str, lang: str) -> go.Scatter:
    """One curve, its hover naming the customer at each point when names are known."""
    lines = [
        f"{translate('conc.hover.rank', lang)}: %{{customdata[0]:,}}",
        f"{translate('conc.hover.customers', lang)}: %{{x:.1%}}",
        f"{translate('conc.hover.share', lang)}: %{{y:.1%}}",
    ]
    if curve.label is None:
        customdata = curve.rank[:, np.newaxis]
    else:
        customdata = np.column_stack([curve.rank.astype(object), [plot_text(label) for label in curve.label]])
        lines.insert(0, f"{translate('conc.hover.customer', lang)}: %{{customdata[1]}}")
    return go.Scatter(
        x=np.round(curve.customer_share, _DECIMALS),
        y=np.round(curve.value_share, _DECIMALS),
        customdata=customdata,
        mode="lines",
        name=name,
        line={"color": color, "width": 2},
        hovertemplate="<br>".join(lines) + f"<extra>{name}</extra>",
    )
