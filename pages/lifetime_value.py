"""Lifetime value page: fit the purchase and spend models, check them on a holdout, see the value.

The fit on the whole history (``models.lifetime_fit``) gives the value model its potential
dimension; the horizon, discount rate and purchase model set here (``settings.lifetime_settings``)
apply on every page.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics.clv.beta_geo import PURCHASE_MODEL_CHOICES, PurchaseModelChoice
from analytics.clv.fitting import FitSummary, InsufficientDataError
from analytics.clv.lifetime_value import value_by_tier
from analytics.datasets import Dataset
from analytics.potential import LifetimeFit, default_calibration_end
from analytics.value_model import TIERS
from ui import cache, database, models, settings, tables
from ui import format as fmt
from ui.figures.clv import choice_text as figure_choice_text
from ui.figures.clv import distribution_figure, fit_rows, holdout_figure, tier_value_figure
from ui.language import lang, option_labels, t, translated_options
from ui.layout import page_end

MAX_HORIZON_MONTHS = 120
VALUE_CHART_QUANTILE = 0.99
TOP_CUSTOMERS = 20
MONEY = ("clv", "expected_gross_profit")  # shown in whole units
SECTION_KEY = "clv_section"
SECTIONS = ("validation", "distribution", "tiers", "top")


def settings_inputs() -> None:
    """Horizon, discount rate and purchase model: the session's ``settings.lifetime_settings``."""
    defaults = settings.DEFAULT_LIFETIME
    horizon, discount, model = st.columns(3)
    horizon.number_input(t("clv.horizon_months"), 1, MAX_HORIZON_MONTHS, step=1, help=t("clv.horizon_help"),
                         **settings.widget(settings.HORIZON_KEY, defaults.months))
    discount.number_input(t("clv.discount_rate"), 0.0, 100.0, step=1.0, format="%.1f", help=t("clv.discount_help"),
                          **settings.widget(settings.DISCOUNT_PERCENT_KEY, defaults.annual_discount_rate * 100))
    model.radio(t("clv.purchase_model"), PURCHASE_MODEL_CHOICES, format_func=option_labels("clv.purchase_model."),
                help=t("clv.purchase_model_help"),
                **settings.widget(translated_options(settings.PURCHASE_MODEL_KEY), defaults.purchase_model))


def model_summary(summary: FitSummary) -> None:
    st.markdown(f"**{t(f'clv.model.{summary.model}')}**")  # a translated model name, no user text
    tables.dataframe(fit_rows(summary, lang()), hide_index=True)


def choice_text(choice: PurchaseModelChoice) -> str:
    return figure_choice_text(choice, lang())


def fit_section(fit: LifetimeFit) -> None:
    st.subheader(t("clv.section.fit"))
    st.markdown(choice_text(fit.choice))
    one_time = int((fit.summary["frequency"] == 0).sum())
    st.caption(t(f"clv.alive_note.{fit.choice.chosen}", one_time=one_time))
    for column, model in zip(st.columns(2), (fit.purchases, fit.spend)):
        if model is not None:
            with column:
                model_summary(model.fit)


def validation_section(dataset: Dataset) -> None:
    st.subheader(t("clv.section.validation"))
    first, last = dataset.date_min, dataset.date_max
    if first is None or (last - first).days < 2:
        st.warning(t("clv.error.no_holdout_period", calibration_end=fmt.day(last, lang())))
        return
    one_day = dt.timedelta(days=1)
    split = st.date_input(t("clv.split_date"), value=default_calibration_end(first, last), min_value=first + one_day,
                          max_value=last - one_day, key=f"clv_split_{dataset.dataset_id}_{dataset.version}",
                          help=t("clv.split_help"))
    try:
        with st.spinner(t("clv.checking")):
            check, choice = models.holdout_check(dataset, split)
    except InsufficientDataError as error:  # here the split date is what the user can change
        advice = t("clv.advice.later_split") if error.reason == "too_few_repeat_customers" else ""
        reason = t(f"clv.error.{error.reason}", **{k: fmt.count(v, lang()) for k, v in error.counts.items()})
        st.warning(fmt.sentences([reason, advice], lang()))
        return
    st.caption(choice_text(choice))
    mae, actual, predicted = st.columns(3)
    mae.metric(t("clv.holdout.mae"), fmt.number(check.mean_absolute_error, lang(), 2))
    actual.metric(t("clv.holdout.actual_total"), fmt.number(check.actual_total, lang(), 0))
    predicted.metric(t("clv.holdout.predicted_total"), fmt.number(check.predicted_total, lang(), 0),
                     delta=f"{check.predicted_total - check.actual_total:+,.0f}", delta_color="off")
    st.plotly_chart(holdout_figure(check, lang()), width="stretch", key="clv_holdout")


def distribution_section(predictions: pd.DataFrame) -> None:
    st.subheader(t("clv.section.distribution"))
    limit = predictions["clv"].quantile(VALUE_CHART_QUANTILE)
    value, alive = st.columns(2)
    value.plotly_chart(distribution_figure(predictions.loc[predictions["clv"] <= limit, "clv"],
                                           "clv.dist.value_title", "clv.col.clv", lang()),
                       width="stretch", key="clv_value_histogram")
    value.caption(t("clv.dist.clipped", limit=fmt.money(limit, lang())))
    alive.plotly_chart(distribution_figure(predictions["probability_alive"], "clv.dist.alive_title",
                                           "clv.col.probability_alive", lang(), percent=True),
                       width="stretch", key="clv_alive_histogram")


def tier_names() -> dict[str, str]:
    return {tier: t(f"value.tier.{tier}") for tier in TIERS}


def tier_section(predictions: pd.DataFrame, dataset: Dataset, with_profit: bool) -> None:
    st.subheader(t("clv.section.tiers"))
    st.caption(t("clv.tier.note"))
    tiers = models.tiers(dataset)
    table = value_by_tier(predictions, tiers)
    left_out = len(tiers) - int(table["customers"].sum())
    if left_out > 0:  # the tiers count every customer, the model only those with a purchase day
        st.caption(t("clv.tier.left_out", count=fmt.count(left_out, lang())))
    columns = ["customers", "clv_total", "clv_mean"] + (["profit_total"] if with_profit else []) + [
        "clv_share", "alive_mean"]
    percents = ("clv_share", "alive_mean")
    shown = table[columns].apply(lambda column: (column * 100).round(1) if column.name in percents else column.round(0))
    shown.insert(0, "tier", table.index.map(tier_names()))
    labels = {"tier": t("clv.tier.tier"), **{c: t(f"clv.tier.{c}") for c in columns}}
    formats = {c: "%.1f%%" if c in percents else "localized" for c in columns}
    st.plotly_chart(tier_value_figure(table, lang()), width="stretch", key="clv_tier_value")
    tables.dataframe(shown.rename(columns=labels), hide_index=True, column_config={
        labels[c]: st.column_config.NumberColumn(format=formats[c]) for c in columns
    })


def top_section(predictions: pd.DataFrame, dataset: Dataset, with_profit: bool) -> None:
    st.subheader(t("clv.section.top"))
    names = cache.features(dataset).set_index("customer_id")["name"]
    top = predictions.nlargest(TOP_CUSTOMERS, "clv").join(models.tiers(dataset))
    columns = ["probability_alive", "expected_purchases", "clv"] + (["expected_gross_profit"] if with_profit else [])
    shown = pd.DataFrame({  # named as in the other customer tables; the id stands in for a missing name
        t("value.col.name"): names.reindex(top.index).fillna(top.index.to_series()).to_numpy(),
        t("clv.tier.tier"): top["tier"].map(tier_names()).to_numpy(),
        **{t(f"clv.col.{c}"): (top[c].round(0) if c in MONEY else top[c]).to_numpy() for c in columns},
    })
    tables.dataframe(shown, hide_index=True, column_config={  # widths: every column fits beside the sidebar
        t("value.col.name"): st.column_config.TextColumn(width=200),
        # One decimal on every row (98.9% beside 99.8%, not 99.83%).
        t("clv.col.probability_alive"): st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1,
                                                                         step=0.001, width=130),
        t("clv.col.expected_purchases"): st.column_config.NumberColumn(format="%.1f"),
        t("clv.col.clv"): st.column_config.NumberColumn(format="localized"),
        t("clv.col.expected_gross_profit"): st.column_config.NumberColumn(format="localized"),
    })


def sections() -> None:
    dataset = database.active_dataset()
    settings_inputs()
    with st.spinner(t("clv.fitting")):
        fit = models.lifetime_fit(dataset)
        predictions = models.predictions(dataset)
    (st.success if fit.fitted else st.warning)(models.potential_note(dataset))
    if fit.purchases is not None:
        fit_section(fit)
    shown = [name for name in SECTIONS if (name == "validation" and fit.purchases is not None)
             or (name != "validation" and predictions is not None)]
    if not shown:
        return
    st.divider()
    # One section at a time: drawn together, the four figures and three tables kept the browser busy
    # over a second on every visit at 100,000 customers (bench/bench_pages_browser.py).
    section = settings.section_switch(t("clv.section.pick"), shown, option_labels("clv.switch."), SECTION_KEY)
    with_profit = models.potential(dataset).measure == "expected_gross_profit"
    match section:
        case "validation":
            validation_section(dataset)
        case "distribution":
            distribution_section(predictions)
        case "tiers":
            tier_section(predictions, dataset, with_profit)
        case "top":
            top_section(predictions, dataset, with_profit)


def render() -> None:
    database.require_store()
    st.title(t("clv.title"))
    st.caption(t("clv.intro"))
    st.caption(t("clv.returns_rule"))
    sections()
    page_end()


render()
