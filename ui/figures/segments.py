"""Figures of the customer-segment page."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from analytics.segments import PERCENT_FEATURES, Projection, Segmentation
from ui import format as fmt
from ui.figures.theme import ACCENT, NEUTRAL
from ui.i18n import TABLE, translate
from ui.markup import plot_text

NO_DATA_COLOR = "#d9d9d9"  # a heatmap cell without a value

SEGMENT_COLORS = px.colors.qualitative.Safe


def segment_names(profiles: pd.DataFrame, lang: str = "en") -> pd.Series:
    """Display name per cluster: the translated name, numbered when several clusters share it."""
    names = {}
    for cluster, row in profiles.iterrows():
        name = translate(row["name_key"], lang)
        if row["name_number"]:
            name = translate("seg.name_numbered", lang, name=name, number=int(row["name_number"]))
        names[cluster] = name
    return pd.Series(names, name="segment")


def _segment_color(cluster: int) -> str:
    return SEGMENT_COLORS[int(cluster) % len(SEGMENT_COLORS)]


def projection_figure(projection: Projection, profiles: pd.DataFrame, lang: str = "en",
                      customer_names: pd.Series | None = None) -> go.Figure:
    """Scatter of the sampled customers on the first two principal components, one colour a segment.

    ``customer_names`` (indexed by customer_id) is shown on hover; the id is used without it.
    """
    names = segment_names(profiles, lang)
    points = projection.points
    labels = points["customer_id"].astype(str)
    if customer_names is not None:
        labels = points["customer_id"].map(customer_names).fillna(labels).astype(str)
    customer = translate("seg.hover.customer", lang)
    figure = go.Figure()
    for cluster, group in points.groupby("cluster"):
        figure.add_trace(go.Scatter(
            x=group["x"], y=group["y"], mode="markers", name=names[cluster],
            marker={"color": _segment_color(cluster), "size": 6, "opacity": 0.7},
            customdata=labels.loc[group.index].map(plot_text),
            hovertemplate=f"{customer}: %{{customdata}}<extra>%{{fullData.name}}</extra>",
        ))
    first, second = projection.explained_variance_ratio
    figure.update_layout(
        title=translate("seg.projection.title", lang),
        xaxis_title=translate("seg.projection.axis", lang, number=1, share=first),
        yaxis_title=translate("seg.projection.axis", lang, number=2, share=second),
        legend={"itemsizing": "constant"},
    )
    return figure


def profile_heatmap(segmentation: Segmentation, lang: str = "en") -> go.Figure:
    """Segments x features: colour is the segment's mean in standard deviations from the average
    (on the log scale used for clustering); hover shows the plain average."""
    centers = segmentation.centers
    profiles = segmentation.profiles
    names = segment_names(profiles, lang).loc[centers.index]
    raw_means = profiles.reindex(index=centers.index, columns=centers.columns)
    shown_means = [[fmt.percent(value, lang) if column in PERCENT_FEATURES else fmt.number(value, lang)
                    for column, value in row.items()] for _, row in raw_means.iterrows()]
    average = translate("seg.profile.mean", lang)
    figure = go.Figure(go.Heatmap(
        # No colour where the segment has no average (a feature its customers lack, filled in for
        # the clustering only): a coloured cell beside "Average: –" read as a measured value.
        z=centers.where(raw_means.notna()).to_numpy(), hoverongaps=False,
        x=[translate(f"seg.feature.{column}", lang) for column in centers.columns],
        y=names.tolist(),
        customdata=shown_means,
        colorscale="RdBu", reversescale=True, zmid=0,
        colorbar={"title": translate("seg.profile.colorbar", lang)},
        hovertemplate=f"%{{y}} · %{{x}}<br>{average}: %{{customdata}}<br>z = %{{z:.2f}}<extra></extra>",
    ))
    # A blank cell shows the plot's grey, not the scale's white (which means "at the average").
    figure.update_layout(title=translate("seg.profile.title", lang), yaxis_autorange="reversed",
                         plot_bgcolor=NO_DATA_COLOR)
    return figure


def _tier_name(tier, lang: str) -> str:
    """"S 战略客户" rather than "S"; a column that is not a tier keeps its own label."""
    key = f"value.tier.{tier}"
    return translate(key, lang) if key in TABLE else str(tier)


def crosstab_heatmap(crosstab: pd.DataFrame, profiles: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Customers per segment (rows) and tier (columns) from ``cluster_tier_crosstab``."""
    names = segment_names(profiles, lang).loc[crosstab.index]
    figure = go.Figure(go.Heatmap(
        z=crosstab.to_numpy(),
        x=[_tier_name(tier, lang) for tier in crosstab.columns],
        y=names.tolist(),
        text=crosstab.to_numpy(), texttemplate="%{text:,}",
        colorscale="Blues", showscale=False,
        hovertemplate="%{y} · %{x}: %{z:,}<extra></extra>",
    ))
    figure.update_layout(
        title=translate("seg.crosstab.title", lang),
        xaxis_title=translate("seg.crosstab.tier", lang),
        xaxis_type="category",
        yaxis_autorange="reversed",
    )
    return figure


def silhouette_figure(silhouette: pd.Series, chosen: int, lang: str = "en") -> go.Figure:
    """Mean silhouette by number of segments tried; the number in use is highlighted."""
    counts = [int(k) for k in silhouette.index]
    figure = go.Figure(go.Bar(
        x=counts, y=silhouette.to_numpy(),
        marker_color=[ACCENT if k == chosen else NEUTRAL for k in counts],
        hovertemplate="%{x}: %{y:.3f}<extra></extra>",
    ))
    figure.update_layout(
        title=translate("seg.silhouette_title", lang),
        xaxis_title=translate("seg.n_clusters", lang),
        yaxis_title=translate("seg.silhouette", lang),
        xaxis={"tickmode": "array", "tickvals": counts},
    )
    return figure
