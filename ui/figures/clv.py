"""Figures of the lifetime-value page."""

from __future__ import annotations

import plotly.graph_objects as go

from analytics.clv import HoldoutCheck
from ui.figures.theme import ACCENT, NEUTRAL
from ui.i18n import translate


def holdout_figure(check: HoldoutCheck, lang: str = "en") -> go.Figure:
    """Mean purchases after the split, actual vs predicted, by repeat purchases before it.

    The chart of Fader, Hardie & Lee (2005, fig. 4): if the lines agree, the model can be
    trusted to rank customers by what they will buy.
    """
    table = check.by_calibration_purchases
    labels = [str(b) for b in table.index[:-1]] + [f"{table.index[-1]}+"]
    customers = translate("clv.holdout.customers", lang)
    hover = f"%{{x}}: %{{y:.2f}}<br>{customers}: %{{customdata:,}}<extra>%{{fullData.name}}</extra>"
    figure = go.Figure()
    for column, colour, dash in (("actual", NEUTRAL, "solid"), ("predicted", ACCENT, "dash")):
        figure.add_trace(go.Scatter(
            x=labels, y=table[column], name=translate(f"clv.holdout.{column}", lang),
            mode="lines+markers", line={"color": colour, "dash": dash},
            customdata=table["customers"], hovertemplate=hover,
        ))
    figure.update_layout(
        title=translate("clv.holdout.title", lang),
        xaxis_title=translate("clv.holdout.x", lang),
        yaxis_title=translate("clv.holdout.y", lang),
        xaxis_type="category",
        legend={"orientation": "h", "y": -0.2},
    )
    return figure
