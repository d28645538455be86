"""Lifecycle page, one section at a time: lifecycle stages, tier migration between two cut-offs, and
the watch lists."""

from dataclasses import asdict, fields
from datetime import date

import pandas as pd
import streamlit as st

from analytics import lifecycle, migration, watchlists
from ui import cache, database, models, settings, sharing, tables
from ui import format as fmt
from ui.figures import lifecycle as figures
from ui.language import lang, option_labels, t, translated_options
from ui.layout import page_end
from ui.markup import md

CUSTOMER_PAGE = "pages/customer.py"
SECTION_KEY = "life_section"
SECTIONS = ("stages", "migration", "watch")
# Per watch list: the columns shown after id, name and tier.
WATCH_COLUMNS = {
    "invest": ["score_potential", "growth", "stage", "revenue_last_12m"],
    "at_risk": ["stage", "value_at_stake", "revenue_last_12m", "gross_profit_last_12m"],
    "unprofitable": ["reason", "gross_profit", "margin_pct", "account_team_size", "orders"],
}
# How customer tables format their columns: amounts rounded and grouped, scores and percentages to one decimal.
MONEY_COLUMNS = ("value_before", "value_after", "revenue_before", "revenue_after", "revenue_last_12m",
                 "gross_profit_last_12m", "gross_profit", "value_at_stake")
SCORE_COLUMNS = ("score_potential", "margin_pct", "growth")


# Per stage threshold: the widget, its range and step (growth and decline in percent, see ``settings``).
THRESHOLD_INPUTS = {
    "new_days": ("number_input", 0, 3650, 30, 0),
    "trend_window_days": ("number_input", 30, 1095, 30, 0),
    "growth": ("slider", 0, 200, 5, 0),
    "decline": ("slider", 0, 100, 5, 0),
    "dormant_gap_multiple": ("number_input", 1.0, 20.0, 0.5, 1),
    "lost_gap_multiple": ("number_input", 1.0, 50.0, 0.5, 1),
    "min_dormant_days": ("number_input", 0, 3650, 15, 1),
    "min_lost_days": ("number_input", 0, 3650, 15, 2),
    "max_lost_days": ("number_input", 0, 3650, 30, 2),
    "p_alive_dormant": ("slider", 0.0, 1.0, 0.05, 2),
    "p_alive_lost": ("slider", 0.0, 1.0, 0.05, 2),
}


def _threshold_widgets() -> lifecycle.StageThresholds:
    """The expander with the stage rules and their thresholds (``settings.stage_settings``); an
    invalid combination is refused here and the defaults apply until it is fixed."""
    with st.expander(t("life.thresholds"), expanded=False):
        st.caption(t("life.thresholds_help"))
        slots = st.columns(3)
        entered = settings.stage_inputs()
        for name, (widget, low, high, step, column) in THRESHOLD_INPUTS.items():
            getattr(slots[column], widget)(t(f"life.th.{name}"), low, high, step=step,
                                           **settings.widget(settings.stage_key(name), entered[name]))
        if settings.entered_stage_thresholds() is None:
            st.error(t("life.thresholds_invalid"))
        thresholds, _ = settings.stage_settings()
        st.markdown(_rules_text(thresholds))
        sharing.thresholds_panel("stages")
    return thresholds


def _rules_text(thresholds: lifecycle.StageThresholds) -> str:
    values = {item.name: getattr(thresholds, item.name) for item in fields(thresholds)}
    values.update(growth=round(thresholds.growth * 100), decline=round(thresholds.decline * 100))
    lines = [f"{number}. " + t(f"life.rule.{stage}", **values) for number, stage in enumerate(lifecycle.RULE_ORDER, start=1)]
    return "\n".join([t("life.rules_intro"), "", *lines, "", t("life.rule.single_order"), "", t("life.rule.p_alive", **values)])


def stages_section(dataset) -> None:
    st.header(t("life.stages_header"))
    _threshold_widgets()
    use_model = st.toggle(t("life.use_p_alive"), help=t("life.use_p_alive_help"),
                          **settings.widget(settings.USE_P_ALIVE_KEY, settings.DEFAULT_USE_P_ALIVE))
    fit = models.lifetime_fit(dataset)
    if use_model and fit.purchases is None:
        st.info(t("life.p_alive_unavailable"))
    elif use_model:
        one_time = int((fit.summary["frequency"] == 0).sum())
        st.caption(t("life.p_alive_model", model=t(f"clv.purchase_model.{fit.choice.chosen}")) + " "
                   + t(f"clv.alive_note.{fit.choice.chosen}", one_time=one_time))
    stages = models.stages(dataset)
    st.plotly_chart(figures.stage_distribution_figure(lifecycle.stage_summary(stages), lang()))
    st.caption(t("life.stages_caption", date=fmt.day(dataset.date_max, lang())))


def _cutoff_widgets(dataset) -> tuple[date, date] | None:
    """The two cut-off dates; None, with the reason shown, when they cannot make two periods."""
    if dataset.date_min >= dataset.date_max:
        st.info(t("life.migration_one_day", date=fmt.day(dataset.date_max, lang())))
        return None
    default_before, default_after = models.default_cutoffs(dataset)
    left, right = st.columns(2)
    before = left.date_input(t("life.cutoff_before"), value=default_before,
                             min_value=dataset.date_min, max_value=dataset.date_max, key="life_before")
    after = right.date_input(t("life.cutoff_after"), value=default_after,
                             min_value=dataset.date_min, max_value=dataset.date_max, key="life_after")
    if before >= after:
        st.warning(t("life.cutoffs_order"))
        return None
    return before, after


def _tier_migration(dataset, before: date, after: date
                    ) -> tuple[migration.Migration, pd.DataFrame, pd.DataFrame] | None:
    """Tiers at both cut-offs, scored and weighted as on the value page, the moves between them and
    the upgrades and downgrades; None, with the reason shown, when there is nothing to draw."""
    scores_before, scores_after = (models.dimensions_at(dataset, cutoff) for cutoff in (before, after))
    try:
        migrated = models.tier_migration(dataset, before, after, models.effective_weights(scores_after))
    except ValueError:
        st.warning(t("life.no_weighted_dimension"))
        return None
    day = {"before": fmt.day(before, lang()), "after": fmt.day(after, lang())}
    missing = [d for d in scores_after.dimensions if d not in scores_before.dimensions]
    if missing:
        st.info(t("life.dimensions_differ", date=day["before"],
                  dimensions=", ".join(t(f"value.dim.{d}") for d in missing)))
    elif scores_before.potential_source != scores_after.potential_source:
        st.info(t("life.potential_differs", **day))
    moves = migrated[0]
    if moves.customers_before == 0 and moves.customers_after == 0:
        st.info(t("life.no_customers_either", **day))
        return None
    if moves.customers_before == 0:
        st.info(t("life.no_customers_before", start=fmt.day(before - (after - before), lang()), before=day["before"]))
    if moves.customers_after == 0:
        st.info(t("life.no_customers_after", **day))
    return migrated


def migration_section(dataset) -> None:
    st.header(t("life.migration_header"))
    st.caption(t("life.migration_help"))
    cutoffs = _cutoff_widgets(dataset)
    migrated = None if cutoffs is None else _tier_migration(dataset, *cutoffs)
    if migrated is None:
        return
    moves, upgrades, downgrades = migrated
    kinds = {kind: t(f"life.matrix_kind.{kind}") for kind in figures.MATRIX_KINDS}
    kind = st.radio(t("life.matrix_kind"), list(kinds), horizontal=True, format_func=kinds.get,
                    key=translated_options("life_matrix_kind"))
    matrix = moves.counts if kind == "counts" else moves.values
    sankey, heatmap = st.columns(2)
    sankey.plotly_chart(figures.migration_sankey_figure(matrix, lang(), kind))
    heatmap.plotly_chart(figures.transition_heatmap_figure(matrix, lang(), kind))
    st.caption(t("life.matrix_caption", before=fmt.day(moves.before, lang()), after=fmt.day(moves.after, lang())))
    _retention_table(moves)
    changes = {"upgrades": upgrades, "downgrades": downgrades}
    name = _one_list(changes, "life.", "life_moves_list")
    st.caption(t("life.moves_note"))
    _customer_table(changes[name], ["customer_id", "name", "tier_before", "tier_after", "value_before",
                                    "value_after", "revenue_before", "revenue_after"], f"life_{name}")


def _one_list(lists: dict[str, pd.DataFrame], prefix: str, key: str) -> str:
    """Which of ``lists`` to draw, each labelled with its count: one table per visit, not all of them
    (tabs would build and ship every one)."""
    labels = {name: t(f"{prefix}{name}", count=fmt.count(len(rows), lang())) for name, rows in lists.items()}
    return settings.section_switch(t("life.list_shown"), list(labels), labels.get, key)


def _retention_table(moves: migration.Migration) -> None:
    st.subheader(t("life.retention_header"))
    st.caption(t("life.retention_help"))
    retention = moves.retention()
    columns = {name: t(f"life.col.{name}") for name in (
        "tier", "customers_before", "retained", "retention", "revenue_before", "revenue_after", "revenue_retention")}
    shown = pd.DataFrame({
        columns["tier"]: [t(f"value.tier.{tier}") for tier in retention["tier"]],
        columns["customers_before"]: retention["customers"],
        columns["retained"]: retention["retained"],
        columns["retention"]: retention["retention"] * 100,
        columns["revenue_before"]: retention["revenue_before"].round(),
        columns["revenue_after"]: retention["revenue_after"].round(),
        columns["revenue_retention"]: retention["revenue_retention"] * 100,
    })
    percent, localized = st.column_config.NumberColumn(format="%.1f%%"), st.column_config.NumberColumn(format="localized")
    tables.dataframe(shown, hide_index=True, column_config={
        columns["retention"]: percent, columns["revenue_retention"]: percent,
        **{columns[name]: localized for name in ("customers_before", "retained", "revenue_before", "revenue_after")},
    })


def _watch_settings() -> watchlists.WatchSettings:
    """The expander with the watch lists' thresholds, starting from ``WatchSettings``' defaults."""
    defaults = watchlists.WatchSettings()
    stage_names = {stage: t(f"life.stage.{stage}") for stage in lifecycle.STAGES}
    with st.expander(t("life.watch_settings")):
        left, middle, right = st.columns(3)
        return watchlists.WatchSettings(
            min_potential_score=left.slider(t("life.ws.min_potential_score"), 0, 100, step=5,
                                            **settings.widget("life_ws_potential", round(defaults.min_potential_score))),
            risk_stages=tuple(middle.multiselect(
                t("life.ws.risk_stages"), list(stage_names), default=list(defaults.risk_stages),
                format_func=stage_names.get, key=translated_options("life_ws_stages"))),
            thin_margin_pct=right.number_input(t("life.ws.thin_margin_pct"), -100.0, 100.0, step=1.0,
                                               **settings.widget("life_ws_margin", defaults.thin_margin_pct)),
            high_cost_quantile=right.slider(t("life.ws.high_cost_quantile"), 0.5, 0.95, step=0.05,
                                            **settings.widget("life_ws_quantile", defaults.high_cost_quantile)),
        )


def watchlist_section(dataset, stages: pd.DataFrame) -> None:
    st.header(t("life.watch_header"))
    st.caption(t("life.watch_help"))
    watch = _watch_settings()
    table = watchlists.watch_table(cache.features(dataset), models.value_table(dataset), stages)
    lists = {
        "invest": watchlists.invest_candidates(table, watch),
        "at_risk": watchlists.key_accounts_at_risk(table, watch),
        "unprofitable": watchlists.unprofitable(table, watch),
    }
    # Why a list cannot be drawn at all, rather than being empty.
    unavailable = {
        "invest": "life.watch.no_potential" if "score_potential" not in table.columns else None,
        "unprofitable": "life.watch.no_cost" if table["gross_profit"].isna().all() else None,
    }
    risk_stages = ", ".join(t(f"life.stage.{s}") for s in watch.risk_stages) or fmt.missing(lang())
    name = _one_list(lists, "life.watch.", "life_watch_list")
    rows = lists[name]
    st.caption(t(f"life.watch.{name}_help", **asdict(watch) | {"risk_stages": risk_stages}))
    if unavailable.get(name):
        st.info(t(unavailable[name]))
        return
    if name == "at_risk" and len(rows):
        st.metric(t("life.watch.total_at_stake"), fmt.money(rows["value_at_stake"].sum(), lang()))
    _customer_table(rows, ["customer_id", "name", "tier", *WATCH_COLUMNS[name]], f"life_watch_{name}")


def _translated(shown: pd.DataFrame) -> pd.DataFrame:
    """One page of a customer list with its codes in words and its money rounded."""
    for column in ("tier", "tier_before", "tier_after"):
        if column in shown:
            shown[column] = shown[column].map(lambda s: figures.state_label(s, lang()))
    if "stage" in shown:
        shown["stage"] = shown["stage"].map(lambda s: t(f"life.stage.{s}") if isinstance(s, str) else "")
    if "reason" in shown:
        shown["reason"] = shown["reason"].map(lambda r: t(f"life.reason.{r}"))
    if "growth" in shown:
        shown["growth"] = shown["growth"] * 100
    money = [c for c in MONEY_COLUMNS if c in shown]
    shown[money] = shown[money].round()
    return shown


def _customer_table(rows: pd.DataFrame, columns: list[str], key: str) -> None:
    """A customer list, one page at a time, with translated headers and values; selecting a row
    links to the customer page."""
    if rows.empty:
        st.info(t("life.none_listed"))
        return
    money = [c for c in MONEY_COLUMNS if c in columns]
    config = {t(f"life.col.{c}"): st.column_config.NumberColumn(format="localized") for c in money}
    config.update({t(f"life.col.{c}"): st.column_config.NumberColumn(format="%.1f") for c in SCORE_COLUMNS
                   if c in columns})
    page, event = tables.paged_table(
        rows, key, {c: t(f"life.col.{c}") for c in columns}, search_columns=("customer_id", "name"),
        prepare=_translated, column_config=config, on_select="rerun", selection_mode="single-row",
    )
    st.caption(t("life.select_to_open"))
    # A selection outlives a change of the page (Streamlit keys the table by ``key``): ignore one past its end.
    selected = [row for row in event.selection.rows if row < len(page.rows)]
    if selected:
        picked = page.rows.iloc[selected[0]]
        st.page_link(CUSTOMER_PAGE, label=t("life.open_customer", name=md(picked["name"])), icon="🔎",
                     query_params={"customer_id": picked["customer_id"]})


def render() -> None:
    database.require_store()
    st.title(t("life.title"))
    st.caption(t("life.intro"))
    dataset = database.active_dataset()
    if models.weights_fall_back(dataset):
        st.info(t("value.weights_fallback"))
    # One section at a time: drawn together, the three figures and the tables kept the browser busy
    # about a second on every visit at 100,000 customers (bench/bench_pages_browser.py). The stage
    # rules set in the first section hold in the others (settings keep them for the session).
    match settings.section_switch(t("life.section.pick"), list(SECTIONS), option_labels("life.switch."), SECTION_KEY):
        case "stages":
            stages_section(dataset)
        case "migration":
            migration_section(dataset)
        case "watch":
            watchlist_section(dataset, models.stages(dataset))
    page_end()


render()
