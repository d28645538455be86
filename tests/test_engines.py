"""The SQL kept per (dataset, read, arguments) for the store's own datasets is the SQL Ibis compiles
over the store's real tables, for every read of the transactions."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import aggregations, engines, table_uploads
from analytics.datasets import list_datasets
from analytics.lifecycle import order_histories, recent_orders
from analytics.mapping import suggest_mapping
from analytics.readers import open_upload
from analytics.store import Store

DAY = dt.date(2025, 1, 1)
READS = [
    (aggregations.features, (DAY, None)),
    (aggregations.features, (DAY, dt.date(2024, 1, 1))),
    (aggregations.rfm, (DAY, dt.date(2025, 6, 1), 7.0)),
    (aggregations.lifecycle, (DAY, 90)),
    (aggregations.histories, ("month", None)),
    (aggregations.histories, ("quarter", engines.Text("C0001"))),
    (aggregations.recent_orders, (engines.Text("C0001"), 5)),
    (aggregations.activity, (dt.date(2024, 1, 1), dt.date(2024, 6, 1), DAY)),
    (aggregations.last_order, ()),
    (aggregations.date_bounds, ()),
]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, demo_database):
    path = tmp_path_factory.mktemp("engines") / "copy.duckdb"
    path.write_bytes(demo_database.read_bytes())
    store = Store(path)
    yield store
    store.close()


@pytest.mark.parametrize(("builder", "args"), READS, ids=lambda value: getattr(value, "__name__", None))
def test_kept_sql_is_what_ibis_compiles_over_the_store_s_tables(demo_store, builder, args):
    dataset_id = list_datasets(demo_store)[0].dataset_id
    backend = demo_store.ibis()
    transactions, customers = backend.table("transactions"), backend.table("customers")
    tables = aggregations.Tables(
        transactions.filter(transactions.dataset_id == dataset_id).select(*aggregations.TRANSACTIONS),
        customers.filter(customers.dataset_id == dataset_id).select(*aggregations.CUSTOMERS))
    shape = tuple(engines.Text if isinstance(arg, engines.Text) else arg for arg in args)
    kept = engines.local_sql(dataset_id, builder, shape)
    values = [arg.value if isinstance(arg, engines.Text) else arg for arg in args]
    for i, arg in enumerate(args):
        if isinstance(arg, engines.Text):  # bound, not written in: the kept text names a parameter
            assert arg.value not in kept
            kept = kept.replace(f"$p{i}", f"'{arg.value}'")
    assert kept == backend.compile(builder(tables, *values))


def test_text_from_the_data_is_bound_so_quotes_and_sql_in_an_id_are_just_characters(store):
    hostile = "x' OR '1'='1"
    rows = [{"customer_id": hostile, "order_date": "2024-01-05", "revenue": 10.0},
            {"customer_id": "plain", "order_date": "2024-02-01", "revenue": 20.0},
            {"customer_id": "plain", "order_date": "2024-03-01", "revenue": 30.0}]
    raw = open_upload("orders.csv", pd.DataFrame(rows).to_csv(index=False).encode("utf-8"))
    upload = table_uploads.validate_transactions(raw, suggest_mapping(list(raw.frame.columns)))
    dataset_id = table_uploads.write_upload(store, upload, mode="new", digest=None)
    assert recent_orders(store, dataset_id, hostile)["revenue"].tolist() == [10.0]
    assert order_histories(store, dataset_id, "year", hostile)["revenue"].tolist() == [10.0]
    assert recent_orders(store, dataset_id, "plain")["revenue"].tolist() == [30.0, 20.0]


def test_a_read_gives_the_rows_of_its_sql_and_last_order_follows_new_rows(demo_database, tmp_path):
    path = tmp_path / "copy.duckdb"
    path.write_bytes(demo_database.read_bytes())
    demo_store = Store(path)
    dataset_id = list_datasets(demo_store)[0].dataset_id
    bounds = engines.read(demo_store, dataset_id, aggregations.date_bounds).iloc[0]
    expected = demo_store.row("SELECT min(order_date), max(order_date), count(*), count(DISTINCT customer_id) "
                              "FROM transactions WHERE dataset_id = ?", [dataset_id])
    assert (bounds["date_min"].date(), bounds["date_max"].date(), bounds["rows"], bounds["customers"]) == expected
    later = expected[1] + dt.timedelta(days=30)
    with demo_store.transaction() as cur:
        cur.execute("INSERT INTO transactions (dataset_id, customer_id, order_date, revenue) VALUES (?, 'new', ?, 1)",
                    [dataset_id, later])
    assert demo_store.last_order_date(dataset_id) == later
    demo_store.close()
