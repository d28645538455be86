"""Lifecycle page: lifecycle stages, tier migration between two cut-offs, and the watch lists."""

from dataclasses import asdict, fields

import pandas as pd
import streamlit as st

from analytics import lifecycle, migration, watchlists
from analytics.store import database_path, open_store
from ui import state
from ui.figures import lifecycle as figures
from ui.state import t

CUSTOMER_PAGE = "pages/customer.py"


@st.cache_data(show_spinner=False, max_entries=8)
def _activity(db_path: str, dataset_id: int, version: int, before, after) -> pd.DataFrame:
    return migration.period_activity(open_store(db_path), dataset_id, before, after)


def _threshold_widgets() -> lifecycle.StageThresholds:
    """The expander with the stage rules and their thresholds; the last valid set is kept in the session."""
    stored, _ = state.stage_settings()
    with st.expander(t("life.thresholds"), expanded=False):
        st.caption(t("life.thresholds_help"))
        left, middle, right = st.columns(3)
        chosen = {
            "new_days": left.number_input(t("life.th.new_days"), 0, 3650, stored.new_days, 30, key="life_th_new_days"),
            "trend_window_days": left.number_input(t("life.th.trend_window_days"), 30, 1095, stored.trend_window_days, 30,
                                                   key="life_th_trend_window_days"),
            "growth": left.slider(t("life.th.growth"), 0, 200, round(stored.growth * 100), 5,
                                  key="life_th_growth") / 100,
            "decline": left.slider(t("life.th.decline"), 0, 100, round(stored.decline * 100), 5,
                                   key="life_th_decline") / 100,
            "dormant_gap_multiple": middle.number_input(t("life.th.dormant_gap_multiple"), 1.0, 20.0,
                                                        float(stored.dormant_gap_multiple), 0.5, key="life_th_dormant_multiple"),
            "lost_gap_multiple": middle.number_input(t("life.th.lost_gap_multiple"), 1.0, 50.0,
                                                     float(stored.lost_gap_multiple), 0.5, key="life_th_lost_multiple"),
            "min_dormant_days": middle.number_input(t("life.th.min_dormant_days"), 0, 3650, stored.min_dormant_days, 15,
                                                    key="life_th_min_dormant"),
            "min_lost_days": right.number_input(t("life.th.min_lost_days"), 0, 3650, stored.min_lost_days, 15,
                                                key="life_th_min_lost"),
            "max_lost_days": right.number_input(t("life.th.max_lost_days"), 0, 3650, stored.max_lost_days, 30,
                                                key="life_th_max_lost"),
            "p_alive_dormant": right.slider(t("life.th.p_alive_dormant"), 0.0, 1.0, float(stored.p_alive_dormant), 0.05,
                                            key="life_th_p_dormant"),
            "p_alive_lost": right.slider(t("life.th.p_alive_lost"), 0.0, 1.0, float(stored.p_alive_lost), 0.05,
                                         key="life_th_p_lost"),
        }
        try:
            thresholds = lifecycle.StageThresholds(**chosen)
        except ValueError:
            st.error(t("life.thresholds_invalid"))
            thresholds = stored
        st.markdown(_rules_text(thresholds))
    return thresholds


def _rules_text(thresholds: lifecycle.StageThresholds) -> str:
    values = {item.name: getattr(thresholds, item.name) for item in fields(thresholds)}
    values.update(growth=round(thresholds.growth * 100), decline=round(thresholds.decline * 100))
    lines = [f"{number}. " + t(f"life.rule.{stage}", **values)
             for number, stage in enumerate(("lost", "dormant", "new", "growing", "declining", "stable"), start=1)]
    return "\n".join([t("life.rules_intro"), "", *lines, "", t("life.rule.single_order"), "", t("life.rule.p_alive", **values)])


def stages_section(dataset) -> pd.DataFrame:
    st.header(t("life.stages_header"))
    thresholds = _threshold_widgets()
    use_model = st.toggle(t("life.use_p_alive"), value=state.stage_settings()[1],
                          key="life_use_p_alive_toggle", help=t("life.use_p_alive_help"))
    state.set_stage_settings(thresholds, use_model)
    if use_model and state.probability_alive(dataset) is None:
        st.info(t("life.p_alive_unavailable"))
    stages = state.stages(dataset)
    summary = lifecycle.stage_summary(stages)
    st.plotly_chart(figures.stage_distribution_figure(summary, state.lang()))
    st.caption(t("life.stages_caption", date=str(dataset.date_max)))
    return stages


def migration_section(dataset) -> None:
    st.header(t("life.migration_header"))
    st.caption(t("life.migration_help"))
    default_before, default_after = migration.default_cutoffs(dataset.date_max)
    left, right = st.columns(2)
    before = left.date_input(t("life.cutoff_before"), value=max(default_before, dataset.date_min),
                             min_value=dataset.date_min, max_value=dataset.date_max, key="life_before")
    after = right.date_input(t("life.cutoff_after"), value=default_after,
                             min_value=dataset.date_min, max_value=dataset.date_max, key="life_after")
    if before >= after:
        st.warning(t("life.cutoffs_order"))
        return
    db_path = str(database_path())
    key = (db_path, dataset.dataset_id, dataset.version)
    scores_before, scores_after = (state.scores_at(cutoff, dataset) for cutoff in (before, after))
    method, shares = state.tier_settings()
    try:
        tiers = [migration.tiers_from_scores(s, state.active_weights(), method, shares) for s in (scores_before, scores_after)]
    except ValueError:
        st.warning(t("life.no_weighted_dimension"))
        return
    missing = [d for d in scores_after.dimensions if d not in scores_before.dimensions]
    if missing:
        st.info(t("life.dimensions_differ", date=str(before), dimensions=", ".join(t(f"value.dim.{d}") for d in missing)))
    elif scores_before.potential_source != scores_after.potential_source:
        st.info(t("life.potential_differs", before=str(before), after=str(after)))
    moves = migration.build_migration(*tiers, _activity(*key, before, after), before, after)
    if moves.customers_before == 0 and moves.customers_after == 0:
        st.info(t("life.no_customers_either", before=str(before), after=str(after)))
        return
    if moves.customers_before == 0:
        st.info(t("life.no_customers_before", start=str(before - (after - before)), before=str(before)))
    if moves.customers_after == 0:
        st.info(t("life.no_customers_after", before=str(before), after=str(after)))

    kinds = {kind: t(f"life.matrix_kind.{kind}") for kind in figures.MATRIX_KINDS}
    kind = st.radio(t("life.matrix_kind"), list(kinds), horizontal=True, key=state.translated_options("life_matrix_kind"), format_func=kinds.get)
    matrix = moves.counts if kind == "counts" else moves.values
    sankey, heatmap = st.columns(2)
    with sankey:
        st.plotly_chart(figures.migration_sankey_figure(matrix, state.lang(), kind))
    with heatmap:
        st.plotly_chart(figures.transition_heatmap_figure(matrix, state.lang(), kind))
    st.caption(t("life.matrix_caption", before=str(before), after=str(after)))

    st.subheader(t("life.retention_header"))
    st.caption(t("life.retention_help"))
    retention = moves.retention()
    st.dataframe(pd.DataFrame({
        t("life.col.tier"): [t(f"value.tier.{tier}") for tier in retention["tier"]],
        t("life.col.customers_before"): retention["customers"],
        t("life.col.retained"): retention["retained"],
        t("life.col.retention"): retention["retention"] * 100,
        t("life.col.revenue_before"): retention["revenue_before"].round(),
        t("life.col.revenue_after"): retention["revenue_after"].round(),
        t("life.col.revenue_retention"): retention["revenue_retention"] * 100,
    }), hide_index=True, column_config={
        t("life.col.retention"): st.column_config.NumberColumn(format="%.1f%%"),
        t("life.col.revenue_retention"): st.column_config.NumberColumn(format="%.1f%%"),
        t("life.col.revenue_before"): st.column_config.NumberColumn(format="localized"),
        t("life.col.revenue_after"): st.column_config.NumberColumn(format="localized"),
    })

    upgrades, downgrades = moves.upgrades(), moves.downgrades()
    up_tab, down_tab = st.tabs([t("life.upgrades", count=f"{len(upgrades):,}"),
                                t("life.downgrades", count=f"{len(downgrades):,}")])
    for tab, changes, name in ((up_tab, upgrades, "upgrades"), (down_tab, downgrades, "downgrades")):
        with tab:
            _customer_table(changes, ["customer_id", "name", "tier_before", "tier_after", "composite_before",
                                      "composite_after", "revenue_before", "revenue_after"], f"life_{name}")


def watchlist_section(dataset, stages: pd.DataFrame) -> None:
    st.header(t("life.watch_header"))
    st.caption(t("life.watch_help"))
    stage_names = {stage: t(f"life.stage.{stage}") for stage in lifecycle.STAGES}
    with st.expander(t("life.watch_settings")):
        left, middle, right = st.columns(3)
        settings = watchlists.WatchSettings(
            min_potential_score=left.slider(t("life.ws.min_potential_score"), 0, 100, 80, 5, key="life_ws_potential"),
            risk_stages=tuple(middle.multiselect(
                t("life.ws.risk_stages"), list(stage_names), default=["declining", "dormant"],
                format_func=stage_names.get, key=state.translated_options("life_ws_stages"))),
            thin_margin_pct=right.number_input(t("life.ws.thin_margin_pct"), -100.0, 100.0, 5.0, 1.0, key="life_ws_margin"),
            high_cost_quantile=right.slider(t("life.ws.high_cost_quantile"), 0.5, 0.95, 0.75, 0.05, key="life_ws_quantile"),
        )
    table = watchlists.watch_table(state.features(dataset), state.value_table(dataset), stages)
    lists = {
        "invest": (watchlists.invest_candidates(table, settings), ["score_potential", "growth", "stage", "revenue_last_12m"]),
        "at_risk": (watchlists.key_accounts_at_risk(table, settings),
                    ["stage", "value_at_stake", "revenue_last_12m", "gross_profit_last_12m"]),
        "unprofitable": (watchlists.unprofitable(table, settings),
                         ["reason", "gross_profit", "margin_pct", "account_team_size", "orders"]),
    }
    tabs = st.tabs([t(f"life.watch.{name}", count=f"{len(rows):,}") for name, (rows, _) in lists.items()])
    for tab, (name, (rows, columns)) in zip(tabs, lists.items()):
        with tab:
            st.caption(t(f"life.watch.{name}_help", **asdict(settings) | {"risk_stages": ", ".join(
                t(f"life.stage.{s}") for s in settings.risk_stages) or "-"}))
            if name == "invest" and "score_potential" not in table.columns:
                st.info(t("life.watch.no_potential"))
                continue
            if name == "unprofitable" and table["gross_profit"].isna().all():
                st.info(t("life.watch.no_cost"))
                continue
            if name == "at_risk" and len(rows):
                st.metric(t("life.watch.total_at_stake"), f"{rows['value_at_stake'].sum():,.0f}")
            _customer_table(rows, ["customer_id", "name", "tier", *columns], f"life_watch_{name}")


def _customer_table(rows: pd.DataFrame, columns: list[str], key: str) -> None:
    """A customer list with translated headers and values; selecting a row links to the customer page."""
    if rows.empty:
        st.info(t("life.none_listed"))
        return
    shown = rows[columns].copy()
    for column in ("tier", "tier_before", "tier_after"):
        if column in shown:
            shown[column] = shown[column].map(lambda s: figures.state_label(s, state.lang()))
    if "stage" in shown:
        shown["stage"] = shown["stage"].map(lambda s: t(f"life.stage.{s}") if isinstance(s, str) else "")
    if "reason" in shown:
        shown["reason"] = shown["reason"].map(lambda r: t(f"life.reason.{r}"))
    if "growth" in shown:
        shown["growth"] = shown["growth"] * 100
    money = [c for c in ("revenue_before", "revenue_after", "revenue_last_12m", "gross_profit_last_12m", "gross_profit",
                         "value_at_stake") if c in shown]
    shown[money] = shown[money].round()
    config = {t(f"life.col.{c}"): st.column_config.NumberColumn(format="localized") for c in columns if c in money}
    config.update({t(f"life.col.{c}"): st.column_config.NumberColumn(format="%.1f") for c in columns
                   if c in ("composite_before", "composite_after", "score_potential", "margin_pct", "growth")})
    event = st.dataframe(shown.rename(columns=lambda c: t(f"life.col.{c}")), hide_index=True, column_config=config,
                         on_select="rerun", selection_mode="single-row", key=key)
    st.caption(t("life.select_to_open"))
    if event.selection.rows:
        picked = rows.iloc[event.selection.rows[0]]
        st.page_link(CUSTOMER_PAGE, label=t("life.open_customer", name=picked["name"]), icon="🔎",
                     query_params={"customer_id": picked["customer_id"]})


st.title(t("life.title"))
st.caption(t("life.intro"))
current = state.active_dataset()
stages_table = stages_section(current)
migration_section(current)
watchlist_section(current, stages_table)
