"""Figures of the value model: pyramid, relationship matrix, customer breakdown, rank scatter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.strategy import (
    BONDS,
    COUNT_LEVELS,
    LEVELS,
    MARGIN_LEVELS,
    relationship_grid,
)
from analytics.value_model import TIERS, CustomerExplanation
from ui import format as fmt
from ui.figures.theme import ACCENT, NEUTRAL, TIER_COLORS
from ui.i18n import TABLE, translate
from ui.markup import plot_text

# Points in the rank scatter (the title states the sample): at 100,000 customers, 1,000 points instead
# of 5,000 took a warm load of the Value model page from about 1.4 s to 0.6-0.7 s in Chromium.
MAX_SCATTER_POINTS = 1500
LIFT_COLOR = "#2a9d8f"
RANK_FLAG_COLORS = {"none": NEUTRAL, "big_seller_low_value": ACCENT, "small_seller_high_value": LIFT_COLOR}


def pyramid_figure(pyramid: pd.DataFrame, lang: str = "en", share: str = "value_share") -> go.Figure:
    """The customer pyramid (share of customers per tier, S on top, centered bars) beside the
    tiers' share of ``share`` (``value_share``, ``revenue_share`` or ``gross_profit_share``, all
    money) on the same scale, so a top wider than the customers' shows where value concentrates;
    it is an inverted pyramid when S holds more than the tiers below."""
    if share not in ("value_share", "revenue_share", "gross_profit_share"):
        raise ValueError(f"unknown share column {share!r}")
    data = pyramid.set_index("tier").reindex(list(TIERS))
    labels = [translate(f"value.tier.{tier}", lang) for tier in TIERS]
    colors = [TIER_COLORS[tier] for tier in TIERS]
    counts = data["customers"].fillna(0).to_numpy(dtype=float)
    customer_pct = data["customer_share"].fillna(0).to_numpy(dtype=float) * 100
    # A share is unknown (NaN) without cost data or when the total is not positive: no bar, and
    # the label says so rather than showing 0%. A negative share (a tier losing money) has no bar
    # either; its label shows the number.
    share_pct = data[share].to_numpy(dtype=float) * 100
    share_text = [fmt.number(p, lang) + "%" if np.isfinite(p) else fmt.missing(lang) for p in share_pct]
    share_pct = np.clip(np.nan_to_num(share_pct, nan=0.0), 0.0, None)

    figure = make_subplots(
        rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.04,
        subplot_titles=(translate("value.fig.customers", lang), translate(f"value.fig.{share}", lang)),
    )
    figure.add_trace(_centered_bars(
        labels, customer_pct, colors, [f"{int(c):,} ({p:.1f}%)" for c, p in zip(counts, customer_pct)],
        translate("value.fig.customers", lang)), row=1, col=1)
    figure.add_trace(_centered_bars(
        labels, share_pct, colors, share_text, translate(f"value.fig.{share}", lang)), row=1, col=2)
    half = max(customer_pct.max(initial=0.0), share_pct.max(initial=0.0), 1e-9) / 2
    for col in (1, 2):
        figure.update_xaxes(range=[-half * 1.5, half * 1.5], showticklabels=False, showgrid=False,
                            zeroline=False, row=1, col=col)
    figure.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    figure.update_layout(showlegend=False, bargap=0.15, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return figure


def _centered_bars(labels, widths, colors, text, name) -> go.Bar:
    return go.Bar(
        y=labels, x=widths, base=-np.asarray(widths) / 2, orientation="h", name=name,
        marker_color=colors, text=text, textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    )


def relationship_matrix_figure(placements: pd.DataFrame, lang: str = "en", by: str = "tier") -> go.Figure:
    """The 3x3 relationship grid (count level x margin level, cell = level to aim for) with the
    groups of ``strategy.place_in_matrix`` (tiers or customer types) marked in their cells."""
    grid = relationship_grid()
    z = [[LEVELS.index(level) for level in row] for row in grid.to_numpy()]
    figure = go.Figure(go.Heatmap(
        z=z, x=list(range(len(MARGIN_LEVELS))), y=list(range(len(COUNT_LEVELS))),
        colorscale="Blues", zmin=-1, zmax=len(LEVELS) + 1, showscale=False, hoverinfo="skip",
        name=translate("value.fig.relationship_level", lang),
    ))
    # One layout update for all nine cell labels: add_annotation re-validates the layout each call.
    figure.update_layout(annotations=[
        _cell_label(col, row, grid.loc[count, margin], lang)
        for row, count in enumerate(COUNT_LEVELS) for col, margin in enumerate(MARGIN_LEVELS)
    ])

    placed = placements.dropna(subset=["margin_level"])
    xs, ys, texts, colors, hovers = [], [], [], [], []
    for (count, margin), cell in placed.groupby(["count_level", "margin_level"], sort=False):
        offsets = np.linspace(-0.3, 0.3, len(cell)) if len(cell) > 1 else [0.0]
        for offset, (_, group) in zip(offsets, cell.iterrows()):
            name = group_label(group["group"], by, lang)
            xs.append(MARGIN_LEVELS.index(margin) + offset)
            ys.append(COUNT_LEVELS.index(count) + 0.05)
            texts.append(group["group"] if by == "tier" else name)
            colors.append(TIER_COLORS.get(group["group"], NEUTRAL) if by == "tier" else NEUTRAL)
            hovers.append(translate("value.fig.matrix_hover", lang, group=name, customers=int(group["customers"]),
                                    margin=group["margin_pct"]))
    figure.add_trace(go.Scatter(
        x=xs, y=ys, mode="markers+text", text=texts,
        textposition="middle center" if by == "tier" else "bottom center",
        marker={"size": 34 if by == "tier" else 14, "color": colors, "line": {"color": "white", "width": 1}},
        textfont={"color": "white" if by == "tier" else "black"},
        hovertext=hovers, hoverinfo="text", name=translate(f"value.fig.by_{by}", lang),
    ))
    figure.update_xaxes(tickvals=list(range(len(MARGIN_LEVELS))), showgrid=False, zeroline=False,
                        ticktext=[translate(f"value.margin_level.{m}", lang) for m in MARGIN_LEVELS],
                        title=translate("value.fig.margin_axis", lang))
    figure.update_yaxes(tickvals=list(range(len(COUNT_LEVELS))), autorange="reversed", showgrid=False,
                        zeroline=False, ticktext=[translate(f"value.count_level.{c}", lang) for c in COUNT_LEVELS],
                        title=translate("value.fig.count_axis", lang))
    figure.update_layout(showlegend=False, margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return figure


def _cell_label(x: int, y: int, level: str, lang: str) -> dict:
    """The level to aim for and its bond, written at the top of a grid cell."""
    return {
        "x": x, "y": y - 0.28, "showarrow": False, "font": {"size": 12, "color": _cell_text_color(level)},
        "text": f"<b>{translate(f'value.level.{level}', lang)}</b><br>{translate(f'value.bond.{BONDS[level]}', lang)}",
    }


def _cell_text_color(level: str) -> str:
    """White on the dark cells (proactive, partner) of the Blues scale, dark on the light ones."""
    return "white" if LEVELS.index(level) >= LEVELS.index("proactive") else "#1f2937"


def group_label(group: str, by: str, lang: str) -> str:
    """A tier or customer-type code as its translated name; codes without a translation as they are."""
    key = f"value.tier.{group}" if by == "tier" else f"ctype.{group}"
    return translate(key, lang) if key in TABLE else str(group)


def dimension_breakdown_figure(explanation: CustomerExplanation, lang: str = "en") -> go.Figure:
    """What lifts and sinks one customer: its contribution to the value score per dimension (bars;
    green lifts, orange sinks it against the average customer) with the average customer's as
    markers; the hover adds the dimension's value in money."""
    breakdown = explanation.breakdown
    labels = [translate(f"value.dim.{d}", lang) for d in breakdown["dimension"]]
    colors = np.where(breakdown["effect"] >= 0, LIFT_COLOR, ACCENT)
    no_data = translate("value.fig.no_data", lang)
    contribution = breakdown["score_contribution"]
    figure = go.Figure()
    figure.add_trace(go.Bar(
        y=labels, x=contribution, orientation="h", marker_color=colors,
        name=translate("value.fig.contribution", lang),
        text=[f"{c:.1f}" + (f" ({no_data})" if m else "") for c, m in zip(contribution, breakdown["missing"])],
        textposition="auto",
        customdata=np.column_stack([breakdown["score"], breakdown["weight_share"] * 100, breakdown["value"]]),
        hovertemplate="%{y}: %{x:.1f} (" + translate("value.fig.score", lang) + " %{customdata[0]:.0f}, "
                      + translate("value.fig.weight", lang) + " %{customdata[1]:.0f}%, "
                      + translate("value.fig.value", lang) + " %{customdata[2]:,.0f})<extra></extra>",
    ))
    figure.add_trace(go.Scatter(
        y=labels, x=breakdown["average_score_contribution"], mode="markers",
        marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": NEUTRAL}},
        name=translate("value.fig.average", lang),
        hovertemplate="%{y}: %{x:.1f}<extra>" + translate("value.fig.average", lang) + "</extra>",
    ))
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(
        title=translate("value.fig.breakdown_title", lang, customer=plot_text(explanation.customer_id),
                        tier=explanation.tier, value=fmt.money(explanation.value, lang), score=explanation.score),
        xaxis_title=translate("value.fig.contribution", lang),
        legend={"orientation": "h", "y": -0.15}, margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def rank_scatter_figure(
    ranks: pd.DataFrame, lang: str = "en", max_points: int = MAX_SCATTER_POINTS, seed: int = 0
) -> go.Figure:
    """Revenue rank against value rank (``value_model.rank_comparison``), one trace per flag.

    Large datasets are downsampled to ``max_points`` (``downsample_ranks``), so the browser stays
    responsive; the title says how many points are shown, each legend entry how many of its group.
    """
    shown = downsample_ranks(ranks, max_points, seed)
    sampled = len(shown) < len(ranks)
    in_all = ranks["flag"].value_counts()
    figure = go.Figure()
    for flag, color in RANK_FLAG_COLORS.items():
        points = shown[shown["flag"] == flag]
        name = translate(f"value.flag.{flag}", lang)
        if sampled:  # the sample stated per group: "Other customers (750 of 97,206)"
            name = translate("value.fig.flag_sampled", lang, flag=name, shown=fmt.count(len(points), lang),
                             total=fmt.count(int(in_all.get(flag, 0)), lang))
        figure.add_trace(go.Scattergl(
            x=points["revenue_rank"], y=points["value_rank"], mode="markers", name=name,
            marker={"color": color, "size": 6 if flag == "none" else 8, "opacity": 0.5 if flag == "none" else 0.9},
            hovertext=points["name"].map(plot_text) + " (" + points["tier"].astype(str) + ")",
            hovertemplate="%{hovertext}<br>" + translate("value.fig.revenue_rank", lang) + " %{x}<br>"
                          + translate("value.fig.value_rank", lang) + " %{y}<extra></extra>",
        ))
    n = len(ranks)
    figure.add_shape(type="line", x0=1, y0=1, x1=max(n, 1), y1=max(n, 1), line={"color": NEUTRAL, "dash": "dot"})
    figure.update_xaxes(title=translate("value.fig.revenue_rank", lang), autorange="reversed")
    figure.update_yaxes(title=translate("value.fig.value_rank", lang), autorange="reversed")
    title = (translate("value.fig.rank_title_all", lang, total=n) if len(shown) == n
             else translate("value.fig.rank_title", lang, shown=len(shown), total=n))
    figure.update_layout(
        title=title,
        legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def downsample_ranks(ranks: pd.DataFrame, max_points: int = MAX_SCATTER_POINTS, seed: int = 0) -> pd.DataFrame:
    """At most ``max_points`` rows that still show the whole cloud: up to half of them flagged
    customers, shared evenly by the flags (a small group is shown whole, its unused share goes to
    the others), the rest a random sample of the other customers."""
    if max_points <= 0:
        raise ValueError("max_points must be positive")
    if len(ranks) <= max_points:
        return ranks
    rng = np.random.default_rng(seed)
    flags = ranks["flag"].to_numpy()
    groups = [np.flatnonzero(flags == flag) for flag in RANK_FLAG_COLORS if flag != "none"]
    groups = sorted((rows for rows in groups if rows.size), key=len)
    budget, keep = min(sum(map(len, groups)), max_points // 2), []
    for left, rows in zip(range(len(groups), 0, -1), groups):  # smallest first: what it leaves goes on
        taken = min(len(rows), (budget - sum(map(len, keep))) // left)
        keep.append(rng.choice(rows, taken, replace=False))
    others = np.flatnonzero(flags == "none")
    keep.append(rng.choice(others, min(len(others), max_points - sum(map(len, keep))), replace=False))
    return ranks.iloc[np.sort(np.concatenate(keep))]
