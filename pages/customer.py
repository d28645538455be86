"""Customer page: one customer's order history, value breakdown, tier now and a year before,
lifecycle stage, and the relationship level and actions of its tier.

Other pages link here with ``?customer_id=...`` (``st.page_link(..., query_params=...)``) or by
setting ``st.session_state["customer_id"]``.
"""


import pandas as pd
import streamlit as st

from analytics import lifecycle, migration
from analytics.store import database_path, open_store
from analytics.strategy import strategy_cards
from analytics.value_model import explain_customer
from ui import state
from ui.figures import lifecycle as figures
from ui.figures.concentration import amount
from ui.figures.value import dimension_breakdown_figure
from ui.i18n import TABLE
from ui.state import t

CUSTOMER_KEY = "customer_id"
MAX_MATCHES = 200


@st.cache_data(show_spinner=False, max_entries=16)
def _history(db_path: str, dataset_id: int, version: int, customer_id: str, period: str) -> pd.DataFrame:
    return lifecycle.order_history(open_store(db_path), dataset_id, customer_id, period)


def pick_customer(features: pd.DataFrame) -> str | None:
    """Search box and a list of matches (largest revenue first); the requested customer is preselected."""
    requested = st.query_params.get(CUSTOMER_KEY) or st.session_state.get(CUSTOMER_KEY)
    query = st.text_input(t("life.customer.search"), key="customer_query").strip()
    found = features
    if query:
        found = features[features["customer_id"].str.contains(query, case=False, regex=False)
                         | features["name"].str.contains(query, case=False, regex=False, na=False)]
    if found.empty:
        st.info(t("life.customer.no_match", query=query))
        return None
    listed = found.sort_values(["revenue", "customer_id"], ascending=[False, True], kind="stable").head(MAX_MATCHES)
    if not query and requested not in set(listed["customer_id"]):
        listed = pd.concat([features[features["customer_id"] == requested], listed])
    options = listed["customer_id"].tolist()
    names = dict(zip(listed["customer_id"], listed["name"]))
    st.caption(t("life.customer.matches", shown=f"{len(options):,}", total=f"{len(found):,}"))
    picked = st.selectbox(
        t("life.customer.pick"), options, index=options.index(requested) if requested in options else 0,
        format_func=lambda c: f"{names[c]} ({c})" if names[c] != c else c, key=f"customer_pick:{query}",
    )
    if picked != requested:
        st.session_state[CUSTOMER_KEY] = picked
        st.query_params[CUSTOMER_KEY] = picked
    return picked


def _money_metric(slot, label_key: str, value: float) -> None:
    """A compact amount on the card, the exact one in its help; a dash when unknown."""
    if pd.isna(value):
        slot.metric(t(label_key), "–", border=True)
    else:
        slot.metric(t(label_key), amount(value, state.lang()), help=f"{value:,.2f}", border=True)


def profile(dataset, features: pd.DataFrame, customer_id: str) -> None:
    db_path = str(database_path())
    key = (db_path, dataset.dataset_id, dataset.version)
    row = features.set_index("customer_id").loc[customer_id]
    st.subheader(f"{row['name']} · {customer_id}")
    details = [row[column] for column in ("customer_type", "industry", "region", "channel") if isinstance(row[column], str)]
    st.caption(" · ".join(t(f"ctype.{d}") if f"ctype.{d}" in TABLE else d for d in details))

    explanation = explain_customer(features, state.value_model(dataset), customer_id)
    year_before = migration.default_cutoffs(dataset.date_max)[0]
    method, shares = state.tier_settings()
    try:
        tiers_before = migration.tiers_from_scores(state.scores_at(year_before, dataset),
                                                   state.active_weights(), method, shares)
        tier_before = tiers_before.loc[tiers_before["customer_id"] == customer_id, "tier"]
        tier_before_text = t(f"value.tier.{tier_before.iloc[0]}") if len(tier_before) else t("life.customer.not_yet")
    except ValueError:  # none of the weighted dimensions had data a year ago
        tier_before_text = "–"
    stage = state.stages(dataset).set_index("customer_id").loc[customer_id]

    tier_now, before, stage_box = st.columns(3)
    tier_now.metric(t("life.customer.tier_now"), t(f"value.tier.{explanation.tier}"), border=True)
    before.metric(t("life.customer.tier_before", date=str(year_before)), tier_before_text, border=True)
    stage_box.metric(t("life.customer.stage"), t(f"life.stage.{stage['stage']}"), border=True)
    st.caption(t("life.customer.rhythm", gap="–" if pd.isna(stage["usual_gap_days"]) else f"{stage['usual_gap_days']:.0f}",
                 recency=int(stage["recency_days"]), tenure=int(stage["tenure_days"])))
    value_rank, revenue_rank, orders = st.columns(3)
    value_rank.metric(t("life.customer.value_rank"), t("life.customer.rank", rank=f"{explanation.value_rank:,}",
                                                        total=f"{explanation.n_customers:,}"), border=True)
    revenue_rank.metric(t("life.customer.revenue_rank"), "–" if explanation.revenue_rank is None else t(
        "life.customer.rank", rank=f"{explanation.revenue_rank:,}", total=f"{explanation.n_customers:,}"), border=True)
    orders.metric(t("field.orders"), f"{int(row['orders']):,}", border=True)
    revenue, profit, margin, last_year = st.columns(4)
    _money_metric(revenue, "field.revenue", row["revenue"])
    _money_metric(profit, "field.gross_profit", row["gross_profit"])
    margin.metric(t("field.margin_pct"), "–" if pd.isna(row["margin_pct"]) else f"{row['margin_pct']:.1f}%", border=True)
    _money_metric(last_year, "field.revenue_last_12m", row["revenue_last_12m"])

    st.subheader(t("life.customer.history"))
    periods = {period: t(f"life.period.{period}") for period in lifecycle.HISTORY_PERIODS}
    period = st.radio(t("life.customer.period"), list(periods), horizontal=True, key=state.translated_options("customer_period"),
                      format_func=periods.get)
    history = _history(*key, customer_id, period)
    st.plotly_chart(figures.order_history_figure(history, state.lang()))
    with st.expander(t("life.customer.recent_orders")):
        orders_table = lifecycle.recent_orders(state.get_store(), dataset.dataset_id, customer_id)
        st.dataframe(orders_table.rename(columns=lambda c: t(f"field.{c}")), hide_index=True)

    st.subheader(t("life.customer.breakdown"))
    st.plotly_chart(dimension_breakdown_figure(explanation, state.lang()))
    lifts, sinks = st.columns(2)
    lifts.markdown(f"**{t('value.explain.lifts')}**: " + (", ".join(t(f"value.dim.{d}") for d in explanation.lifts) or "–"))
    sinks.markdown(f"**{t('value.explain.sinks')}**: " + (", ".join(t(f"value.dim.{d}") for d in explanation.sinks) or "–"))

    st.subheader(t("life.customer.strategy"))
    card = next(c for c in strategy_cards(state.value_table(dataset)) if c.tier == explanation.tier)
    st.markdown(t("value.card.target_level", level=t(f"value.level.{card.target_level}")) + "  \n"
                + t("value.card.bond", bond=t(f"value.bond.{card.bond}")))
    actions, kpis = st.columns(2)
    actions.markdown(f"**{t('value.card.actions')}**\n\n" + "\n".join(f"- {t(a)}" for a in card.actions))
    kpis.markdown(f"**{t('value.card.kpis')}**\n\n" + "\n".join(f"- {t(k)}" for k in card.kpis))


st.title(t("life.customer.title"))
current = state.active_dataset()
customer_features_table = state.features(current)
chosen = pick_customer(customer_features_table)
if chosen is not None:
    profile(current, customer_features_table, chosen)
