"""The lifecycle and customer pages through AppTest on the demo data, in English and Chinese."""

from datetime import date

import pandas as pd
import pytest
from app_harness import APP, column_types, open_app, texts, weight_keys
from streamlit.testing.v1 import AppTest

from analytics import lifecycle, migration, table_uploads, watchlists
from analytics.clv.summary import rfm_summary
from analytics.dimensions import dimension_scores
from analytics.mapping import suggest_mapping
from analytics.potential import LifetimeSettings, fit_lifetime, scoring_features_at
from analytics.presets import PRESETS
from analytics.readers import open_upload
from analytics.store import Store
from analytics.table_uploads import validate_transactions
from ui.figures.lifecycle import MATRIX_KINDS
from ui.i18n import TABLE, translate

LIFECYCLE, CUSTOMER = "pages/lifecycle.py", "pages/customer.py"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lifecycle_page_on_the_demo(app_database, lang):
    app = open_app(LIFECYCLE, lang=lang)
    assert app.title[0].value == translate("life.title", lang)
    assert texts(app.header) == [translate("life.stages_header", lang)]  # one section at a time
    assert len(app.get("plotly_chart")) == 1
    model_note = translate("life.p_alive_model", lang, model="MBG/NBD")
    assert any(caption.startswith(model_note) for caption in texts(app.caption))
    app.segmented_control(key="life_section").set_value("migration").run()
    assert texts(app.header) == [translate("life.migration_header", lang)]
    assert len(app.get("plotly_chart")) == 2  # Sankey, transition matrix
    app.radio(key="life_matrix_kind").set_value("values").run()
    assert not app.exception
    app.segmented_control(key="life_section").set_value("watch").run()
    assert texts(app.header) == [translate("life.watch_header", lang)]
    at_risk = translate("life.watch.at_risk", lang, count="#").split("#")[0]
    assert any(label.startswith(at_risk) for label in app.segmented_control(key="life_watch_list").options)
    assert not app.error and not app.warning and not app.exception
    app.number_input(key="life_ws_margin").set_value(8.0).run()
    app.segmented_control(key="life_section").set_value("stages").run()
    app.segmented_control(key="life_section").set_value("watch").run()
    assert app.number_input(key="life_ws_margin").value == 8.0  # kept while another section was shown


def test_stage_thresholds_and_cutoffs_give_messages_not_exceptions(app_database):
    app = open_app(LIFECYCLE)
    app.number_input(key="life_th_lost_gap_multiple").set_value(1.0).run()  # below the dormant multiple
    assert texts(app.error) == [translate("life.thresholds_invalid")]
    app.number_input(key="life_th_lost_gap_multiple").set_value(6.0).run()
    assert not app.error
    assert any("6.0×" in markdown.value for markdown in app.markdown)  # the rules show the thresholds in use
    app.segmented_control(key="life_section").set_value("migration").run()
    app.date_input(key="life_before").set_value(date(2026, 9, 29)).run()
    assert texts(app.warning) == [translate("life.cutoffs_order")]
    assert not app.exception


@pytest.fixture
def gap_dataset(app_database) -> int:
    """A second dataset with orders in 2020 and 2022 only, made the active one."""
    rows = pd.DataFrame({
        "customer_id": ["K1", "K2", "K1", "K3"],
        "order_date": ["2020-01-10", "2020-02-10", "2022-01-10", "2022-01-20"],
        "revenue": [100.0, 200.0, 150.0, 80.0],
    })
    raw = open_upload("gap.csv", rows.to_csv(index=False).encode("utf-8"))
    store = Store(app_database)
    try:
        return table_uploads.write_upload(store, validate_transactions(raw, suggest_mapping(list(raw.frame.columns))),
                                   mode="new", digest=None, dataset_name="gap")
    finally:
        store.close()


def set_cutoffs(app: AppTest, before: date, after: date) -> list[str]:
    app.date_input(key="life_before").set_value(before)
    app.date_input(key="life_after").set_value(after).run()
    assert not app.exception, [e.value for e in app.exception]
    return texts(app.info)


def test_cutoffs_that_leave_no_customers(gap_dataset):
    app = open_app(LIFECYCLE, active_dataset_id=gap_dataset)
    assert translate("life.p_alive_unavailable") in texts(app.info)  # too few repeat customers for the model
    app.segmented_control(key="life_section").set_value("migration").run()
    # Periods (2020-08-03, 2021-01-01] and (2021-01-01, 2021-06-01]: nobody bought in either.
    messages = set_cutoffs(app, date(2021, 1, 1), date(2021, 6, 1))
    assert translate("life.no_customers_either", before="2021-01-01", after="2021-06-01") in messages
    assert not app.get("plotly_chart")  # nothing to draw
    # (2020-10-11, 2021-06-01] is empty, K1 and K3 bought after: everyone enters.
    messages = set_cutoffs(app, date(2021, 6, 1), date(2022, 1, 20))
    assert translate("life.no_customers_before", start="2020-10-11", before="2021-06-01") in messages
    # (2019-06-01, 2020-06-01] holds the 2020 orders, nobody bought in the year after: everyone leaves.
    messages = set_cutoffs(app, date(2020, 6, 1), date(2021, 6, 1))
    assert translate("life.no_customers_after", before="2020-06-01", after="2021-06-01") in messages
    assert len(app.get("plotly_chart")) == 2


@pytest.mark.parametrize("page", [LIFECYCLE, CUSTOMER])
def test_weights_without_data_in_the_dataset_fall_back_with_a_note(gap_dataset, page):
    # Weights chosen on the demo, kept when switching to a dataset without satisfaction ratings.
    app = open_app(page, active_dataset_id=gap_dataset, **weight_keys({"satisfaction": 1.0}), customer_id="K1")
    assert translate("value.weights_fallback") in texts(app.info)
    assert not app.warning


def test_a_dataset_of_one_day_has_no_periods_to_compare(app_database):
    rows = pd.DataFrame({"customer_id": ["Z1", "Z2"], "order_date": ["2023-05-05", "2023-05-05"], "revenue": [10.0, 20.0]})
    raw = open_upload("one_day.csv", rows.to_csv(index=False).encode("utf-8"))
    store = Store(app_database)
    try:
        dataset_id = table_uploads.write_upload(store, validate_transactions(raw, suggest_mapping(list(raw.frame.columns))),
                                         mode="new", digest=None, dataset_name="one day")
    finally:
        store.close()
    app = open_app(LIFECYCLE, active_dataset_id=dataset_id, life_section="migration")
    assert translate("life.migration_one_day", date="2023-05-05") in texts(app.info)
    assert not app.warning  # not "pick an earlier first date": there is none
    app = open_app(CUSTOMER, active_dataset_id=dataset_id, customer_id="Z2")
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics[translate("life.customer.tier_before", date="2022-05-05")] == translate("life.customer.not_yet")


def test_every_code_the_pages_show_is_translated():
    codes = {
        "life.stage.": lifecycle.STAGES, "life.rule.": lifecycle.RULE_ORDER, "life.period.": lifecycle.HISTORY_PERIODS,
        "life.reason.": watchlists.UNPROFITABLE_REASONS, "life.matrix_kind.": MATRIX_KINDS,
        "life.fig.unit_": MATRIX_KINDS, "life.state.": (migration.ENTERING, migration.LEAVING),
    }
    missing = [prefix + code for prefix, values in codes.items() for code in values if prefix + code not in TABLE]
    assert not missing


def demo_tiers(path, as_of: date) -> pd.Series:
    """Tiers as the value page scores them at ``as_of``: balanced weights, potential value from the
    purchase model chosen on the whole history, fitted up to ``as_of``."""
    store = Store(path)
    try:
        chosen = fit_lifetime(rfm_summary(store, 1)).choice.chosen
        features = scoring_features_at(store, 1, as_of, LifetimeSettings(purchase_model=chosen))
        tiers = migration.tiers_from_scores(dimension_scores(features), PRESETS["balanced"])
        return tiers.set_index("customer_id")["tier"]
    finally:
        store.close()


def test_customer_page_finds_a_customer_by_name_and_shows_its_tier(app_database):
    # With the growth proxy as potential this customer would be S: the page must value as the value page does.
    now, year_before = demo_tiers(app_database, date(2026, 9, 29)), demo_tiers(app_database, date(2025, 9, 29))
    app = open_app(CUSTOMER)
    app.text_input(key="customer_query").input("jinhai pharmacy 0035").run()
    assert not app.exception
    assert app.subheader[0].value == "Guangzhou Jinhai Pharmacy 0035 · C00035"
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Tier now"] == translate(f"value.tier.{now['C00035']}") == translate("value.tier.A")
    assert metrics["Tier at 2025-09-29"] == translate(f"value.tier.{year_before['C00035']}")
    assert app.session_state["customer_id"] == "C00035"
    assert len(app.get("plotly_chart")) == 2  # order history, dimension breakdown


@pytest.mark.parametrize(("customer_id", "rhythm_key"), [
    ("C02946", "life.customer.rhythm_single"),  # one order, two years before the data ends
    ("C00461", "life.customer.rhythm_returns_only"),  # a single return, no purchase
])
def test_customer_page_describes_short_histories(app_database, customer_id, rhythm_key):
    app = open_app(CUSTOMER, customer_id=customer_id)
    opening = translate(rhythm_key, recency="#", tenure="#").split("#")[0]
    assert any(caption.startswith(opening) for caption in texts(app.caption)), texts(app.caption)
    usual_gap = translate("life.customer.rhythm", gap="#", recency="#", tenure="#").split("#")[0]
    assert not any(caption.startswith(usual_gap) for caption in texts(app.caption))  # it has no gap of its own
    assert len(app.get("plotly_chart")) == 2


def test_customer_page_reads_the_latest_order_lines_only_when_they_are_opened(app_database):
    closed = open_app(CUSTOMER, customer_id="C00042")
    assert [expander.label for expander in closed.expander] == ["Latest order lines"]
    assert all(table.value.columns[0] != "Order date" for table in closed.dataframe)
    opened = open_app(CUSTOMER, customer_id="C00042", customer_recent_orders=True)
    shown = next(table for table in opened.dataframe if table.value.columns[0] == "Order date")
    lines = shown.value
    assert len(lines) and (lines["Order date"].diff().dropna() <= pd.Timedelta(0)).all()  # newest first
    assert column_types(shown)["Revenue"] == {"type": "number", "format": "localized", "step": 0.01}  # 12.50
    assert column_types(shown)["Quantity"] == {"type": "number", "format": "localized"}  # 2,000


def test_customer_page_search_without_match(app_database):
    app = open_app(CUSTOMER)
    app.text_input(key="customer_query").input("no such customer").run()
    assert texts(app.info) == [translate("life.customer.no_match", query="no such customer")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_customer_page_takes_a_preselected_customer(app_database, lang):
    app = open_app(CUSTOMER, lang=lang, customer_id="C00042")
    assert app.title[0].value == translate("life.customer.title", lang)
    assert app.subheader[0].value.endswith("· C00042")
    labels = [metric.label for metric in app.metric]
    assert translate("life.customer.tier_now", lang) in labels and translate("life.customer.stage", lang) in labels


def test_customer_page_follows_a_link(app_database):
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["customer_id"] = "C00007"
    app.switch_page(CUSTOMER)
    app.run()
    assert not app.exception
    assert app.subheader[0].value.endswith("· C00007")


def test_customer_ranks_fit_their_cards_and_say_the_whole_rank_in_their_help(app_database):
    app = open_app(CUSTOMER, customer_id="C00042")
    card = next(metric for metric in app.metric if metric.label == "Rank by value")
    rank, total = card.value.split(" / ")
    assert total == "3,000" and 1 <= int(rank.replace(",", "")) <= 3000
    assert card.proto.help == f"{rank} of 3,000 customers"
