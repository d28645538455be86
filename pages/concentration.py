"""The 80/20 view in depth, one section at a time: Pareto curves, readouts, Gini, top-N shares and
HHI; the whale curve and the loss makers; the concentration risk and the largest customers."""

import pandas as pd
import streamlit as st

from analytics import concentration
from ui import database, filters, settings, sharing, tables
from ui import format as fmt
from ui.figures.concentration import (
    customer_table,
    inverse_readout,
    pareto_figure,
    positive_total_note,
    risk_gauge,
    risk_sentence,
    top_readout,
    whale_figure,
    whale_sentence,
)
from ui.language import lang, option_labels, t
from ui.layout import page_end

METRICS = {"revenue": "revenue", "gross_profit": "gross_profit", "value": "value"}
TOP_CUSTOMERS = 20
SECTION_KEY = "conc_section"
SECTIONS = ("curves", "profit", "risk")
LOSS_MAKERS_SHOWN = 100


def ranked_metrics(table: pd.DataFrame) -> dict[str, concentration.RankedMetric]:
    """Every metric that can be ranked; for the others, a note saying why not (missing cost data
    is said where profit is shown: the whale curve and the loss makers)."""
    ranked, undefined = concentration.rank_columns(table, METRICS.values())
    for metric, column in METRICS.items():
        if column in undefined and undefined[column].message_key != "conc.error.missing_metric":
            st.info(t("conc.metric_note", metric=t(f"conc.metric.{metric}"), note=t(undefined[column].message_key)))
    return {metric: ranked[column] for metric, column in METRICS.items() if column in ranked}


def curves_and_readouts(ranked: dict[str, concentration.RankedMetric]) -> None:
    st.subheader(t("conc.page.readouts"))
    left, right = st.columns(2)
    top = left.slider(t("conc.page.top_slider"), 1, 100, format="%d%%", **settings.widget("conc_top_share", 20)) / 100
    share = right.slider(t("conc.page.share_slider"), 1, 100, format="%d%%",
                         **settings.widget("conc_value_share", 80)) / 100
    for metric, metric_ranked in ranked.items():
        left.markdown(top_readout(metric, top, concentration.share_of_top(metric_ranked, top), lang()))
        right.markdown(inverse_readout(metric, share, concentration.customers_for_share(metric_ranked, share), lang()))
    curves = {metric: concentration.pareto_curve(r, marks=(top,)) for metric, r in ranked.items()}
    st.plotly_chart(pareto_figure(curves, mark_share=top, lang=lang()))
    for metric, metric_ranked in ranked.items():
        if note := positive_total_note(metric, metric_ranked, t("conc.section.profit"), lang()):
            st.caption(note)


def measures(ranked: dict[str, concentration.RankedMetric]) -> None:
    """Gini, HHI and top-N shares, one column per metric."""
    st.subheader(t("conc.page.measures"))
    summaries = {metric: concentration.concentration_summary(r) for metric, r in ranked.items()}
    rows = {
        t("conc.kpi.gini"): [fmt.number(s.gini, lang(), 3) for s in summaries.values()],
        t("conc.kpi.hhi"): [fmt.number(s.hhi, lang(), 0) for s in summaries.values()],
    }
    for n in concentration.DEFAULT_TOP_NS:
        rows[fmt.counted(n, "top_customers", lang())] = [fmt.share(s.top_shares[n], lang()) for s in summaries.values()]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=[t(f"conc.metric.{m}") for m in summaries])
    tables.dataframe(table.rename_axis(t("conc.page.measure")).reset_index(), hide_index=True)
    st.caption(t("conc.page.measures_help", gini=t("conc.kpi.gini"), gini_help=t("conc.kpi.gini_help"),
                 hhi=t("conc.kpi.hhi"), hhi_help=t("conc.kpi.hhi_help")))


def whale(table: pd.DataFrame, selection: filters.CustomerSelection) -> None:
    st.subheader(t("conc.page.whale"))
    if not selection.has_profit:
        st.info(t("data.no_cost"))
        return
    try:
        curve = concentration.whale_curve(filters.ranked(table, "gross_profit"))
    except concentration.ConcentrationUndefined as undefined:
        st.info(t(undefined.message_key))
        return
    st.markdown(whale_sentence(curve, lang()))
    st.plotly_chart(whale_figure(curve, lang()))


def risk(revenue: concentration.RankedMetric | None) -> None:
    st.subheader(t("conc.risk.title"))
    with st.expander(t("conc.page.thresholds")):
        filters.risk_threshold_inputs()
        sharing.thresholds_panel("risk")
    thresholds, valid = settings.risk_thresholds()
    if not valid:
        st.error(t("conc.page.bad_thresholds"))
    if revenue is None:
        return  # ranked_metrics already said why
    verdict = concentration.concentration_risk(revenue, thresholds)
    left, right = st.columns(2)
    left.plotly_chart(risk_gauge(verdict, lang()))
    right.markdown(risk_sentence(verdict, lang()))
    right.caption(t(
        "conc.risk.thresholds", n=thresholds.top_n, share_moderate=fmt.share(thresholds.top_share_moderate, lang()),
        share_high=fmt.share(thresholds.top_share_high, lang()), hhi_moderate=fmt.number(thresholds.hhi_moderate, lang(), 0),
        hhi_high=fmt.number(thresholds.hhi_high, lang(), 0),
    ))


def top_customers(table: pd.DataFrame, revenue: concentration.RankedMetric | None) -> None:
    top = table.nlargest(TOP_CUSTOMERS, "revenue")
    st.subheader(t("conc.page.top_customers", n=len(top)))
    shares = None if revenue is None else top["revenue"].clip(lower=0) / revenue.total
    tables.dataframe(customer_table(top, lang(), shares), hide_index=True, height="content")  # all 20, no inner scroll


def loss_makers(table: pd.DataFrame, selection: filters.CustomerSelection) -> None:
    st.subheader(t("conc.page.loss_makers"))
    if not selection.has_profit:
        st.info(t("data.no_cost"))
        return
    losing = table[table["gross_profit"] < 0]
    if losing.empty:
        st.markdown(t("conc.whale.no_losses"))
        return
    shown = losing.nsmallest(LOSS_MAKERS_SHOWN, "gross_profit")
    st.caption(t("conc.page.loss_makers_shown", shown=fmt.count(len(shown), lang()), total=fmt.count(len(losing), lang())))
    tables.dataframe(customer_table(shown, lang()), hide_index=True)


def sections() -> None:
    selection = filters.customer_selection(database.active_dataset())
    if selection.features.empty:
        st.info(t("app.no_customers"))
        return
    table = filters.value_table(selection)
    ranked = ranked_metrics(table)
    # One section at a time: drawn together, the three figures and three tables kept the browser
    # busy about a second on every visit at 100,000 customers (bench/bench_pages_browser.py).
    section = settings.section_switch(t("conc.section.pick"), list(SECTIONS), option_labels("conc.section."),
                                      SECTION_KEY)
    match section:
        case "curves":
            if ranked:
                curves_and_readouts(ranked)
                measures(ranked)
        case "profit":
            whale(table, selection)
            loss_makers(table, selection)
        case "risk":
            risk(ranked.get("revenue"))
            top_customers(table, ranked.get("revenue"))  # below the verdict: beside it, columns were cut off


def render() -> None:
    database.require_store()
    st.title(t("nav.concentration"))
    sections()
    page_end()


render()
