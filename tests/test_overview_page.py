"""The executive overview and the 80/20 page through AppTest: numbers match the analytics run
directly on the same database, filters and thresholds act on both pages, no-cost data degrades."""

import json
from datetime import date

import pytest
from app_harness import assert_clean, open_app, weight_keys
from streamlit.testing.v1 import AppTest

from analytics import concentration, strategy
from analytics import value_model as vm
from analytics.datasets import list_datasets
from analytics.dimensions import dimension_scores
from analytics.features import customer_features
from analytics.ingest import file_hash
from analytics.kpis import overview_kpis
from analytics.mapping import suggest_mapping
from analytics.readers import open_upload
from analytics.store import open_store
from analytics.table_uploads import validate_transactions, write_upload
from ui import format as fmt
from ui.figures.concentration import (
    inverse_readout,
    risk_sentence,
    top_readout,
)
from ui.i18n import translate
from ui.settings import filter_key

CONCENTRATION = "pages/concentration.py"
PAYLOAD_LIMIT = 300_000
# Four customers, no cost column, and no order between January 20 and March 1.
NO_COST_SALES = (
    "customer,name,date,amount,region\n"
    "K1,North Star,2024-01-05,1000,North\nK2,South Gate,2024-01-20,400,South\n"
    "K1,North Star,2024-03-01,800,North\nK3,East Wind,2024-03-01,150,North\nK4,West Hill,2024-03-15,90,South\n"
)


def demo(app_database):
    store = open_store(str(app_database))
    dataset = list_datasets(store)[0]
    return store, dataset, customer_features(store, dataset.dataset_id)


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def texts(app: AppTest, kind: str) -> list[str]:
    return [element.value for element in getattr(app, kind)]


def charts(app: AppTest) -> list[dict]:
    specs = [chart.proto.spec for chart in app.get("plotly_chart")]
    assert all(len(spec) <= PAYLOAD_LIMIT for spec in specs)
    return [json.loads(spec) for spec in specs]


def no_cost_dataset(app_database) -> int:
    store = open_store(str(app_database))
    raw = open_upload("no_cost.csv", NO_COST_SALES.encode())
    upload = validate_transactions(raw, suggest_mapping(list(raw.frame.columns)))
    return write_upload(store, upload, mode="new", digest=file_hash(NO_COST_SALES.encode()), dataset_name="no cost")


def test_overview_kpis_verdict_and_figures_match_the_analytics(app_database):
    _, _, features = demo(app_database)
    revenue = concentration.rank_metric(features["revenue"])
    kpis = overview_kpis(features).loc["all"]
    app = open_app()
    shown = metrics(app)
    assert shown["Customers"] == f"{len(features):,}" == "3,000"
    assert shown[translate("conc.kpi.active")] == f"{int(kpis['active_customers']):,}"
    assert shown["Revenue"] == fmt.compact(kpis["revenue"], "en")
    assert shown["Gross profit"] == fmt.compact(kpis["gross_profit"], "en")
    assert shown["Gross margin"] == f"{kpis['margin_pct']:.1f}%"
    assert shown["Top 20%'s revenue"] == fmt.share(concentration.share_of_top(revenue, 0.2), "en")
    verdict = concentration.concentration_risk(revenue)
    assert risk_sentence(verdict) in texts(app, "success") + texts(app, "warning") + texts(app, "error")
    assert len([line for line in texts(app, "markdown") if "First step:" in line]) == 4
    _, pareto = charts(app)
    largest = features.loc[features["revenue"].idxmax(), "name"]
    assert largest in json.dumps(pareto)  # hover names the customers


def test_overview_follows_the_active_weights(app_database):
    """Economic value alone: a weighting whose composite the plain features determine."""
    _, _, features = demo(app_database)
    economic_only = {"economic": 1.0}
    table = vm.value_table(features, vm.score_customers(dimension_scores(features), economic_only))
    expected = [f"{100 * share:.1f}%" for share in strategy.pyramid(table)["value_share"]]
    balanced = charts(open_app())[0]
    assert balanced["data"][1]["text"] != expected
    economic = charts(open_app(**weight_keys(economic_only)))[0]
    assert economic["data"][1]["text"] == expected


@pytest.mark.parametrize("page", [None, CONCENTRATION])
def test_pages_render_in_chinese(app_database, page):
    app = open_app(page, lang="zh")
    assert app.title[0].value == ("总览" if page is None else "二八分析")
    assert not [text for kind in ("markdown", "caption", "info") for text in texts(app, kind) if "customers" in text]
    if page is None:
        assert metrics(app)["客户数"] == "3,000"
        assert any("S 战略客户" in line for line in texts(app, "markdown"))
    else:
        assert any("的客户贡献了" in line for line in texts(app, "markdown"))


def test_region_filter_and_date_window_match_the_analytics(app_database):
    store, dataset, features = demo(app_database)
    app = open_app()
    app.multiselect(key=filter_key('region', dataset)).set_value(["East"]).run()
    assert_clean(app)
    east = features[features["region"] == "East"]
    assert metrics(app)["Customers"] == f"{len(east):,}"
    assert metrics(app)["Top 20%'s revenue"] == fmt.share(
        concentration.share_of_top(concentration.rank_metric(east["revenue"]), 0.2), "en")

    start_day, end_day = date(2025, 1, 1), date(2025, 6, 30)
    app.date_input(key=filter_key('dates', dataset)).set_value((start_day, end_day)).run()
    assert_clean(app)
    window = customer_features(store, dataset.dataset_id, as_of=end_day, start=start_day)
    window = window[window["region"] == "East"]
    assert metrics(app)["Customers"] == f"{len(window):,}"
    assert metrics(app)[translate("conc.kpi.active")] == f"{int((window['recency_days'] < 365).sum()):,}"


def test_filters_that_leave_no_customers_say_so_on_both_pages(app_database):
    _, dataset, _ = demo(app_database)
    app = open_app()
    app.multiselect(key=filter_key('customer_type', dataset)).set_value(["consumer"])
    app.multiselect(key=filter_key('channel', dataset)).set_value(["Distribution"]).run()  # dealers
    assert_clean(app)
    message = translate("app.no_customers")
    assert message in texts(app, "info")
    assert not app.metric
    app.switch_page(CONCENTRATION).run()  # the filters hold across pages
    assert_clean(app)
    assert message in texts(app, "info")
    assert not app.get("plotly_chart")


def test_top_share_slider_and_inverse_readout_match_the_analytics(app_database):
    _, _, features = demo(app_database)
    revenue = concentration.rank_metric(features["revenue"])
    app = open_app(CONCENTRATION)
    assert top_readout("revenue", 0.2, concentration.share_of_top(revenue, 0.2)) in texts(app, "markdown")
    app.slider(key="conc_top_share").set_value(35).run()
    app.slider(key="conc_value_share").set_value(50).run()
    assert_clean(app)
    readouts = texts(app, "markdown")
    moved = top_readout("revenue", 0.35, concentration.share_of_top(revenue, 0.35))
    assert moved != top_readout("revenue", 0.2, concentration.share_of_top(revenue, 0.2))
    assert moved in readouts
    assert inverse_readout("revenue", 0.5, concentration.customers_for_share(revenue, 0.5)) in readouts
    whale = concentration.whale_curve(concentration.rank_metric(features["gross_profit"]))
    assert not any("customers lose money" in text for text in readouts)  # one section at a time
    app.segmented_control(key="conc_section").set_value("profit").run()
    assert any(f"{whale.loss_makers:,} customers lose money" in text for text in texts(app, "markdown"))
    app.segmented_control(key="conc_section").set_value("curves").run()
    assert app.slider(key="conc_top_share").value == 35  # kept while another section was shown


def test_the_curves_say_their_shares_leave_losses_out_where_the_whale_curve_counts_them(app_database):
    _, _, features = demo(app_database)
    profit = concentration.rank_metric(features["gross_profit"])
    losing = features["gross_profit"] < 0
    assert losing.any()
    app = open_app(CONCENTRATION)
    notes = [text for text in texts(app, "caption") if text.startswith("Gross profit: shares here are of")]
    assert notes == [
        f"Gross profit: shares here are of {fmt.money(features['gross_profit'].clip(lower=0).sum(), 'en')}, what the "
        f"customers with a positive figure bring; the {losing.sum():,} with a negative one (together "
        f"-{fmt.money(-features.loc[losing, 'gross_profit'].sum(), 'en')}) count as zero. The whale curve under "
        "Profit and losses counts their losses, so its shares are of the net total."]
    assert profit.total == pytest.approx(features["gross_profit"].clip(lower=0).sum())
    returns = int((features["revenue"] < 0).sum())  # customers whose returns exceed their purchases
    revenue_note = (f"Revenue: shares here are of {fmt.money(features['revenue'].clip(lower=0).sum(), 'en')}, what "
                    f"the customers with a positive figure bring; the {returns:,} with a negative one")
    assert sum(text.startswith(revenue_note) for text in texts(app, "caption")) == (1 if returns else 0)
    notes = [text for text in texts(app, "caption") if ": shares here are of" in text]
    on_the_whale_curve = [text for text in notes if "whale curve" in text]
    assert len(on_the_whale_curve) == 1 and on_the_whale_curve[0].startswith("Gross profit:")  # not revenue or value


def test_risk_thresholds_set_on_the_80_20_page_drive_both_verdicts(app_database):
    app = open_app(CONCENTRATION)
    app.segmented_control(key="conc_section").set_value("risk").run()
    app.number_input(key="risk_top_share_moderate").set_value(5.0).run()
    assert_clean(app)
    assert any("moderate dependency" in text and "cuts both ways" in text for text in texts(app, "markdown"))
    app.switch_page("pages/overview.py").run()
    assert any("moderate dependency" in text for text in texts(app, "warning"))

    app.switch_page(CONCENTRATION).run()
    app.number_input(key="risk_top_share_moderate").set_value(80.0).run()  # above the high threshold
    assert_clean(app)
    assert translate("conc.page.bad_thresholds") in texts(app, "error")
    assert any("low dependency" in text for text in texts(app, "markdown"))


def test_dataset_without_cost_renders_both_pages_without_profit(app_database):
    dataset_id = no_cost_dataset(app_database)
    app = open_app(active_dataset_id=dataset_id)
    shown = metrics(app)
    assert shown["Customers"] == "4"
    assert shown["Gross profit"] == shown["Gross margin"] == fmt.missing("en")
    assert translate("data.no_cost") in texts(app, "info")
    assert [trace["name"] for trace in charts(app)[1]["data"]] == ["Equal shares", "Revenue", "Customer value"]

    app.switch_page(CONCENTRATION).run()
    assert_clean(app)
    assert any("bring" in text and "revenue" in text for text in texts(app, "markdown"))
    app.segmented_control(key="conc_section").set_value("profit").run()
    assert_clean(app)
    assert translate("data.no_cost") in texts(app, "info")

    dataset = next(d for d in list_datasets(open_store(str(app_database))) if d.dataset_id == dataset_id)
    between_orders = (date(2024, 1, 21), date(2024, 2, 29))
    app.date_input(key=filter_key('dates', dataset)).set_value(between_orders).run()
    assert_clean(app)
    assert translate("app.no_customers") in texts(app, "info")


def test_weights_that_weigh_nothing_here_fall_back_on_the_overview(app_database):
    """Satisfaction weights chosen on the demo weigh nothing in a dataset without ratings."""
    dataset_id = no_cost_dataset(app_database)
    app = open_app(active_dataset_id=dataset_id, **weight_keys({"satisfaction": 1.0}))
    app.multiselect(key=next(w.key for w in app.multiselect if "region" in w.key)).select("North").run()
    assert_clean(app)
    assert metrics(app)[translate("data.col_customers")] == "2"


@pytest.mark.parametrize(("lang", "count", "shown", "exact"), [
    ("en", 100_000, "100K", "Exactly 100,000"), ("zh", 100_000, "10万", "精确值：100,000"), ("en", 99_999, "99,999", None)])
def test_counts_on_cards_are_compact_from_100000_with_the_exact_count_in_their_help(lang, count, shown, exact):
    def card(count: int) -> None:
        import streamlit as st

        from ui.layout import count_card

        count_card(st, "Customers", count)

    app = AppTest.from_function(card, args=(count,))
    app.session_state["lang"] = lang
    app.run()
    assert not app.exception
    assert app.metric[0].value == shown
    assert (app.metric[0].proto.help or None) == exact
