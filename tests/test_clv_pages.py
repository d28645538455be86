"""The Lifetime value and Segments pages through AppTest: demo data in both languages, the fitted
model on screen, the number of segments following the user, and data too thin for a model."""

import string
from datetime import date, timedelta

import pytest
from app_harness import column_types, open_app, rerun, texts
from test_potential_integration import add_one_time_buyers

from analytics.clv.beta_geo import fit_purchase_model
from analytics.clv.fitting import MIN_REPEAT_CUSTOMERS, InsufficientDataError
from analytics.clv.gamma_gamma import fit_gamma_gamma
from analytics.clv.lifetime_value import holdout_check
from analytics.clv.summary import calibration_holdout_summary, rfm_summary
from analytics.datasets import list_datasets
from analytics.store import open_store
from ui.i18n import TABLE, translate

LIFETIME = "pages/lifetime_value.py"
SEGMENTS = "pages/segments.py"


@pytest.mark.parametrize("page, title_key, sections", [
    (LIFETIME, "clv.title", ["clv.section.fit", "clv.section.validation"]),
    (SEGMENTS, "seg.title", ["seg.section.choice", "seg.section.profiles", "seg.section.map"]),
])
def test_pages_render_the_demo_in_chinese_and_english(app_database, page, title_key, sections):
    app = open_app(page, lang="zh")
    for lang in ("zh", "en"):
        app.session_state["lang"] = lang
        rerun(app)
        assert app.title[0].value == translate(title_key, lang)
        assert texts(app.subheader) == [translate(key, lang) for key in sections]
        assert not app.warning, texts(app.warning)


def test_segments_page_draws_the_figure_picked_and_keeps_the_choice(app_database):
    app = open_app(SEGMENTS)
    assert [chart.key for chart in app.get("plotly_chart")][-1:] == ["seg_projection"]
    for section, (heading, chart) in {"traits": ("seg.section.traits", "seg_heatmap"),
                                      "tiers": ("seg.section.tiers", "seg_crosstab")}.items():
        app.segmented_control(key="seg_section").set_value(section).run()
        assert texts(app.subheader)[-1] == translate(heading)
        assert [c.key for c in app.get("plotly_chart")] == ["seg_silhouette", chart]
        assert not app.exception
        if section == "traits":  # averages with one decimal each: "7.0" beside "24.6"; growth in percent
            means = {label: kind for label, kind in column_types(app.dataframe[-1]).items() if "(mean)" in label}
            growth = translate("seg.col.mean", feature=translate("seg.feature.growth"))
            assert means.pop(growth).get("format") == "%.1f%%"
            assert means and all(kind.get("step") == 0.1 for kind in means.values()), means
            # in percent: the demo's segments grew by tens of percent (0.54 would have read "0.5%")
            assert (app.dataframe[-1].value[growth].dropna().abs() > 1).any()
    app.switch_page("pages/overview.py").run()
    app.switch_page(SEGMENTS).run()
    assert app.segmented_control(key="seg_section").value == "tiers"


def test_lifetime_value_page_shows_the_fitted_parameters(app_database):
    app = open_app(LIFETIME)
    store = open_store(str(app_database))
    summary = rfm_summary(store, list_datasets(store)[0].dataset_id)
    purchases, choice = fit_purchase_model(summary["frequency"], summary["recency"], summary["T"])
    spend = fit_gamma_gamma(summary["frequency"], summary["monetary_value"])
    for table, model in zip(app.dataframe[:2], (purchases, spend)):
        shown = dict(table.value.to_numpy().tolist())
        for name, value in model.fit.params.items():
            assert float(shown[translate(f"clv.param.{name}")].replace(",", "")) == pytest.approx(value, rel=1e-3)
        assert shown["Converged"] == "Yes"
        assert shown["Customers"] == f"{model.fit.n_customers:,}"
    assert "expected gross profit over the next 12 months" in app.success[0].value


def test_lifetime_value_page_says_which_purchase_model_is_used(app_database):
    app = open_app(LIFETIME)
    store = open_store(str(app_database))
    summary = rfm_summary(store, list_datasets(store)[0].dataset_id)
    _, choice = fit_purchase_model(summary["frequency"], summary["recency"], summary["T"])
    likelihoods = {name: f"{value:,.1f}" for name, value in choice.log_likelihoods.items()}
    assert choice.chosen == "mbgnbd"
    assert translate("clv.choice.auto", model="MBG/NBD", **likelihoods) in texts(app.markdown)
    one_time = int((summary["frequency"] == 0).sum())
    assert translate("clv.alive_note.mbgnbd", one_time=one_time) in texts(app.caption)
    app.radio(key="clv_purchase_model").set_value("bgnbd")
    rerun(app)
    assert translate("clv.choice.picked", model="BG/NBD", log_likelihood=likelihoods["bgnbd"]) in texts(app.markdown)
    assert translate("clv.alive_note.bgnbd", one_time=one_time) in texts(app.caption)
    assert "(BG/NBD)" in app.success[0].value  # the value model's potential follows the pick
    assert app.session_state["clv_purchase_model"] == "bgnbd"


@pytest.mark.parametrize("split", [date(2026, 3, 31), date(2025, 6, 1)])  # mid 2025 used to fail
def test_split_date_drives_the_holdout_check(app_database, split):
    app = open_app(LIFETIME)
    store = open_store(str(app_database))
    demo = list_datasets(store)[0]
    assert app.date_input[0].value == demo.date_min + (demo.date_max - demo.date_min) * 2 / 3
    app.date_input[0].set_value(split)
    rerun(app)
    assert not app.warning, texts(app.warning)
    summary = calibration_holdout_summary(store, demo.dataset_id, split)
    purchases, choice = fit_purchase_model(summary["frequency"], summary["recency"], summary["T"])
    check = holdout_check(purchases, summary)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Mean absolute error per customer"] == f"{check.mean_absolute_error:.2f}"
    assert metrics["Actual purchases after the split"] == f"{check.actual_total:,.0f}"
    assert metrics["Predicted purchases after the split"] == f"{check.predicted_total:,.0f}"


def test_lifetime_value_page_draws_the_section_picked(app_database):
    app = open_app(LIFETIME)
    for section in ("distribution", "tiers", "top"):
        app.segmented_control(key="clv_section").set_value(section).run()
        assert not app.exception
        assert texts(app.subheader) == [translate("clv.section.fit"), translate(f"clv.section.{section}")]
    assert app.dataframe[-1].value.columns[0] == "Customer"
    app.segmented_control(key="clv_section").set_value(None).run()  # the chosen option clicked again
    assert app.segmented_control(key="clv_section").value == "top"
    assert texts(app.subheader)[-1] == translate("clv.section.top")


def test_horizon_input_changes_the_values_shown(app_database):
    app = open_app(LIFETIME, clv_section="top")
    top_value = app.dataframe[-1].value["Lifetime value (discounted revenue)"].iloc[0]
    assert column_types(app.dataframe[-1])["Probability still active"]["step"] == 0.001  # 98.9% beside 99.8%
    app.number_input(key="clv_horizon_months").set_value(36)
    rerun(app)
    assert "over the next 36 months" in app.success[0].value
    assert app.dataframe[-1].value["Lifetime value (discounted revenue)"].iloc[0] > 2 * top_value


def test_changing_k_changes_the_segments_shown(app_database):
    app = open_app(SEGMENTS)
    app.toggle(key="seg_auto").set_value(False)
    rerun(app)
    for clusters in (3, 6):
        app.slider(key="seg_clusters").set_value(clusters)
        rerun(app)
        assert len(app.dataframe[0].value) == clusters
        assert app.info[0].value.startswith(f"{clusters} segments")


def test_gaussian_mixture_renders(app_database):
    app = open_app(SEGMENTS)
    app.toggle(key="seg_auto").set_value(False)
    rerun(app)
    app.slider(key="seg_clusters").set_value(3)
    app.radio(key="seg_method").set_value("gmm")
    rerun(app)
    assert 2 <= len(app.dataframe[0].value) <= 3


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_data_without_repeat_buyers_gets_a_clear_message(app_database, lang):
    dataset_id = add_one_time_buyers(app_database)
    app = open_app(LIFETIME, active_dataset_id=dataset_id, lang=lang)
    reason = translate("clv.error.too_few_repeat_customers", lang, customers=40, repeat_customers=0,
                       required=MIN_REPEAT_CUSTOMERS)
    assert texts(app.warning) == [translate("clv.source.proxy", lang, reason=reason)]
    assert not app.subheader and not app.dataframe
    segments = open_app(SEGMENTS, active_dataset_id=dataset_id, lang=lang)
    assert translate("seg.potential.not_used", lang) in texts(segments.caption)


def test_a_split_date_too_early_for_the_models_says_to_move_it_later(app_database):
    app = open_app(LIFETIME)
    dataset = list_datasets(open_store(str(app_database)))[0]
    app.date_input(key=f"clv_split_{dataset.dataset_id}_{dataset.version}").set_value(
        dataset.date_min + timedelta(days=20)).run()
    warning = texts(app.warning)[-1]
    assert "customers bought more than once" in warning and warning.endswith(translate("clv.advice.later_split")), warning


def test_too_few_customers_for_segments_get_a_clear_message(app_database):
    dataset_id = add_one_time_buyers(app_database, customers=5)
    app = open_app(SEGMENTS, active_dataset_id=dataset_id)
    assert texts(app.warning) == [translate("seg.error.too_few_customers", customers=5, required=10)]
    assert not app.dataframe


def _placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("reason", InsufficientDataError.REASONS)
def test_every_error_reason_has_a_message_in_both_languages(reason):
    key = f"clv.error.{reason}"
    assert set(TABLE[key]) >= {"en", "zh"}
    assert _placeholders(TABLE[key]["en"]) == _placeholders(TABLE[key]["zh"])
    counts = dict.fromkeys(_placeholders(TABLE[key]["en"]), 1)
    for lang in ("en", "zh"):
        assert translate(key, lang, **counts)


def test_every_clv_and_segment_key_is_translated():
    keys = [key for key in TABLE if key.startswith(("clv.", "seg."))]
    assert len(keys) > 30
    for key in keys:
        assert TABLE[key].get("en") and TABLE[key].get("zh"), key
        assert _placeholders(TABLE[key]["en"]) == _placeholders(TABLE[key]["zh"]), key


def test_value_by_tier_says_how_many_customers_the_model_leaves_out(app_database):
    app = open_app(LIFETIME, clv_section="tiers")
    store = open_store(str(app_database))
    modelled = len(rfm_summary(store, list_datasets(store)[0].dataset_id))
    left_out = 3000 - modelled
    notes = [caption for caption in texts(app.caption) if "leaves them out" in caption]
    assert notes == ([translate("clv.tier.left_out", count=f"{left_out:,}")] if left_out else []), texts(app.caption)
    assert left_out > 0  # the demo data has customers with returns only
