"""Tables paged on the server: search, sort and page cut on the server, one page to the browser."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from app_harness import column_types, open_app

from analytics.paging import matching_order, page_of
from ui.i18n import translate


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [f"C{i:03d}" for i in range(250)],
        "name": [None if i % 10 == 0 else f"Name {i} {'Acme' if i % 7 == 0 else 'Other'}" for i in range(250)],
        "revenue": [float((i * 37) % 101) if i % 13 else np.nan for i in range(250)],
    })


def test_pages_follow_each_other_and_the_last_one_is_short(frame):
    order = matching_order(frame)
    first, second, last = (page_of(frame, order, page, 100) for page in (1, 2, 3))
    assert (first.pages, first.first, first.last) == (3, 1, 100)
    assert list(second.rows["customer_id"]) == [f"C{i:03d}" for i in range(100, 200)]
    assert (last.first, last.last, len(last.rows)) == (201, 250, 50)
    assert page_of(frame, order, 99, 100).page == 3 and page_of(frame, order, 0, 100).page == 1


def test_search_is_case_insensitive_literal_and_covers_missing_names(frame):
    order = matching_order(frame, "acme", ("customer_id", "name"))
    expected = [i for i in range(250) if i % 7 == 0 and i % 10 != 0]
    assert list(frame["customer_id"].iloc[order]) == [f"C{i:03d}" for i in expected]
    assert matching_order(frame, "C00", ("customer_id", "name")).size == 10
    assert matching_order(frame, ".*", ("customer_id", "name")).size == 0  # no patterns
    empty = page_of(frame, matching_order(frame, "nobody", ("name",)), 1, 100)
    assert (empty.matched, empty.pages, empty.first, empty.last, len(empty.rows)) == (0, 1, 0, 0, 0)


def test_sort_puts_missing_values_last_and_keeps_ties_in_frame_order(frame):
    for descending in (False, True):
        order = matching_order(frame, sort_column="revenue", descending=descending)
        values = frame["revenue"].iloc[order].to_numpy()
        known = values[~np.isnan(values)]
        assert np.all(np.isnan(values[known.size:])) and known.size == frame["revenue"].notna().sum()
        assert np.all(np.diff(known) <= 0) if descending else np.all(np.diff(known) >= 0)
        tied = order[:known.size][known == known[0]]
        assert list(tied) == sorted(tied)
    assert not matching_order(frame).flags.writeable  # shareable from a cache


def test_data_page_ships_one_page_and_pages_searches_and_sorts_on_the_server(app_database):
    app = open_app("pages/data.py")
    assert not app.dataframe  # the Upload section does not build the customer table
    app.segmented_control(key="data_section").set_value("customers").run()
    table = app.dataframe[0].value
    assert len(table) == 100 and app.caption[-1].value == "3,000 of 3,000 customers"
    shown_as = column_types(app.dataframe[0])
    for day in ("First order", "Last order"):  # a day, not its midnight
        assert shown_as[day] == {"type": "date", "format": "YYYY-MM-DD"}, shown_as
    widths = {label: config.get("width") for label, config in json.loads(app.dataframe[0].proto.columns).items()}
    first_ids = list(table.iloc[:, 0])
    app.pagination(key="customer_page").set_value(2).run()
    second = app.dataframe[0].value
    assert len(second) == 100 and list(second.iloc[:, 0]) == [f"C{i:05d}" for i in range(101, 201)]
    assert not set(first_ids) & set(second.iloc[:, 0])

    assert translate("table.header_sort_note") in app.caption[-2].value  # header clicks sort one page
    app.selectbox(key="customer_sort").select("revenue").run()
    app.toggle(key="customer_descending").set_value(True).run()
    revenue = app.dataframe[0].value["Revenue"]
    assert list(app.dataframe[0].value.columns[:3]) == [translate(f"field.{c}") for c in ("customer_id", "name", "revenue")]
    assert app.session_state["customer_page"] == 1  # a new order starts on its first page
    assert revenue.is_monotonic_decreasing and len(revenue) == 100
    # grouped, in a column wide enough for the largest amount on any page (a later page or order
    # must not be cut off in a column sized to the first page)
    assert shown_as["Revenue"]["format"] == "localized" and shown_as["Revenue"]["step"] == 0.01  # two decimals
    assert widths[translate("field.customer_type")] >= 7 * len(translate("ctype.dealer"))  # the longest type
    assert set(app.dataframe[0].value[translate("field.customer_type")]) <= {
        translate(f"ctype.{code}") for code in ("consumer", "purchaser", "enterprise", "intermediary", "dealer")}
    assert widths["Revenue"] >= 7 * len(f"{revenue.max():,.2f}"), widths

    app.text_input(key="customer_search").input("C0001").run()
    found = app.dataframe[0].value
    assert sorted(found.iloc[:, 0]) == [f"C0001{i}" for i in range(10)]
    assert app.caption[-1].value == "10 of 3,000 customers"
    assert not app.pagination  # one page: no page control


def test_lifecycle_lists_ship_one_page_each(app_database):
    def count(label: str) -> int:
        return int(label.rsplit("(", 1)[-1].rstrip(")").replace(",", ""))

    longest = 0
    for section, switch_key, other_tables in (("migration", "life_moves_list", 1), ("watch", "life_watch_list", 0)):
        app = open_app("pages/lifecycle.py", life_section=section)
        tables = {table.proto.id: table.value for table in app.dataframe}
        assert tables and all(len(table) <= 100 for table in tables.values())
        switch = app.segmented_control(key=switch_key)
        longest = max(longest, *(count(label) for label in switch.options))
        # One list is drawn (the first), and a list longer than a page gets page controls.
        assert len(tables) == other_tables + 1  # on migration, the retention table beside it
        assert len(app.pagination) == (count(switch.options[0]) > 100)
    assert longest > 100  # some list is longer than a page


def test_the_sort_choice_is_carried_over_a_language_switch(app_database):
    """Its options' labels are translated: without the switch carrying the choice over, a table in
    the other language fell back to "(as listed)" and its next click reset the page
    (test_app.test_language_switch_keeps_option_widgets_valid runs the switch itself)."""
    from ui.language import _TRANSLATED_OPTION_KEYS

    app = open_app("pages/data.py")
    app.segmented_control(key="data_section").set_value("customers").run()
    assert "customer_sort" in _TRANSLATED_OPTION_KEYS
