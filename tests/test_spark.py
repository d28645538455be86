"""The same generated transactions in the embedded DuckDB file and in local Spark (an external source):
every per-customer read gives the same numbers, and so do the tiers and 80/20 readouts on top. A local
Parquet or CSV file is a Spark source too, read again by a new session and after it changes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from app_harness import open_app

from analytics import cli, concentration, external, lifecycle, migration
from analytics.clv.summary import calibration_holdout_summary, rfm_summary
from analytics.demo import generate_demo
from analytics.dimensions import dimension_scores
from analytics.features import customer_features
from analytics.store import Store, open_store
from analytics.table_uploads import ValidatedUpload, write_upload
from analytics.value_model import score_customers

# The source's own column names, as a warehouse might call them.
MAPPING = {"customer_id": "cust_no", "order_date": "dt", "revenue": "amount", "order_id": "order_no",
           "gross_profit": "margin", "quantity": "qty", "product": "sku", "channel": "chan", "region": "area"}


def sales(n_customers: int = 300) -> ValidatedUpload:
    """The demo's transactions (several years, returns), with costs missing on a tenth of the lines and
    for some customers altogether, order ids missing on some, and no customer master."""
    demo = generate_demo(n_customers=n_customers, seed=7)
    rows = demo.transactions.copy()
    rng = np.random.default_rng(3)
    no_cost = (rng.random(len(rows)) < 0.1) | rows["customer_id"].isin(rows["customer_id"].unique()[:20]).to_numpy()
    for column in ("cost", "gross_profit"):
        if column in rows:
            rows.loc[no_cost, column] = np.nan
    rows.loc[rng.random(len(rows)) < 0.2, "order_id"] = None
    assert (rows["revenue"] < 0).any() and rows["order_date"].min().year < rows["order_date"].max().year - 1
    return ValidatedUpload("sales.csv", len(rows), rows, pd.DataFrame(), demo.rejects.iloc[:0])


@pytest.fixture(scope="module")
def both(tmp_path_factory, spark):
    """(store, DuckDB dataset id, Spark dataset id) over the same rows."""
    folder = tmp_path_factory.mktemp("spark")
    store = open_store(str(folder / "both.duckdb"))
    local = write_upload(store, sales(), mode="new", digest=None, dataset_name="local")
    stored = store.cursor().execute(
        "SELECT customer_id, order_date, revenue, order_id, gross_profit, quantity, product, channel, region"
        " FROM transactions WHERE dataset_id = ?", [local]).to_arrow_table()
    pq.write_table(stored.rename_columns([MAPPING[name] for name in stored.column_names]),
                   folder / "sales.parquet")
    spark.read.parquet(str(folder / "sales.parquet")).createOrReplaceTempView("sales")
    remote = external.add_source(store, "lake", external.check_source("pyspark", "local[1]", "sales", MAPPING))
    return store, local, remote


def same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True),
                                  check_exact=False, rtol=1e-9, atol=0, check_dtype=False)


def test_every_feature_column_is_the_same_in_duckdb_and_spark(both):
    store, local, remote = both
    same(customer_features(store, local), customer_features(store, remote))
    window = dict(as_of=dt.date(2025, 6, 30), start=dt.date(2024, 2, 29))
    same(customer_features(store, local, **window), customer_features(store, remote, **window))


def test_the_lifetime_value_summary_and_the_activity_tables_are_the_same(both):
    store, local, remote = both
    assert store.last_order_date(local) == store.last_order_date(remote)
    same(rfm_summary(store, local), rfm_summary(store, remote))
    split = dt.date(2025, 12, 31)
    same(calibration_holdout_summary(store, local, split), calibration_holdout_summary(store, remote, split))
    same(lifecycle.lifecycle_inputs(store, local), lifecycle.lifecycle_inputs(store, remote))
    last = store.last_order_date(local)
    same(migration.period_activity(store, local, last - dt.timedelta(days=365), last),
         migration.period_activity(store, remote, last - dt.timedelta(days=365), last))
    same(lifecycle.order_histories(store, local, "quarter"), lifecycle.order_histories(store, remote, "quarter"))
    customer = customer_features(store, local)["customer_id"].iloc[3]
    same(lifecycle.recent_orders(store, local, customer, 10), lifecycle.recent_orders(store, remote, customer, 10))


def test_tiers_and_80_20_readouts_are_identical(both):
    store, local, remote = both
    models = [score_customers(dimension_scores(customer_features(store, dataset)), {"economic": 1.0, "potential": 1.0})
              for dataset in (local, remote)]
    np.testing.assert_array_equal(models[0].tiering.labels, models[1].tiering.labels)
    summaries = [concentration.concentration_summary(concentration.rank_metric(model.value)) for model in models]
    assert summaries[0].top20_share == pytest.approx(summaries[1].top20_share, rel=1e-12)
    assert summaries[0].top_shares == pytest.approx(summaries[1].top_shares, rel=1e-12)


def test_a_mapping_is_checked_before_anything_is_written(both):
    store, _, _ = both
    datasets = store.scalar("SELECT count(*) FROM datasets")
    with pytest.raises(external.SourceError) as missing:
        external.check_source("pyspark", "local[1]", "sales", {**MAPPING, "revenue": "amt"})
    assert missing.value.code == "no_column" and "amount" in missing.value.details["columns"]
    with pytest.raises(external.SourceError) as wrong:
        external.check_source("pyspark", "local[1]", "sales", {**MAPPING, "revenue": "sku"})
    assert wrong.value.code == "wrong_type"
    assert store.scalar("SELECT count(*) FROM datasets") == datasets


def write_orders(path, customers: list[str]) -> None:
    """One order of 10.0 per customer, on consecutive January days, as Parquet or (by suffix) CSV."""
    days = [dt.date(2024, 1, 1 + i) for i in range(len(customers))]
    if path.suffix == ".csv":
        path.write_text("cust,day,amount\n" + "".join(f"{c},{d},10.0\n" for c, d in zip(customers, days)))
    else:
        pq.write_table(pa.table({"cust": customers, "day": days, "amount": [10.0] * len(customers)}), path)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_local_file_is_a_spark_source_after_a_restart_and_a_rewrite(spark, tmp_path, monkeypatch, suffix):
    path, db = tmp_path / f"orders{suffix}", tmp_path / "app.duckdb"
    write_orders(path, ["a", "b", "b"])
    assert cli.main(["source", "add", "Files", "--backend", "pyspark", "--url", "local[1]", "--file", str(path),
                     "--map", "customer_id=cust,order_date=day,revenue=amount", "--db", str(db)]) == cli.EXIT_OK
    store = Store(db)
    dataset_id = store.scalar("SELECT dataset_id FROM datasets WHERE name = 'Files'")
    assert external.source_of(store, dataset_id).table == str(path)  # what a new process reads again
    before = customer_features(store, dataset_id)
    assert before.set_index("customer_id")["revenue"].to_dict() == {"a": 10.0, "b": 20.0}
    # A restarted server: a new session without the view, nothing remembered in the process.
    for table in spark.catalog.listTables():
        if table.isTemporary and table.name.startswith("cvd_file_"):
            spark.catalog.dropTempView(table.name)
    monkeypatch.setattr(external, "_files", {})
    same(customer_features(store, dataset_id), before)
    # Rewritten in place: Spark would read the old listing as empty; the changed file is read again.
    write_orders(path, ["a", "b", "b", "c", "d"])
    assert cli.main(["source", "refresh", "Files", "--db", str(db)]) == cli.EXIT_OK
    assert sorted(customer_features(store, dataset_id)["customer_id"]) == ["a", "b", "c", "d"]
    store.close()


def test_a_page_on_a_spark_source_shows_its_numbers_and_last_refresh(app_database, spark, tmp_path, monkeypatch,
                                                                     spinners):
    store = open_store(str(app_database))
    table = pa.table({"cust": ["a", "b", "b", "c"], "day": pa.array([dt.date(2024, 1, d) for d in (2, 3, 9, 5)]),
                      "amount": [100.0, 40.0, 60.0, 7.5]})
    pq.write_table(table, tmp_path / "page.parquet")
    spark.read.parquet(str(tmp_path / "page.parquet")).createOrReplaceTempView("page_sales")
    remote = external.add_source(store, "Spark sales", external.check_source(
        "pyspark", "local[1]", "page_sales", {"customer_id": "cust", "order_date": "day", "revenue": "amount"}))
    monkeypatch.setattr(external, "_connections", {})  # as in a new server process: no Spark session yet
    app = open_app(active_dataset_id=remote)
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown["Customers"] == "3"
    assert any("last refreshed" in caption.value and "pyspark" in caption.value for caption in app.sidebar.caption)
    assert "Starting pyspark and reading page\\_sales: the first load can take minutes." in spinners  # as Markdown
