"""Segments page: group customers who behave alike, name the groups, set them against the tiers.

Segmentations are cached (``ui.cache``) per dataset version, method and number of segments, so
switching back and forth between choices does not refit.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import segments
from analytics.datasets import Dataset
from ui import cache, database, models, settings, tables
from ui import format as fmt
from ui.figures.segments import (
    crosstab_heatmap,
    profile_heatmap,
    projection_figure,
    segment_names,
    silhouette_figure,
)
from ui.language import lang, option_labels, t, translated_options
from ui.layout import page_end

METHOD_KEY = "seg_method"
AUTO_KEY = "seg_auto"
CLUSTERS_KEY = "seg_clusters"
MIN_CLUSTERS, MAX_CLUSTERS = 2, 8  # the range the automatic choice searches (segment_customers' default)
DEFAULT_CLUSTERS = 4
SHARE_COLUMNS = ("share", "revenue_share", "gross_profit_share", "potential_value_share")
SECTION_KEY = "seg_section"
SECTIONS = ("map", "traits", "tiers")


def choice_controls() -> tuple[str, int | None]:
    """Method and number of segments (None: the best silhouette)."""
    method_column, count_column = st.columns(2)
    method = method_column.radio(t("seg.method"), segments.METHODS, key=translated_options(METHOD_KEY), horizontal=True,
                                 format_func=option_labels("seg.method."))
    automatic = count_column.toggle(t("seg.n_clusters.auto"), value=True, key=AUTO_KEY)
    if automatic:
        return method, None
    return method, count_column.slider(t("seg.n_clusters"), MIN_CLUSTERS, MAX_CLUSTERS, DEFAULT_CLUSTERS,
                                       key=CLUSTERS_KEY)


def profiles_table(profiles: pd.DataFrame) -> None:
    """Size, shares and plain averages per segment, named in the current language."""
    shares = {t(f"seg.col.{c}"): profiles[c] * 100 for c in SHARE_COLUMNS if c in profiles.columns}
    means, percents = {}, set()
    for feature in dict.fromkeys(segments.CLUSTER_FEATURES + ("gross_profit",)):
        if feature in profiles.columns:
            name = t("seg.col.mean", feature=t(f"seg.feature.{feature}"))
            if feature in segments.PERCENT_FEATURES:  # 0.034 shown as 3.4%, not as 0.0
                means[name] = profiles[feature] * 100
                percents.add(name)
            else:
                means[name] = profiles[feature].round(1)
    table = pd.DataFrame({
        t("seg.col.segment"): segment_names(profiles, lang()),
        t("seg.col.customers"): profiles["customers"],
        **shares,
        **means,
    })
    tables.dataframe(table, hide_index=True, column_config={
        t("seg.col.customers"): st.column_config.NumberColumn(format="localized"),
        **{name: st.column_config.NumberColumn(format="%.1f%%") for name in [*shares, *percents]},
        # One decimal on every row ("7.0" beside "24.6"), grouped by thousands.
        **{name: st.column_config.NumberColumn(format="localized", step=0.1) for name in means if name not in percents},
    })


def map_section(method: str, n_clusters: int | None, segmentation: segments.Segmentation, dataset: Dataset) -> None:
    st.subheader(t("seg.section.map"))
    projection = models.segment_map(dataset, method, n_clusters)
    names = cache.features(dataset).set_index("customer_id")["name"]
    st.plotly_chart(projection_figure(projection, segmentation.profiles, lang(), names),
                    width="stretch", key="seg_projection")
    st.caption(t("seg.projection.note", shown=len(projection.points), total=len(segmentation.labels)))


def traits_section(segmentation: segments.Segmentation) -> None:
    st.subheader(t("seg.section.traits"))
    st.plotly_chart(profile_heatmap(segmentation, lang()), width="stretch", key="seg_heatmap")


def tiers_section(segmentation: segments.Segmentation, dataset: Dataset) -> None:
    st.subheader(t("seg.section.tiers"))
    st.caption(t("seg.crosstab.note"))
    crosstab = segments.cluster_tier_crosstab(segmentation.labels, models.tiers(dataset))
    st.plotly_chart(crosstab_heatmap(crosstab, segmentation.profiles, lang()), width="stretch",
                    key="seg_crosstab")


def sections() -> None:
    dataset = database.active_dataset()
    method, n_clusters = choice_controls()
    try:
        with st.spinner(t("seg.computing")):
            searched = models.segmentation(dataset, method)
            chosen = searched if n_clusters is None else models.segmentation(dataset, method, n_clusters)
    except segments.SegmentationError as error:
        st.warning(t(f"seg.error.{error.reason}", **{k: fmt.count(v, lang()) for k, v in error.counts.items()}))
        return
    st.caption(t("seg.potential.used" if models.potential(dataset).fitted else "seg.potential.not_used"))

    st.subheader(t("seg.section.choice"))
    st.info(t("seg.chosen", clusters=chosen.n_clusters, score=chosen.silhouette.max()))
    highlighted = searched.silhouette.idxmax() if n_clusters is None else n_clusters  # idxmax: ties go to fewer
    st.plotly_chart(silhouette_figure(searched.silhouette, highlighted, lang()), width="stretch",
                    key="seg_silhouette")

    st.divider()
    st.subheader(t("seg.section.profiles"))
    profiles_table(chosen.profiles)
    st.divider()
    # One figure below at a time: the four figures drawn together kept the browser busy about a
    # second on every visit at 100,000 customers (bench/bench_pages_browser.py).
    section = settings.section_switch(t("seg.section.pick"), list(SECTIONS), option_labels("seg.switch."),
                                      SECTION_KEY)
    match section:
        case "map":
            map_section(method, n_clusters, chosen, dataset)
        case "traits":
            traits_section(chosen)
        case "tiers":
            tiers_section(chosen, dataset)


def render() -> None:
    database.require_store()
    st.title(t("seg.title"))
    st.caption(t("seg.intro"))
    sections()
    page_end()


render()
