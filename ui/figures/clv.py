"""Figures of the lifetime-value page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.binning import DEFAULT_BINS, histogram
from analytics.clv.beta_geo import PURCHASE_MODEL_CHOICES, PurchaseModelChoice
from analytics.clv.fitting import FitSummary
from analytics.clv.lifetime_value import HoldoutCheck
from ui import format as fmt
from ui.figures.theme import ACCENT, NEUTRAL, TIER_COLORS
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


def distribution_figure(values: pd.Series, title_key: str, axis_key: str, lang: str = "en", bins: int = DEFAULT_BINS,
                        percent: bool = False) -> go.Figure:
    """Histogram of one per-customer prediction (lifetime value, probability still active), binned
    here: the figure carries one bar per bin, not every customer's value."""
    binned = histogram(values, bins)
    customers = translate("clv.dist.customers", lang)
    figure = go.Figure(go.Bar(
        x=binned.centers, y=binned.counts, width=binned.widths, marker_color=ACCENT,
        customdata=np.column_stack([binned.edges[:-1], binned.edges[1:]]),
        hovertemplate=(f"%{{customdata[0]:{'.1%' if percent else ',.0f'}}} – %{{customdata[1]:{'.1%' if percent else ',.0f'}}}"
                       f"<br>{customers}: %{{y:,}}<extra></extra>"),
    ))
    figure.update_layout(
        title=translate(title_key, lang),
        xaxis_title=translate(axis_key, lang),
        yaxis_title=customers,
        bargap=0.05,
    )
    if percent:
        figure.update_xaxes(tickformat=".0%")
    else:
        figure.update_xaxes(**fmt.money_ticks(binned.edges, lang))
    return figure


def tier_value_figure(per_tier: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Total lifetime value per tier (``clv.value_by_tier``: index S/A/B/C; columns clv_total,
    clv_mean, customers), each bar named and coloured by its tier."""
    tiers = [str(tier) for tier in per_tier.index]
    mean = translate("clv.tier.clv_mean", lang)
    customers = translate("clv.tier.customers", lang)
    figure = go.Figure(go.Bar(
        x=[translate(f"value.tier.{tier}", lang) for tier in tiers], y=per_tier["clv_total"],
        marker_color=[TIER_COLORS.get(tier, NEUTRAL) for tier in tiers],
        customdata=per_tier[["clv_mean", "customers"]].to_numpy(),
        hovertemplate=(f"%{{x}}: %{{y:,.0f}}<br>{mean}: %{{customdata[0]:,.0f}}"
                       f"<br>{customers}: %{{customdata[1]:,}}<extra></extra>"),
    ))
    figure.update_layout(
        title=translate("clv.tier.title", lang),
        xaxis_title=translate("clv.tier.tier", lang),
        yaxis_title=translate("clv.tier.clv_total", lang),
        xaxis_type="category",
    )
    figure.update_yaxes(**fmt.money_ticks(per_tier["clv_total"], lang))
    return figure


def parameter(value: float) -> str:
    """Parameters span orders of magnitude: four significant digits, thousands separated when large."""
    return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:.4g}"


def fit_rows(summary: FitSummary, lang: str = "en") -> pd.DataFrame:
    """A fitted model's parameters and fit statistics as (item, value) rows, in words."""
    rows = [(translate(f"clv.param.{name}", lang), parameter(value)) for name, value in summary.params.items()]
    if summary.model in ("bgnbd", "mbgnbd"):  # what a and b say, also when both run to millions (one shared probability)
        a, b = summary.params["a"], summary.params["b"]
        rows.append((translate("clv.param.mean_dropout", lang), f"{a / (a + b):.2%}"))
    rows += [
        (translate("clv.fit.log_likelihood", lang), f"{summary.log_likelihood:,.1f}"),
        (translate("clv.fit.customers", lang), f"{summary.n_customers:,}"),
        (translate("clv.fit.repeat_customers", lang), f"{summary.n_repeat_customers:,}"),
        (translate("clv.fit.converged", lang), translate("clv.fit.yes" if summary.converged else "clv.fit.no", lang)),
        (translate("clv.fit.iterations", lang), f"{summary.iterations:,}"),
    ]
    return pd.DataFrame(rows, columns=[translate("clv.fit.item", lang), translate("clv.fit.value", lang)])


def choice_text(choice: PurchaseModelChoice, lang: str = "en") -> str:
    """Which purchase model is used, why, and the log-likelihoods (of both models when compared)."""
    model = translate(f"clv.purchase_model.{choice.chosen}", lang)
    if choice.requested != "auto":
        return translate("clv.choice.picked", lang, model=model,
                         log_likelihood=f"{choice.log_likelihoods[choice.chosen]:,.1f}")
    likelihoods = {name: (f"{choice.log_likelihoods[name]:,.1f}" if name in choice.log_likelihoods
                          else translate("clv.choice.not_fitted", lang)) for name in PURCHASE_MODEL_CHOICES[1:]}
    return translate("clv.choice.auto", lang, model=model, **likelihoods)
