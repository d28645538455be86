"""Figures of the customer lifecycle: stages, tier migration (Sankey and matrix), order history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.lifecycle import STAGES
from analytics.migration import AFTER_STATES, BEFORE_STATES, ENTERING, LEAVING
from ui.figures.theme import ACCENT, NEUTRAL, TIER_COLORS
from ui.i18n import translate

# Warm colours for the stages that need attention, cool ones for healthy stages.
STAGE_COLORS = {
    "new": "#8ecae6", "growing": "#2a9d8f", "stable": "#2a6fdb",
    "declining": "#f4a261", "dormant": ACCENT, "lost": NEUTRAL,
}
STATE_COLORS = {**TIER_COLORS, ENTERING: "#e9c46a", LEAVING: ACCENT}
PROFIT_COLOR = "#2a9d8f"
MATRIX_KINDS = ("counts", "values")


def state_label(state: str, lang: str) -> str:
    """A tier's name, or "entering" / "leaving"."""
    return translate(f"value.tier.{state}" if state in TIER_COLORS else f"life.state.{state}", lang)


def stage_distribution_figure(summary: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Customers per stage beside the stages' revenue over the last 12 months
    (``lifecycle.stage_summary``)."""
    data = summary.set_index("stage").reindex(list(STAGES))
    labels = [translate(f"life.stage.{stage}", lang) for stage in STAGES]
    colors = [STAGE_COLORS[stage] for stage in STAGES]
    customer_pct = data["customer_share"].fillna(0).to_numpy() * 100
    revenue_pct = data["revenue_share"].fillna(0).to_numpy() * 100
    figure = make_subplots(rows=1, cols=2, horizontal_spacing=0.08, subplot_titles=(
        translate("life.fig.customers", lang), translate("life.fig.revenue_12m", lang)))
    figure.add_trace(go.Bar(
        x=labels, y=data["customers"].fillna(0), marker_color=colors, name=translate("life.fig.customers", lang),
        text=[f"{p:.0f}%" for p in customer_pct], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{y:,}<extra></extra>",
    ), row=1, col=1)
    figure.add_trace(go.Bar(
        x=labels, y=data["revenue_last_12m"].fillna(0), marker_color=colors, name=translate("life.fig.revenue_12m", lang),
        text=[f"{p:.0f}%" for p in revenue_pct], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
    ), row=1, col=2)
    figure.update_layout(showlegend=False, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return figure


def migration_sankey_figure(matrix: pd.DataFrame, lang: str = "en", kind: str = "counts") -> go.Figure:
    """Flows from the tiers at the first cut-off (and entering customers) on the left to the tiers
    at the second (and leaving customers) on the right; ``matrix`` is ``Migration.counts`` or
    ``Migration.values``. Nodes keep the tier order top to bottom."""
    _check_kind(kind)
    flows = matrix.reindex(index=list(BEFORE_STATES), columns=list(AFTER_STATES)).fillna(0).to_numpy(dtype=float)
    left = [s for s, total in zip(BEFORE_STATES, flows.sum(axis=1)) if total > 0]
    right = [s for s, total in zip(AFTER_STATES, flows.sum(axis=0)) if total > 0]
    node_of = {("before", s): i for i, s in enumerate(left)}
    node_of.update({("after", s): len(left) + i for i, s in enumerate(right)})
    sources, targets, amounts, link_colors = [], [], [], []
    for i, before in enumerate(BEFORE_STATES):
        for j, after in enumerate(AFTER_STATES):
            if flows[i, j] > 0:
                sources.append(node_of[("before", before)])
                targets.append(node_of[("after", after)])
                amounts.append(flows[i, j])
                link_colors.append(_transparent(STATE_COLORS[before], 0.4))
    unit = translate(f"life.fig.unit_{kind}", lang)
    figure = go.Figure(go.Sankey(
        arrangement="snap",
        valueformat=",.0f",
        valuesuffix=f" {unit}",
        node={
            "label": [state_label(s, lang) for s in left + right],
            "color": [STATE_COLORS[s] for s in left + right],
            "x": [0.001] * len(left) + [0.999] * len(right),
            "y": _stacked_positions(flows.sum(axis=1), left, BEFORE_STATES)
                 + _stacked_positions(flows.sum(axis=0), right, AFTER_STATES),
            "pad": 12,
            "line": {"color": "white", "width": 0.5},
        },
        link={"source": sources, "target": targets, "value": amounts, "color": link_colors},
    ))
    figure.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, font={"size": 12})
    return figure


def _stacked_positions(totals: np.ndarray, shown: list[str], states: tuple[str, ...]) -> list[float]:
    """Vertical node centres (0 top, 1 bottom) in state order, sized by their flows."""
    sizes = np.array([total for state, total in zip(states, totals) if state in shown], dtype=float)
    share = sizes / sizes.sum() if sizes.sum() > 0 else sizes
    centres = np.cumsum(share) - share / 2
    return [float(np.clip(c, 0.001, 0.999)) for c in centres]


def _transparent(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[k:k + 2], 16) for k in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def transition_heatmap_figure(matrix: pd.DataFrame, lang: str = "en", kind: str = "counts") -> go.Figure:
    """The transition matrix as a heatmap: rows the state at the first cut-off, columns at the
    second; the hover adds each cell's share of its row."""
    _check_kind(kind)
    data = matrix.reindex(index=list(BEFORE_STATES), columns=list(AFTER_STATES)).fillna(0)
    z = data.to_numpy(dtype=float)
    row_totals = z.sum(axis=1, keepdims=True)
    row_share = np.divide(z, row_totals, out=np.zeros_like(z), where=row_totals > 0) * 100
    figure = go.Figure(go.Heatmap(
        z=z, x=[state_label(s, lang) for s in AFTER_STATES], y=[state_label(s, lang) for s in BEFORE_STATES],
        colorscale="Blues", customdata=row_share, texttemplate="%{z:,.0f}", showscale=False,
        hovertemplate=translate("life.fig.matrix_hover", lang) + "<extra></extra>",
    ))
    figure.update_xaxes(title=translate("life.fig.after_axis", lang), side="top")
    figure.update_yaxes(title=translate("life.fig.before_axis", lang), autorange="reversed")
    figure.update_layout(margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return figure


def _check_kind(kind: str) -> None:
    if kind not in MATRIX_KINDS:
        raise ValueError(f"kind must be one of {MATRIX_KINDS}, got {kind!r}")


def order_history_figure(history: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Revenue (bars) and gross profit (line, when known) per period of one customer
    (``lifecycle.order_history``); the hover adds the number of orders."""
    figure = go.Figure()
    figure.add_trace(go.Bar(
        x=history["period"], y=history["revenue"], name=translate("life.fig.revenue", lang),
        marker_color=TIER_COLORS["A"], customdata=history["orders"],
        hovertemplate="%{x|%Y-%m}: %{y:,.0f} (%{customdata} " + translate("life.fig.orders", lang) + ")<extra></extra>",
    ))
    if history["gross_profit"].notna().any():
        figure.add_trace(go.Scatter(
            x=history["period"], y=history["gross_profit"], name=translate("life.fig.gross_profit", lang),
            mode="lines+markers", line={"color": PROFIT_COLOR, "width": 2},
            hovertemplate="%{x|%Y-%m}: %{y:,.0f}<extra></extra>",
        ))
    figure.update_layout(
        barmode="overlay", legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10, "t": 20, "b": 10},
        yaxis_title=translate("life.fig.amount", lang),
    )
    return figure
