"""Value Model page: weigh the value dimensions, grade customers into S/A/B/C, see each tier's strategy.

The sliders are the session's weights, tier method and cut-offs, and value per referral
(``ui.settings``), which every page follows. A rerun re-weighs the cached dimension inputs only
(``models.value_model``); everything below is derived from that one model, whose values are money.
"""

from __future__ import annotations

import html
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from analytics import export, strategy, tiering
from analytics import value_model as vm
from analytics.auth import PermissionDenied
from analytics.dimensions import DIMENSIONS, DimensionScores
from analytics.presets import (
    MAX_PRESET_NAME_LENGTH,
    PRESETS,
    delete_preset,
    list_presets,
    load_preset,
    publish_shared,
    save_preset,
    shared_settings,
)
from ui import access, database, models, settings, sharing, tables
from ui import format as fmt
from ui.figures.theme import TIER_COLORS
from ui.figures.value import (
    group_label,
    pyramid_figure,
    rank_scatter_figure,
    relationship_matrix_figure,
)
from ui.i18n import translate
from ui.language import lang, option_labels, t, translated_options
from ui.layout import page_end
from ui.markup import md

WEIGHT_STEP = 0.5
PRESET_PICK_KEY = "value_preset_pick"
PRESET_NAME_KEY = "value_preset_name"
PRESET_PENDING_DELETE_KEY = "value_preset_pending_delete"
TOP_CUSTOMERS = 5
BLEND_KEY = "value_blend"
BLEND_DEFAULT = 1.0  # resources by value in money
SECTION_KEY = "value_section"
LOWER_SECTIONS = ("strategy", "matrix", "ranks", "export")
FLAGGED_SHOWN = 10
EXPORT_PREVIEW_ROWS = 50


def percent(share: float) -> str:
    return fmt.percent(share, lang())


def money(amount: float) -> str:
    return fmt.money(amount, lang())


# ---------------------------------------------------------------------------------------------
# Weights and presets


def usable(weights: dict[str, float], scores: DimensionScores) -> bool:
    """Whether the weights give some available dimension a positive weight."""
    return any(weights.get(dimension, 0) > 0 for dimension in scores.dimensions)


def preset_label(name: str, lang: str) -> str:
    """A shipped preset's translated name, or a saved one's name marked as custom."""
    if name in PRESETS:
        return translate(f"value.preset.{name}", lang)
    return translate("value.preset_custom_label", lang, name=name)


def load_picked_preset() -> None:
    name = st.session_state[PRESET_PICK_KEY]
    try:
        weights = load_preset(database.get_store(), name)
    except KeyError:
        sharing.flash("error", t("value.preset_missing", name=md(name)))
        return
    settings.set_weights(weights)
    sharing.flash("success", t("value.preset_loaded", name=md(preset_label(name, lang()))))


def save_current_weights() -> None:
    name = st.session_state.get(PRESET_NAME_KEY, "").strip()
    if not name:
        sharing.flash("error", t("value.preset_name_missing"))
        return
    if name in PRESETS:
        sharing.flash("error", t("value.preset_shipped_readonly"))
        return
    if len(name) > MAX_PRESET_NAME_LENGTH:
        sharing.flash("error", t("value.preset_name_too_long", limit=MAX_PRESET_NAME_LENGTH))
        return
    try:
        weights = vm.validate_weights(settings.active_weights())
    except ValueError:
        sharing.flash("error", t("value.weights_all_zero"))
        return
    store = database.get_store()
    existed = name in {preset.name for preset in list_presets(store)}
    try:
        save_preset(store, name, weights, actor=access.actor())
    except PermissionDenied as error:
        sharing.flash("error", access.denied_text(error.code, error.actor.role))
        return
    st.session_state[PRESET_PICK_KEY] = name
    sharing.flash("success", t("value.preset_replaced" if existed else "value.preset_saved", name=md(name)))


def ask_to_delete() -> None:
    st.session_state[PRESET_PENDING_DELETE_KEY] = st.session_state[PRESET_PICK_KEY]


def cancel_delete() -> None:
    st.session_state.pop(PRESET_PENDING_DELETE_KEY, None)


def delete_pending_preset() -> None:
    name = st.session_state.pop(PRESET_PENDING_DELETE_KEY, None)
    if name is None:  # a second click on the confirmation that the first one already handled
        return
    try:
        delete_preset(database.get_store(), name, actor=access.actor())
    except KeyError:
        sharing.flash("error", t("value.preset_missing", name=md(name)))
        return
    except PermissionDenied as error:
        sharing.flash("error", access.denied_text(error.code, error.actor.role))
        return
    sharing.flash("success", t("value.preset_deleted", name=md(name)))


def publish_current() -> None:
    """Make this session's weights and tier settings the shared ones every new session starts from."""
    try:
        weights = vm.validate_weights(settings.active_weights())
    except ValueError:
        sharing.flash("error", t("value.weights_all_zero"))
        return
    method, shares = settings.tier_settings()
    sharing.publish(lambda: publish_shared(database.get_store(), weights, method, shares, actor=access.actor()),
                    t("value.shared_published"))


def load_shared() -> None:
    shared = shared_settings(database.get_store())
    settings.set_weights(PRESETS["balanced"] if shared is None else shared.weights)
    if shared is not None:
        st.session_state[settings.TIER_METHOD_KEY] = shared.tier_method
        for tier, share in shared.shares.items():
            st.session_state[settings.cutoff_key(tier)] = round(share * 100)
    sharing.flash("success", t("value.shared_loaded"))


def shared_panel() -> None:
    """Scratch against shared: the sliders are this session's own until published for everyone."""
    st.markdown(f"**{t('value.shared')}**")
    st.caption(t("value.shared_help"))
    sharing.buttons("value_shared", publish_current, load_shared, t("value.shared_load"))


def preset_panel(weights_in_use: dict[str, float]) -> None:
    presets = {preset.name: preset for preset in list_presets(database.get_store())}
    matching = next((p for p in presets.values() if p.weights == weights_in_use), None)
    if st.session_state.get(PRESET_PICK_KEY) not in presets:
        st.session_state[PRESET_PICK_KEY] = matching.name if matching else "balanced"
    st.markdown(f"**{t('value.presets')}**")
    language = lang()
    picked = st.selectbox(
        t("value.preset"), list(presets), key=translated_options(PRESET_PICK_KEY),
        format_func=lambda name: preset_label(name, language),
    )
    if presets[picked].shipped:
        st.caption(t(f"value.preset_help.{picked}"))
    load, delete = st.columns(2)
    load.button(t("value.preset_load"), key="value_preset_load", on_click=load_picked_preset, type="primary")
    delete.button(
        t("value.preset_delete"), key="value_preset_delete", on_click=ask_to_delete,
        disabled=presets[picked].shipped or access.blocked("preset") is not None,
        help=t("value.preset_shipped_readonly") if presets[picked].shipped else access.blocked("preset"),
    )
    if st.session_state.get(PRESET_PENDING_DELETE_KEY) == picked:
        st.warning(t("value.preset_delete_confirm", name=md(preset_label(picked, language))))
        yes, no = st.columns(2)
        yes.button(t("value.preset_delete_yes"), key="value_preset_delete_yes", on_click=delete_pending_preset)
        no.button(t("value.preset_delete_cancel"), key="value_preset_delete_cancel", on_click=cancel_delete)
    st.caption(t("value.preset_matches", name=md(preset_label(matching.name, language))) if matching
               else t("value.preset_matches_none"))
    st.text_input(t("value.preset_name"), key=PRESET_NAME_KEY, max_chars=MAX_PRESET_NAME_LENGTH)
    reason = access.blocked("preset")
    st.button(t("value.preset_save"), key="value_preset_save", on_click=save_current_weights,
              disabled=reason is not None, help=reason)


def dimension_notes(scores: DimensionScores, potential_note: str) -> dict[str, list[str]]:
    """Per dimension, why it or one of its sources is switched off; what realized value is measured
    in and where potential value comes from."""
    notes: dict[str, list[str]] = {dimension: [] for dimension in DIMENSIONS}
    if scores.realized_measure is not None:
        notes["economic"].append(t(f"value.realized_is_{scores.realized_measure}"))
    if scores.estimated_realized:
        notes["economic"].append(t("value.realized_estimated", count=scores.estimated_realized))
    for item in scores.unavailable:
        dimension, reason = t(f"value.dim.{item.dimension}"), t(f"value.reason.{item.reason}")
        if item.source is None:
            notes[item.dimension].append(t("value.unavailable", dimension=dimension, reason=reason))
        else:
            source = t(f"value.source.{item.source}")
            notes[item.dimension].append(t("value.unavailable_source", dimension=dimension, source=source, reason=reason))
    if "potential" in scores.dimensions:
        notes["potential"].append(potential_note)
    return notes


def referral_input(scores: DimensionScores, dataset) -> None:
    """The value per referral: an explicit assumption; empty means the dataset's default."""
    default = money(scores.default_referral_value)
    st.number_input(t("value.referral_value"), min_value=0.0, step=100.0, format="%.2f",
                    placeholder=t("value.referral_value_placeholder", default=default),
                    help=t("value.referral_value_help", default=default),
                    **settings.widget(settings.referral_key(dataset), None))
    st.caption(t("value.referral_value_note", value=money(scores.referral_value), default=default))


def weights_section(scores: DimensionScores, potential_note: str, dataset) -> None:
    """Sliders per dimension, the value per referral and the preset panel; makes the slider weights
    the active ones."""
    st.subheader(t("value.section.weights"))
    weights = settings.active_weights()
    notes = dimension_notes(scores, potential_note)
    sliders, presets = st.columns([3, 2], gap="large")
    with sliders:
        for dimension in DIMENSIONS:
            available = dimension in scores.dimensions
            st.slider(
                t(f"value.dim.{dimension}"), 0.0, settings.WEIGHT_MAX, step=WEIGHT_STEP, format="%.1f",
                help=t(f"value.dim_help.{dimension}"), disabled=not available,
                **settings.widget(settings.weight_key(dimension), weights[dimension]),
            )
            for note in notes[dimension]:
                (st.caption if available else st.warning)(note)
            if dimension == "influence" and available:
                referral_input(scores, dataset)
    if not usable(settings.active_weights(), scores):
        sliders.warning(t("value.weights_all_zero"))
    with presets, st.container(border=True):
        shared_panel()
    with presets, st.container(border=True):
        preset_panel(settings.active_weights())
    st.caption(t("value.scoring_note"))


# ---------------------------------------------------------------------------------------------
# Tiers


def tier_controls() -> None:
    """Method and cut-off sliders (``settings.tier_settings``); cut-offs over 100% are refused here
    and the method's defaults apply until they are fixed."""
    st.subheader(t("value.section.tiers"))
    method = st.radio(
        t("value.tier_method"), tiering.TIER_METHODS, horizontal=True, on_change=settings.reset_cutoffs,
        format_func=option_labels("value.method."),
        **settings.widget(translated_options(settings.TIER_METHOD_KEY), settings.tier_method()),
    )
    cutoffs = settings.cutoff_percents()
    for column, tier in zip(st.columns(3), vm.TIERS[:-1]):
        column.slider(t(f"value.cutoff.{method}", tier=tier), 0, 100, step=1,
                      **settings.widget(settings.cutoff_key(tier), cutoffs[tier]))
    percents = settings.cutoff_percents()
    running = dict(zip("sab", np.cumsum(list(percents.values())).tolist()))
    st.caption(t(f"value.method_help.{method}", **running))
    total = sum(percents.values())
    if total > 100:
        st.error(t("value.cutoffs_too_large", total=total))
        return
    st.caption(t("value.cutoff_rest", share=100 - total))


def cutoffs_table(model: vm.ValueModel) -> None:
    cutoffs = model.tiering.cutoffs
    st.markdown(f"**{t('value.cutoffs_in_use')}**")
    amounts = ("value", "min_value")
    tables.dataframe(pd.DataFrame({
        t("value.col.tier"): [t(f"value.tier.{tier}") for tier in cutoffs["tier"]],
        t("value.fig.customers"): cutoffs["customers"],
        t("value.cut.customer_share"): cutoffs["customer_share"] * 100,
        t("value.cut.value_share"): cutoffs["value_share"] * 100,
        **{t(f"value.cut.{column}"): cutoffs[column].round() for column in amounts},
    }), hide_index=True, column_config={
        t("value.fig.customers"): st.column_config.NumberColumn(format="localized"),
        t("value.cut.customer_share"): st.column_config.NumberColumn(format="%.1f%%"),
        t("value.cut.value_share"): st.column_config.NumberColumn(format="%.1f%%"),
        **{t(f"value.cut.{column}"): st.column_config.NumberColumn(format="localized") for column in amounts},
    })
    st.caption(t("value.total_value", total=money(model.total_value)))


def pyramid_section(pyramid: pd.DataFrame, has_profit: bool) -> None:
    """The pyramid (``strategy.pyramid``) beside the tiers' share of value, revenue or (with cost data) gross profit."""
    shares = ["value_share", "revenue_share"] + (["gross_profit_share"] if has_profit else [])
    share = st.radio(t("value.pyramid_share"), shares, key=translated_options("value_pyramid_share"), horizontal=True,
                     format_func=option_labels("value.fig."))
    st.plotly_chart(pyramid_figure(pyramid, lang(), share=share), width="stretch")
    st.caption(t("value.pyramid_note"))


# ---------------------------------------------------------------------------------------------
# Strategy cards


def tier_header(tier: str) -> None:
    st.markdown(
        f'<div style="background:{TIER_COLORS[tier]};color:white;padding:0.4rem 0.7rem;border-radius:0.4rem;'
        f'font-weight:600">{html.escape(t(f"value.tier.{tier}"))}</div>',
        unsafe_allow_html=True,
    )


def top_customers_table(cards: list[strategy.StrategyCard]) -> None:
    """Every tier's top customers in one table, tier first: one grid for the browser to draw, where a
    tab per tier drew four on every visit."""
    shown = pd.concat([card.top_customers.assign(tier=t(f"value.tier.{card.tier}")) for card in cards if card.customers])
    shown = shown[["tier", "customer_id", "name", "value", "revenue"]].round({"value": 0, "revenue": 0})
    tables.dataframe(shown.rename(columns=lambda c: t(f"value.col.{c}")), hide_index=True, width="stretch", height="content", column_config={
        t(f"value.col.{column}"): st.column_config.NumberColumn(format="localized") for column in ("value", "revenue")
    })


def strategy_card(card: strategy.StrategyCard) -> None:
    tier_header(card.tier)
    st.caption(t(f"value.tier_help.{card.tier}"))
    if not card.customers:
        st.info(t("value.card.empty"))
        return
    st.markdown(
        f"**{t('value.card.customers', count=fmt.count(card.customers, lang()), share=percent(card.customer_share))}**  \n"
        + t("value.card.shares", revenue=percent(card.revenue_share), profit=percent(card.gross_profit_share),
            value=percent(card.value_share)) + "  \n"
        + t("value.card.averages", revenue=money(card.avg_revenue), profit=money(card.avg_gross_profit))
    )
    lines = [
        t("value.card.target_level", level=t(f"value.level.{card.target_level}")),
        t("value.card.bond", bond=t(f"value.bond.{card.bond}")),
    ]
    if card.implied_level and card.implied_level != card.target_level:
        lines.append(t("value.card.implied_level", level=t(f"value.level.{card.implied_level}")))
    st.markdown("  \n".join(lines))
    for warning in card.warnings:
        st.warning(t(warning))
    share = min(max(card.resource_share, 0.0), 1.0) if np.isfinite(card.resource_share) else 0.0
    st.progress(share, text=t("value.card.resource_share", share=percent(card.resource_share)))
    st.markdown(f"**{t('value.card.actions')}**\n" + "".join(f"\n- {t(action)}" for action in card.actions))
    st.markdown(f"**{t('value.card.kpis')}**\n" + "".join(f"\n- {t(kpi)}" for kpi in card.kpis))


def strategy_cards(dataset) -> list[strategy.StrategyCard]:
    """The cards under the session's resource blend (kept while another section is shown: the export uses it)."""
    return models.strategy_cards(dataset, blend=st.session_state.get(BLEND_KEY, BLEND_DEFAULT), top_n=TOP_CUSTOMERS)


def strategy_section(dataset) -> None:
    st.subheader(t("value.section.strategy"))
    st.slider(t("value.card.resource_blend"), 0.0, 1.0, step=0.1, help=t("value.card.resource_blend_help"),
              **settings.widget(BLEND_KEY, BLEND_DEFAULT))
    cards = strategy_cards(dataset)
    for column, card in zip(st.columns(len(cards)), cards):
        with column, st.container(border=True):
            strategy_card(card)
    # Full width below the cards: inside a card the table would be cut off.
    st.markdown(f"**{t('value.card.top_customers')}**")
    top_customers_table(cards)


# ---------------------------------------------------------------------------------------------
# Relationship matrix, rank comparison, export


def placements_table(placements: pd.DataFrame, by: str) -> None:
    language = lang()
    tables.dataframe(pd.DataFrame({
        t("value.col.group"): [group_label(group, by, language) for group in placements["group"]],
        t("value.fig.customers"): placements["customers"],
        t("value.cut.customer_share"): placements["customer_share"] * 100,
        t("value.col.margin_pct"): placements["margin_pct"],
        t("value.fig.count_axis"): [t(f"value.count_level.{c}") for c in placements["count_level"]],
        t("value.fig.margin_axis"): [t(f"value.margin_level.{m}") if m else None for m in placements["margin_level"]],
        t("value.col.relationship_level"): [t(f"value.level.{lv}") if lv else None for lv in placements["level"]],
        t("value.col.bond"): [t(f"value.bond.{b}") if b else None for b in placements["bond"]],
    }), hide_index=True, column_config={
        t("value.fig.customers"): st.column_config.NumberColumn(format="localized"),
        t("value.cut.customer_share"): st.column_config.NumberColumn(format="%.1f%%"),
        t("value.col.margin_pct"): st.column_config.NumberColumn(format="%.1f%%"),  # 18.4% beside 5.0%
    })


def matrix_section(table: pd.DataFrame, dataset) -> None:
    st.subheader(t("value.section.matrix"))
    st.caption(t("value.matrix_note"))
    if (bands := models.margin_bands(dataset)) is None:
        st.info(t("value.matrix_no_margin"))
    else:
        st.caption(t("value.matrix_bands", low=f"{bands[0]:.1f}%", high=f"{bands[1]:.1f}%"))
    # One grouping drawn at a time (st.tabs would compute and ship both).
    groupings = {"tier": t("value.fig.by_tier"), "customer_type": t("value.fig.by_customer_type")}
    by = st.radio(t("value.matrix_by"), list(groupings), format_func=groupings.get, horizontal=True,
                  label_visibility="collapsed", **settings.widget(translated_options("value_matrix_by"), "tier"))
    if by not in table.columns or table[by].isna().all():
        st.info(t("value.matrix_no_types"))
        return
    placements = models.matrix_placements(dataset, by)
    st.plotly_chart(relationship_matrix_figure(placements, lang(), by=by), width="stretch", key="value_matrix")
    placements_table(placements, by)


def ranks_section(dataset) -> None:
    st.subheader(t("value.section.ranks"))
    st.markdown(t("value.ranks_explain"))
    top_share, bottom_share = 0.2, 0.5
    ranks = models.rank_comparison(dataset, top_share, bottom_share)
    counts = ranks["flag"].value_counts()
    st.info(t("value.ranks_counts", big=int(counts.get("big_seller_low_value", 0)), top=top_share,
              bottom=bottom_share, small=int(counts.get("small_seller_high_value", 0))))
    st.plotly_chart(rank_scatter_figure(ranks, lang()), width="stretch", key="value_rank_scatter")
    columns = ["customer_id", "name", "tier", "revenue", "revenue_rank", "value_rank"]
    for flag, order in (("big_seller_low_value", "revenue_rank"), ("small_seller_high_value", "value_rank")):
        flagged = ranks[ranks["flag"] == flag].nsmallest(FLAGGED_SHOWN, order)[columns].round({"revenue": 0})
        flagged["tier"] = flagged["tier"].map(lambda tier: t(f"value.tier.{tier}"))
        with st.expander(f"{t(f'value.flag.{flag}')} ({fmt.count(counts.get(flag, 0), lang())})"):
            tables.dataframe(flagged.rename(columns=lambda c: t(f"value.col.{c}")), hide_index=True, column_config={
                t(f"value.col.{column}"): st.column_config.NumberColumn(format="localized")
                for column in ("revenue", "revenue_rank", "value_rank")
            })


def export_section(table: pd.DataFrame, dataset, dimensions: tuple[str, ...]) -> None:
    """Download buttons build their files only when clicked, so slider reruns stay cheap."""
    st.subheader(t("value.section.export"))
    cards, dataset_id = strategy_cards(dataset), dataset.dataset_id
    st.caption(t("value.export_note", count=len(table)))
    text = partial(translate, lang=lang())  # the files are built off the script thread: no session there
    sheet = t("value.export_sheet")
    buttons = st.container(horizontal=True)
    buttons.download_button(
        t("value.export_csv"), data=lambda: export.to_csv_bytes(export.tiered_customer_list(table, cards, text)),
        file_name=f"customer_tiers_{dataset_id}.csv", mime="text/csv", key="value_export_csv", on_click="ignore",
    )
    too_big = len(table) >= export.EXCEL_MAX_ROWS
    buttons.download_button(
        t("value.export_xlsx"),
        data=lambda: export.to_xlsx_bytes(export.tiered_customer_list(table, cards, text), sheet_name=sheet),
        file_name=f"customer_tiers_{dataset_id}.xlsx", key="value_export_xlsx", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        disabled=too_big, help=t("value.export_too_big") if too_big else None,
    )
    head = table.nsmallest(EXPORT_PREVIEW_ROWS, "value_rank")
    with st.expander(t("value.export_preview", count=len(head))):
        preview_table(export.tiered_customer_list(head, cards, text), dimensions)


def preview_table(preview: pd.DataFrame, dimensions: tuple[str, ...]) -> None:
    """The export's first rows for reading: money in whole units with separators, scores to one
    decimal (the files keep full precision)."""
    amounts = [t(f"value.col.{column}") for column in ("value", "revenue", "gross_profit")]
    amounts += [t("value.col.dim_value", dimension=t(f"value.dim.{d}")) for d in dimensions]
    money = [column for column in amounts if column in preview.columns]
    formats = {column: "localized" if column in money or preview[column].dtype.kind in "iu" else "%.1f"
               for column in preview.select_dtypes("number").columns}
    tables.dataframe(preview.round({column: 0 for column in money}), hide_index=True,
                 column_config={column: st.column_config.NumberColumn(format=f) for column, f in formats.items()})


# ---------------------------------------------------------------------------------------------


def sections() -> None:
    sharing.show_flash()
    dataset = database.active_dataset()
    scores = models.dimension_scores(dataset)
    weights_section(scores, models.potential_note(dataset), dataset)
    if not usable(settings.active_weights(), scores):
        return
    st.divider()
    tier_controls()
    model = models.value_model(dataset)
    table = models.value_table(dataset)
    cutoffs_table(model)
    pyramid_section(models.pyramid(dataset), has_profit=dataset.has_cost)
    st.divider()
    # One of the sections below at a time: drawn together they kept the browser busy about a second
    # on every visit at 100,000 customers (bench/bench_pages_browser.py).
    section = settings.section_switch(t("value.section.pick"), list(LOWER_SECTIONS), option_labels("value.switch."),
                                      SECTION_KEY)
    match section:
        case "strategy":
            strategy_section(dataset)
        case "matrix":
            matrix_section(table, dataset)
        case "ranks":
            ranks_section(dataset)
        case "export":
            export_section(table, dataset, model.scores.dimensions)


def render() -> None:
    database.require_store()
    st.title(t("nav.value_model"))
    st.caption(t("value.page_intro"))
    sections()
    page_end()


render()
