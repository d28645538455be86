"""Figures of the customer lifecycle: stages, tier migration (Sankey and matrix), order history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.lifecycle import HISTORY_PERIODS, STAGES
from analytics.migration import AFTER_STATES, BEFORE_STATES, ENTERING, LEAVING
from analytics.value_model import TIERS
from ui import format as fmt
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
    return translate(f"value.tier.{state}" if state in TIERS else f"life.state.{state}", lang)


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
    ``Migration.values``. Nodes keep the tier order top to bottom.

    A flow must be positive to be drawn: a cell of the value matrix where returns outweigh
    purchases is left out here (the heatmap shows it), and nodes are sized by what is drawn.
    """
    _check_kind(kind)
    flows = matrix.reindex(index=list(BEFORE_STATES), columns=list(AFTER_STATES)).fillna(0).to_numpy(dtype=float)
    flows = np.where(flows > 0, flows, 0.0)
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


_PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_PANDAS_PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}


def period_labels(periods: pd.Series, period: str) -> list[str]:
    """Readable names of period starts: 2024-03, 2024 Q1 or 2024."""
    if period not in HISTORY_PERIODS:
        raise ValueError(f"period must be one of {HISTORY_PERIODS}, got {period!r}")
    starts = pd.to_datetime(periods)
    if period == "month":
        return list(starts.dt.strftime("%Y-%m"))
    if period == "quarter":
        return [f"{start.year} Q{start.quarter}" for start in starts]
    return list(starts.dt.strftime("%Y"))


def order_history_figure(history: pd.DataFrame, lang: str = "en", period: str = "month",
                         span: tuple | None = None) -> go.Figure:
    """Revenue (bars) and gross profit (line, when known) per ``period`` of one customer
    (``lifecycle.order_history``); the hover adds the number of orders.

    Each bar is centred in its period and 80% as wide: plotly would otherwise size bars by the
    smallest distance between them, and a customer with a single period would get a sliver on an
    axis of milliseconds. ``span`` (first and last date, e.g. the dataset's) widens the time axis
    to it, so a customer's silence before or after its orders shows as empty time.
    """
    labels = period_labels(history["period"], period)
    starts = pd.to_datetime(history["period"])
    lengths = (starts + pd.DateOffset(months=_PERIOD_MONTHS[period])) - starts
    middles = starts + lengths / 2
    figure = go.Figure()
    figure.add_trace(go.Bar(
        x=middles, y=history["revenue"], width=lengths.dt.total_seconds() * 1000 * 0.8,
        name=translate("life.fig.revenue", lang), marker_color=TIER_COLORS["A"],
        customdata=np.column_stack([labels, history["orders"]]) if labels else None,
        hovertemplate="%{customdata[0]}: %{y:,.0f} (%{customdata[1]} " + translate("life.fig.orders", lang)
                      + ")<extra></extra>",
    ))
    if history["gross_profit"].notna().any():
        figure.add_trace(go.Scatter(
            x=middles, y=history["gross_profit"], name=translate("life.fig.gross_profit", lang),
            mode="lines+markers", line={"color": PROFIT_COLOR, "width": 2}, customdata=labels,
            hovertemplate="%{customdata}: %{y:,.0f}<extra></extra>",
        ))
    figure.update_layout(
        barmode="overlay", legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10, "t": 20, "b": 10},
        yaxis_title=translate("life.fig.amount", lang),
    )
    figure.update_yaxes(**fmt.money_ticks(pd.concat([history["revenue"], history["gross_profit"]]), lang))
    # Months as ISO text like every date the app shows (plotly's own ticks name months in English).
    figure.update_xaxes(tickformat="%Y-%m")
    if span is not None and len(history):
        # From the start of the span's first period to the end of its last one, and never cutting a bar.
        first = min(pd.Timestamp(span[0]).to_period(_PANDAS_PERIODS[period]).start_time, starts.min())
        last = max((pd.Timestamp(span[1]).to_period(_PANDAS_PERIODS[period]) + 1).start_time, (starts + lengths).max())
        figure.update_xaxes(range=[first, last])
    return figure
