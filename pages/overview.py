"""Executive overview, the landing page: on one screen, how concentrated the business is, which
customers carry it, which ones cost money and how dependent it is on a handful of accounts."""

import math

import pandas as pd
import streamlit as st

from analytics import concentration
from analytics.kpis import overview_kpis
from ui import database, filters, settings, tables
from ui import format as fmt
from ui.figures.concentration import customer_table, pareto_figure, risk_sentence, whale_sentence
from ui.figures.theme import TIER_COLORS
from ui.figures.value import pyramid_figure
from ui.language import lang, t, translated_options
from ui.layout import count_card, page_end
from ui.report_actions import report_actions

VERDICT_BOXES = {"low": st.success, "moderate": st.warning, "high": st.error}


def kpi_cards(selection: filters.CustomerSelection) -> None:
    kpis = overview_kpis(selection.features, active_days=filters.ACTIVE_DAYS).loc["all"]
    # Two rows of three: six cards in a row were cut off below about 1,440 px with the sidebar open
    # ("3,…", "Top 20%'s rev…" at 1,280 px).
    customers, active, revenue = st.columns(3)
    profit, margin, top20 = st.columns(3)
    count_card(customers, t("data.col_customers"), kpis["customers"])
    count_card(active, t("conc.kpi.active"), kpis["active_customers"],
               t("conc.kpi.active_customers", days=filters.ACTIVE_DAYS))
    money_metric(revenue, "conc.kpi.revenue", kpis["revenue"])
    money_metric(profit, "conc.kpi.gross_profit", kpis["gross_profit"])
    margin.metric(t("conc.kpi.margin_pct"), fmt.percent(kpis["margin_pct"] / 100, lang()),
                  help=t("conc.kpi.margin_help"), border=True)
    top20.metric(t("conc.kpi.top20"), fmt.share(kpis["top20_share"], lang()), help=t("conc.kpi.top20_help"),
                 border=True)
    if not selection.has_profit:
        st.info(t("data.no_cost"))


def money_metric(slot, label_key: str, value: float) -> None:
    """A compact amount on the card, the exact one in its help; the missing marker when unknown."""
    exact = None if math.isnan(value) else t("conc.kpi.exact", amount=f"{value:,.2f}")
    slot.metric(t(label_key), fmt.compact(value, lang()), help=exact, border=True)


def dependency(ranked: dict[str, concentration.RankedMetric],
               undefined: dict[str, concentration.ConcentrationUndefined],
               selection: filters.CustomerSelection) -> concentration.RiskVerdict | None:
    """The risk verdict with its two-sided note, and the loss makers; None when revenue cannot be
    ranked (the note says why)."""
    st.subheader(t("conc.overview.dependency"))
    if "revenue" not in ranked:
        undefined_note("revenue", undefined["revenue"])
        return None
    revenue = ranked["revenue"]
    thresholds, _ = settings.risk_thresholds()
    verdict = concentration.concentration_risk(revenue, thresholds)
    VERDICT_BOXES[verdict.level](risk_sentence(verdict, lang()))
    if verdict.level == "low":  # risk_sentence adds the note from moderate up; the overview always shows it
        st.caption(t("conc.risk.note"))
    if selection.has_profit:
        problem = undefined.get("gross_profit")
        if problem is None:
            try:
                st.markdown(whale_sentence(concentration.whale_curve(ranked["gross_profit"]), lang()))
            except concentration.ConcentrationUndefined as no_profit:
                problem = no_profit
        if problem is not None:
            undefined_note("gross_profit", problem)
    return verdict


def largest_customers(table: pd.DataFrame, top_n: int) -> None:
    """The customers the verdict counts, with their share of revenue; full width, so every column shows."""
    st.markdown(f"**{t('conc.overview.largest', n=top_n)}**")
    largest = table.nlargest(top_n, "revenue")
    shares = largest["revenue"].clip(lower=0) / table["revenue"].clip(lower=0).sum()
    tables.dataframe(customer_table(largest, lang(), shares), hide_index=True)


def undefined_note(metric: str, undefined: concentration.ConcentrationUndefined) -> None:
    st.info(t("conc.metric_note", metric=t(f"conc.metric.{metric}"), note=t(undefined.message_key)))


def pyramid(table: pd.DataFrame, selection: filters.CustomerSelection) -> None:
    st.subheader(t("conc.overview.pyramid"))
    options = ["value_share", "revenue_share"] + (["gross_profit_share"] if selection.has_profit else [])
    labels = {option: t(f"value.fig.{option}") for option in options}
    share = st.radio(t("conc.overview.pyramid_share"), options, horizontal=True, key=translated_options("overview_pyramid_share"),
                     format_func=labels.get)
    st.plotly_chart(pyramid_figure(filters.pyramid(selection, table), lang(), share=share))


def curve(ranked: dict[str, concentration.RankedMetric]) -> None:
    st.subheader(t("conc.overview.curve"))
    # The KPI cards and the notes already say which measure cannot be ranked.
    curves = {metric: concentration.pareto_curve(metric_ranked, marks=(0.2,)) for metric, metric_ranked in ranked.items()}
    if curves:
        st.plotly_chart(pareto_figure(curves, mark_share=0.2, lang=lang()))


def strategy_lines(table: pd.DataFrame, selection: filters.CustomerSelection) -> None:
    """One line per tier: its weight in the business, the relationship to aim for, the first action."""
    st.subheader(t("conc.overview.strategy"))
    for card in filters.strategy_cards(selection, table, top_n=0):
        swatch = f'<span style="color:{TIER_COLORS[card.tier]}">&#9632;</span>'
        line = t(
            "conc.overview.strategy_line", tier=t(f"value.tier.{card.tier}"), customers=fmt.counted(card.customers, "customers", lang()),
            revenue_share=fmt.share(card.revenue_share, lang()),
            level=t("value.card.target_level", level=t(f"value.level.{card.target_level}")),
            action=t(card.actions[0]),
        )
        # Translations, codes and formatted numbers only (no customer or dataset text): HTML for the swatch.
        st.markdown(f"{swatch} {line}", unsafe_allow_html=True)


def report(selection: filters.CustomerSelection) -> None:
    """The executive report of what this page shows, to send to those who do not open the dashboard."""
    st.subheader(t("report.title"))
    report_actions(selection.dataset, selection, "overview_report")


def sections() -> None:
    selection = filters.customer_selection(database.active_dataset())
    if selection.features.empty:
        st.info(t("app.no_customers"))
        return
    kpi_cards(selection)
    table = filters.value_table(selection)
    # Ranked once for the curve and the dependency verdict (at 10M customers, a sort each).
    ranked, undefined = concentration.rank_columns(table, ("revenue", "gross_profit", "value"))
    left, right = st.columns(2)
    with left:
        pyramid(table, selection)
    with right:
        curve(ranked)
    left, right = st.columns(2)
    with left:
        verdict = dependency(ranked, undefined, selection)
    with right:
        strategy_lines(table, selection)
    if verdict is not None:
        largest_customers(table, verdict.top_n)
    report(selection)


def render() -> None:
    database.require_store()
    st.title(t("nav.overview"))
    sections()
    page_end()


render()
