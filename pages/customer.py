"""Customer page: one customer's order history, value breakdown, tier now and a year before,
lifecycle stage, and the relationship level and actions of its tier.

Other pages link here with ``?customer_id=...`` (``st.page_link(..., query_params=...)``) or by
setting ``st.session_state["customer_id"]``.
"""


import pandas as pd
import streamlit as st

from analytics import lifecycle, migration
from analytics.value_model import CustomerExplanation, explain_customer
from ui import cache, database, models, settings, tables
from ui import format as fmt
from ui.figures import lifecycle as figures
from ui.figures.value import dimension_breakdown_figure
from ui.i18n import TABLE
from ui.language import lang, t, translated_options
from ui.layout import card_count, page_end
from ui.markup import md
from ui.report_actions import account_actions

CUSTOMER_KEY = "customer_id"
MAX_MATCHES = 200


def pick_customer(features: pd.DataFrame) -> str | None:
    """Search box and a list of matches (largest revenue first); the requested customer is preselected."""
    requested = st.query_params.get(CUSTOMER_KEY) or st.session_state.get(CUSTOMER_KEY)
    query = st.text_input(t("life.customer.search"), key="customer_query").strip()
    found = features
    if query:
        found = features[features["customer_id"].str.contains(query, case=False, regex=False)
                         | features["name"].str.contains(query, case=False, regex=False, na=False)]
    if found.empty:
        st.info(t("life.customer.no_match", query=md(query)))
        return None
    listed = found.sort_values(["revenue", "customer_id"], ascending=[False, True], kind="stable").head(MAX_MATCHES)
    if not query and requested is not None and requested not in set(listed["customer_id"]):
        listed = pd.concat([features[features["customer_id"] == requested], listed])
    options = listed["customer_id"].tolist()
    names = dict(zip(listed["customer_id"], listed["name"]))
    st.caption(t("life.customer.matches", shown=fmt.count(len(options), lang()), total=fmt.count(len(found), lang())))
    picked = st.selectbox(
        t("life.customer.pick"), options, index=options.index(requested) if requested in options else 0,
        format_func=lambda c: f"{names[c]} ({c})" if names[c] != c else c, key=f"customer_pick:{query}",
    )
    if picked != requested:
        st.session_state[CUSTOMER_KEY] = picked
        st.query_params[CUSTOMER_KEY] = picked
    return picked


def _money_metric(slot, label_key: str, value: float) -> None:
    """A compact amount on the card, the exact one in its help; the missing marker when unknown."""
    slot.metric(t(label_key), fmt.compact(value, lang()), help=None if pd.isna(value) else f"{value:,.2f}",
                border=True)


def _tier_before(dataset, customer_id: str, as_of) -> tuple[str, str | None]:
    """The customer's tier at ``as_of`` under today's weights and tier settings, with a help text
    when there is none."""
    method, shares = settings.tier_settings()
    try:
        weights = models.effective_weights(models.dimension_scores(dataset))
        then = migration.tiers_from_scores(models.dimensions_at(dataset, as_of), weights, method, shares)
    except ValueError:
        return fmt.missing(lang()), t("life.customer.no_tiers_then")
    tier = then.loc[then["customer_id"] == customer_id, "tier"]
    if tier.empty:
        return t("life.customer.not_yet"), t("life.customer.not_yet_help", date=fmt.day(as_of, lang()))
    return t(f"value.tier.{tier.iloc[0]}"), None


def _rhythm_text(stage: pd.Series) -> str:
    """The buying rhythm the stage was judged by, in words that fit the customer's history."""
    recency = fmt.counted(stage["recency_days"], "days", lang())
    tenure = fmt.counted(stage["tenure_days"], "days", lang())
    if stage["purchase_days"] == 0:
        return t("life.customer.rhythm_returns_only", recency=recency, tenure=tenure)
    if stage["purchase_days"] == 1:
        return t("life.customer.rhythm_single", recency=recency, tenure=tenure)
    return t("life.customer.rhythm", gap=fmt.counted(round(stage["usual_gap_days"]), "days", lang()),
             recency=recency, tenure=tenure)


def _tier_and_stage(dataset, customer_id: str, explanation: CustomerExplanation) -> None:
    year_before = migration.default_cutoffs(dataset.date_max)[0]
    tier_before, tier_before_help = _tier_before(dataset, customer_id, year_before)
    stage = models.stages(dataset).set_index("customer_id").loc[customer_id]
    tier_now, before, stage_box = st.columns(3)
    tier_now.metric(t("life.customer.tier_now"), t(f"value.tier.{explanation.tier}"), border=True)
    before.metric(t("life.customer.tier_before", date=fmt.day(year_before, lang())), tier_before,
                  help=tier_before_help, border=True)
    stage_box.metric(t("life.customer.stage"), t(f"life.stage.{stage['stage']}"), border=True)
    st.caption(_rhythm_text(stage))


def _rank_metric(slot, label_key: str, rank: int | None, total: int) -> None:
    """A rank among all customers on its card: "133 / 100K" fits where "133 of 100,000" was cut off;
    the exact words in its help."""
    if rank is None:
        slot.metric(t(label_key), fmt.missing(lang()), border=True)
        return
    slot.metric(t(label_key), t("life.customer.rank", rank=fmt.count(rank, lang()), total=card_count(total)),
                help=t("life.customer.rank_help", rank=fmt.count(rank, lang()), total=fmt.count(total, lang())),
                border=True)


def _ranks_and_money(row: pd.Series, explanation: CustomerExplanation) -> None:
    value, value_rank, revenue_rank, orders = st.columns(4)
    _money_metric(value, "value.col.value", explanation.value)
    _rank_metric(value_rank, "life.customer.value_rank", explanation.value_rank, explanation.n_customers)
    _rank_metric(revenue_rank, "life.customer.revenue_rank", explanation.revenue_rank, explanation.n_customers)
    orders.metric(t("field.orders"), fmt.count(row["orders"], lang()), border=True)
    revenue, profit, margin, last_year = st.columns(4)
    _money_metric(revenue, "field.revenue", row["revenue"])
    _money_metric(profit, "field.gross_profit", row["gross_profit"])
    margin.metric(t("field.margin_pct"), fmt.percent(row["margin_pct"] / 100, lang()), border=True)
    _money_metric(last_year, "field.revenue_last_12m", row["revenue_last_12m"])


def _order_history(dataset, customer_id: str) -> None:
    st.subheader(t("life.customer.history"))
    periods = {period: t(f"life.period.{period}") for period in lifecycle.HISTORY_PERIODS}
    period = st.radio(t("life.customer.period"), list(periods), horizontal=True, format_func=periods.get,
                      key=translated_options("customer_period"))
    st.plotly_chart(figures.order_history_figure(cache.order_history(dataset, customer_id, period), lang(), period,
                                                 span=(dataset.date_min, dataset.date_max)))
    recent = st.expander(t("life.customer.recent_orders"), key="customer_recent_orders", on_change="rerun")
    if not recent.open:  # drawn when opened: a collapsed table still cost the browser its setup on every visit
        return
    with recent:
        lines = cache.recent_orders(dataset, customer_id).dropna(axis="columns", how="all")  # e.g. no cost in the file
        money = st.column_config.NumberColumn(format="localized", step=0.01)  # cents kept: 12.50, not 12.5
        tables.dataframe(lines.rename(columns=lambda c: t(f"field.{c}")), hide_index=True, column_config={
            t("field.order_date"): st.column_config.DateColumn(format="YYYY-MM-DD"),
            t("field.quantity"): st.column_config.NumberColumn(format="localized"),  # 2,000 like the rest
            t("field.revenue"): money, t("field.gross_profit"): money,
        })


def _value_breakdown(explanation: CustomerExplanation) -> None:
    st.subheader(t("life.customer.breakdown"))
    st.plotly_chart(dimension_breakdown_figure(explanation, lang()))
    lifts, sinks = st.columns(2)
    for column, key, dimensions in ((lifts, "value.explain.lifts", explanation.lifts),
                                    (sinks, "value.explain.sinks", explanation.sinks)):
        column.markdown(fmt.labelled(t(key), fmt.listed((t(f"value.dim.{d}") for d in dimensions), lang()), lang()))
    breakdown = explanation.breakdown
    columns = {name: t(f"value.col.{name}") for name in ("dimension", "weight_share", "dimension_score", "value")}
    tables.dataframe(pd.DataFrame({
        columns["dimension"]: [t(f"value.dim.{d}") for d in breakdown["dimension"]],
        columns["weight_share"]: breakdown["weight_share"] * 100,
        columns["dimension_score"]: breakdown["score"],
        columns["value"]: breakdown["value"].round(),
    }), hide_index=True, column_config={
        columns["weight_share"]: st.column_config.NumberColumn(format="%.0f%%"),
        columns["dimension_score"]: st.column_config.NumberColumn(format="%.0f"),
        columns["value"]: st.column_config.NumberColumn(format="localized"),
    })


def _relationship(dataset, tier: str) -> None:
    st.subheader(t("life.customer.strategy"))
    card = next(c for c in models.strategy_cards(dataset) if c.tier == tier)
    st.markdown(t("value.card.target_level", level=t(f"value.level.{card.target_level}")) + "  \n"
                + t("value.card.bond", bond=t(f"value.bond.{card.bond}")))
    actions, kpis = st.columns(2)
    actions.markdown(f"**{t('value.card.actions')}**\n\n" + "\n".join(f"- {t(a)}" for a in card.actions))
    kpis.markdown(f"**{t('value.card.kpis')}**\n\n" + "\n".join(f"- {t(k)}" for k in card.kpis))


def profile(dataset, features: pd.DataFrame, customer_id: str) -> None:
    row = features.set_index("customer_id").loc[customer_id]
    # Without a customer master the name is the id: said once.
    st.subheader(md(customer_id) if row["name"] == customer_id else f"{md(row['name'])} · {md(customer_id)}")
    details = [row[column] for column in ("customer_type", "industry", "region", "channel") if isinstance(row[column], str)]
    st.caption(" · ".join(t(f"ctype.{d}") if f"ctype.{d}" in TABLE else md(d) for d in details))
    if models.weights_fall_back(dataset):
        st.info(t("value.weights_fallback"))
    explanation = explain_customer(features, models.value_model(dataset), customer_id)
    _tier_and_stage(dataset, customer_id, explanation)
    _ranks_and_money(row, explanation)
    _order_history(dataset, customer_id)
    _value_breakdown(explanation)
    _relationship(dataset, explanation.tier)
    st.subheader(t("report.account.index"))
    account_actions(dataset, customer_id)


def render() -> None:
    database.require_store()
    st.title(t("life.customer.title"))
    dataset = database.active_dataset()
    features = cache.features(dataset)
    chosen = pick_customer(features)
    if chosen is not None:
        profile(dataset, features, chosen)
    page_end()


render()
