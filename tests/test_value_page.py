"""The Value Model page through AppTest: sliders and presets re-tier customers as the analytics do."""

from __future__ import annotations

import base64
import dataclasses
import json

import numpy as np
import pytest
from app_harness import column_types, open_app, rerun
from streamlit.testing.v1 import AppTest

from analytics import strategy
from analytics.datasets import list_datasets
from analytics.demo import generate_demo
from analytics.dimensions import DIMENSIONS, dimension_scores
from analytics.presets import PRESET_PREFIX, PRESETS
from analytics.store import Store
from analytics.table_uploads import write_upload
from analytics.value_model import score_customers, value_table
from ui import cache, settings
from ui.i18n import TABLE, translate
from ui.markup import md

PAGE = "pages/value_model.py"
TOP_COLUMNS = ("tier", "customer_id", "name", "value", "revenue")


def scoring_features(path):
    """What the page scores: the features plus the lifetime-value potential (cached by ui.cache)."""
    store = Store(path)
    try:
        dataset = list_datasets(store)[-1]
    finally:
        store.close()
    return cache._scoring_features(str(path), dataset.dataset_id, dataset.version, settings.DEFAULT_LIFETIME)


def expected(features, weights, method="by_customer_share", shares=None):
    """What the analytics give for these weights: the model and each tier's top customers."""
    model = score_customers(dimension_scores(features), weights, method, shares)
    cards = strategy.strategy_cards(value_table(features, model), top_n=5)
    return model, {card.tier: list(card.top_customers["customer_id"]) for card in cards}


def show_section(app: AppTest, section: str) -> None:
    """Choose which of the lower sections (strategy, matrix, ranks, export) the page draws."""
    app.segmented_control(key="value_section").set_value(section).run()
    assert not app.exception, app.exception


def shown_top_customers(app: AppTest) -> dict[str, list[str]]:
    """The strategy section's table of every tier's top customers, by tier, S first."""
    language = app.session_state["lang"]
    headers = [translate(f"value.col.{column}", language) for column in TOP_COLUMNS]
    tables = [d.value for d in app.dataframe if list(d.value.columns) == headers]
    assert len(tables) == 1
    tiers = tables[0][headers[0]]
    assert list(tiers.drop_duplicates()) == [translate(f"value.tier.{tier}", language) for tier in "SABC"]
    return {tier: list(tables[0].loc[tiers == translate(f"value.tier.{tier}", language), headers[1]]) for tier in "SABC"}


def weights_in_session(app: AppTest) -> dict[str, float]:
    """The weights every page reads: the weight sliders' values (``ui.settings``)."""
    return {dimension: app.session_state[settings.weight_key(dimension)] for dimension in DIMENSIONS}


def cutoffs_shown(app: AppTest):
    return app.dataframe[0].value


def plotly_array(array) -> np.ndarray:
    """An array of a figure's JSON: a list, or typed binary data (``dtype`` and base64 ``bdata``)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array, dtype=float)


def saved_presets(path) -> dict:
    store = Store(path)
    try:
        return store.settings_with_prefix(PRESET_PREFIX)
    finally:
        store.close()


@pytest.mark.parametrize("lang, title, s_tier", [("en", "Value model", "S · Strategic"), ("zh", "价值模型", "S 战略客户")])
def test_page_renders_in_both_languages(app_database, lang, title, s_tier):
    app = open_app(PAGE, lang=lang)
    assert app.title[0].value == title
    assert any(s_tier in m.value for m in app.markdown)
    model, top = expected(scoring_features(app_database), PRESETS["balanced"])
    assert shown_top_customers(app) == top
    np.testing.assert_array_equal(cutoffs_shown(app).iloc[:, 1], model.tiering.cutoffs["customers"])
    assert not app.download_button  # only the section chosen is drawn: the strategy cards first
    show_section(app, "ranks")
    # The flagged customers' tables name the tiers, not their codes.
    tier, revenue_rank = translate("value.col.tier", lang), translate("value.col.revenue_rank", lang)
    flagged = [d.value for d in app.dataframe if {tier, revenue_rank} <= set(d.value.columns)]
    assert len(flagged) == 2 and sum(len(table) for table in flagged) > 0
    assert all(set(table[tier]) <= {translate(f"value.tier.{x}", lang) for x in "SABC"} for table in flagged)
    show_section(app, "export")
    assert len(app.download_button) == 2 and not any(b.disabled for b in app.download_button)
    # The lifetime-value model fits the demo, and the page says it is the source of potential value.
    model_source = TABLE["clv.source.model"][lang].split("{")[0]
    assert any(c.value.startswith(model_source) for c in app.caption)


def test_moving_sliders_re_tiers_customers_as_the_analytics_do(app_database):
    app = open_app(PAGE, lang="en")
    before = shown_top_customers(app)
    app.slider(key="weight_satisfaction").set_value(0.0)
    app.slider(key="weight_economic").set_value(5.0)
    rerun(app)
    weights = {**PRESETS["balanced"], "satisfaction": 0.0, "economic": 5.0}
    model, top = expected(scoring_features(app_database), weights)
    assert shown_top_customers(app) == top != before
    np.testing.assert_allclose(cutoffs_shown(app).iloc[:, 5], model.tiering.cutoffs["min_value"].round())
    assert weights_in_session(app) == weights  # every page reads these


def test_a_weight_slider_moves_the_tiers_shares_of_value(app_database):
    """More weight on realized profit concentrates value in S; more on an evenly spread rating
    (satisfaction) spreads it out, as the analytics compute it."""
    app = open_app(PAGE, lang="en")
    shares = {"balanced": cutoffs_shown(app).iloc[:, 3].to_numpy()}
    np.testing.assert_allclose(shares["balanced"], expected(scoring_features(app_database), PRESETS["balanced"])[0]
                               .tiering.cutoffs["value_share"] * 100)
    for name, dimension in (("profit", "economic"), ("satisfaction", "satisfaction")):
        app.slider(key=f"weight_{dimension}").set_value(5.0)
        rerun(app)
        shares[name] = cutoffs_shown(app).iloc[:, 3].to_numpy()
        model, _ = expected(scoring_features(app_database), weights_in_session(app))
        np.testing.assert_allclose(shares[name], model.tiering.cutoffs["value_share"] * 100)
        assert shares[name].sum() == pytest.approx(100.0, abs=0.1)
        pyramid = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][1]  # its value side
        np.testing.assert_allclose(plotly_array(pyramid["x"]), np.clip(shares[name], 0, None))
        app.slider(key=f"weight_{dimension}").set_value(1.0)
    assert shares["profit"][0] > shares["balanced"][0] + 5
    assert shares["satisfaction"][0] < shares["balanced"][0] - 2


def test_all_zero_weights_say_so_and_the_balanced_preset_stands_in(app_database):
    app = open_app(PAGE, lang="en")
    for slider in app.slider:
        if slider.key and slider.key.startswith("weight_"):
            slider.set_value(0.0)
    rerun(app)
    assert any("at least one available dimension" in w.value for w in app.warning)
    assert not app.dataframe  # no tiers drawn from weights that weigh nothing
    app.switch_page("pages/lifecycle.py")
    rerun(app)
    assert translate("value.weights_fallback") in [info.value for info in app.info]


def test_loading_the_profit_focus_preset_moves_the_sliders_and_the_tiers(app_database):
    app = open_app(PAGE, lang="en")
    app.selectbox(key="value_preset_pick").select("profit_focus")
    app.button(key="value_preset_load").click()
    rerun(app)
    preset = PRESETS["profit_focus"]
    assert {d: app.slider(key=f"weight_{d}").value for d in preset} == preset
    assert shown_top_customers(app) == expected(scoring_features(app_database), preset)[1]
    assert any("match the preset Profit focus" in c.value for c in app.caption)


def test_custom_preset_saves_to_and_deletes_from_the_database(app_database):
    app = open_app(PAGE, lang="en")
    app.slider(key="weight_per_head").set_value(4.5)
    app.text_input(key="value_preset_name").input("Stage two")
    app.button(key="value_preset_save").click()
    rerun(app)
    weights = {**PRESETS["balanced"], "per_head": 4.5}
    assert saved_presets(app_database) == {PRESET_PREFIX + "Stage two": weights}
    assert app.selectbox(key="value_preset_pick").value == "Stage two"
    assert any("Saved preset: Stage two" in s.value for s in app.success)

    app.text_input(key="value_preset_name").input("balanced")
    app.button(key="value_preset_save").click()
    rerun(app)
    assert any("Built-in presets" in e.value for e in app.error)

    app.button(key="value_preset_delete").click()
    rerun(app)
    label = md(translate("value.preset_custom_label", "en", name="Stage two"))  # escaped: it is user text
    assert translate("value.preset_delete_confirm", "en", name=label) in [w.value for w in app.warning]
    app.button(key="value_preset_delete_cancel").click()
    rerun(app)
    assert PRESET_PREFIX + "Stage two" in saved_presets(app_database)

    app.button(key="value_preset_delete").click()
    rerun(app)
    app.button(key="value_preset_delete_yes").click()
    rerun(app)
    assert saved_presets(app_database) == {}
    assert "Stage two" not in app.selectbox(key="value_preset_pick").options
    assert app.button(key="value_preset_delete").disabled  # back on a shipped preset


def test_tier_method_and_cutoffs_change_the_tiers(app_database):
    app = open_app(PAGE, lang="en")
    app.slider(key="tier_cutoff_S").set_value(10)
    rerun(app)
    assert list(cutoffs_shown(app).iloc[:, 1]) == [300, 450, 900, 1350]

    app.radio(key="tier_method").set_value("by_value_share")
    rerun(app)
    assert [app.slider(key=f"tier_cutoff_{tier}").value for tier in "SAB"] == [50, 30, 15]
    assert any("holding 50% of the total value, S and A hold 80%, S, A and B hold 95%" in c.value for c in app.caption)
    model, top = expected(scoring_features(app_database), PRESETS["balanced"], "by_value_share", {"S": 0.5, "A": 0.3, "B": 0.15})
    np.testing.assert_array_equal(cutoffs_shown(app).iloc[:, 1], model.tiering.cutoffs["customers"])
    assert cutoffs_shown(app).iloc[0, 3] >= 50 > cutoffs_shown(app).iloc[0, 3] - 0.5
    assert shown_top_customers(app) == top
    assert app.session_state["tier_method"] == "by_value_share"

    app.slider(key="tier_cutoff_B").set_value(80)
    rerun(app)
    assert any("more than 100%" in e.value for e in app.error)
    # every page tiers by the method's defaults until the cut-offs add up again
    np.testing.assert_array_equal(cutoffs_shown(app).iloc[:, 1], model.tiering.cutoffs["customers"])


def test_dimensions_without_data_are_disabled_with_the_reason(app_database):
    upload = generate_demo(n_customers=200, seed=7)
    upload.transactions["cost"] = np.nan
    upload.transactions["gross_profit"] = np.nan
    store = Store(app_database)
    write_upload(store, upload, mode="new", digest=None, dataset_name="no costs")
    store.close()
    app = open_app(PAGE, lang="en")  # the newest dataset is the active one
    assert app.slider(key="weight_per_head").disabled
    assert not app.slider(key="weight_economic").disabled
    assert any("Profit per head is switched off" in w.value and "no cost data" in w.value for w in app.warning)
    assert any("computed without gross profit" in c.value for c in app.caption)
    show_section(app, "matrix")
    assert any("margin is unknown" in i.value for i in app.info)


def test_bare_transactions_give_reasons_and_messages_instead_of_errors(app_database):
    """No cost, no customer master: only revenue, dates and counts to score on."""
    upload = generate_demo(n_customers=150, seed=11)
    bare = upload.transactions.assign(cost=np.nan, gross_profit=np.nan, channel=None, region=None, sales_rep=None)
    upload = dataclasses.replace(upload, transactions=bare, customers=upload.customers.iloc[:0])
    store = Store(app_database)
    write_upload(store, upload, mode="new", digest=None, dataset_name="bare")
    store.close()
    app = open_app(PAGE, lang="en")
    disabled = {s.key for s in app.slider if s.key and s.key.startswith("weight_") and s.disabled}
    assert disabled == {f"weight_{d}" for d in ("influence", "strategic", "social", "per_head", "satisfaction")}
    assert shown_top_customers(app) == expected(scoring_features(app_database), PRESETS["balanced"])[1]
    show_section(app, "matrix")
    assert any("margin is unknown" in i.value for i in app.info)
    assert not any("no customer types" in i.value for i in app.info)  # the matrix by tier comes first
    app.radio(key="value_matrix_by").set_value("customer_type").run()
    assert any("no customer types" in i.value for i in app.info)
    show_section(app, "ranks")  # revenue is all there is to rank on: no customer is flagged
    assert [e.label for e in app.expander] == ["Big sellers of low value (0)", "Small sellers of high value (0)"]
    assert [c.value for c in app.caption].count(translate("table.empty", "en")) == 2
    show_section(app, "export")
    assert app.download_button and not any(b.disabled for b in app.download_button)


def test_the_matrix_grouping_is_kept_while_another_section_is_shown(app_database):
    app = open_app(PAGE, lang="en")
    show_section(app, "matrix")
    app.radio(key="value_matrix_by").set_value("customer_type").run()
    show_section(app, "ranks")
    show_section(app, "matrix")
    assert app.radio(key="value_matrix_by").value == "customer_type"
    shown_as = column_types(app.dataframe[-1])  # percentages read alike: 18.4% beside 5.0%
    assert shown_as["Margin %"]["format"] == shown_as["Share of customers"]["format"] == "%.1f%%", shown_as


def test_the_matrix_states_the_margin_bands_it_reads_groups_against(app_database):
    features = scoring_features(app_database)
    model, _ = expected(features, PRESETS["balanced"])
    low, high = strategy.margin_thresholds(value_table(features, model))
    assert low < high
    app = open_app(PAGE, lang="en")
    show_section(app, "matrix")
    assert f"In this dataset: low margin below {low:.1f}%, high above {high:.1f}%." in [c.value for c in app.caption]
    placed = app.dataframe[-1].value.set_index("Group")
    for group, margin in placed["Margin %"].items():
        level = "Low margin" if margin < low else "High margin" if margin > high else "Medium margin"
        assert placed.loc[group, "Profit margin"] == level
