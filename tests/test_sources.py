"""External sources through the command line, on another DuckDB file (the fast engine to test with):
the mapping is checked before anything is written, the write is audited, the dataset reads like an
uploaded one, a refresh picks up the table's new rows, and uploads into a source are refused."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_store import one_customer_upload

from analytics import cli, external
from analytics.features import customer_features
from analytics.sources import UploadError
from analytics.store import Store
from analytics.table_uploads import write_upload

MAP = "customer_id=cust_no,order_date=dt,revenue=amount,cost=cost"


def orders(path, n_extra: int = 0) -> None:
    """The source's sales lines as Parquet: timestamps, a decimal amount, a cost missing on one line."""
    customers = ["k1", "k2", "k2", "k3"] + ["k4"] * n_extra
    days = [dt.datetime(2024, 1, 2, 9), dt.datetime(2024, 2, 3, 15), dt.datetime(2024, 5, 9), dt.datetime(2024, 3, 5)]
    days += [dt.datetime(2024, 6, 1)] * n_extra
    amounts = ["100.50", "40.00", "-10.00", "7.25"] + ["1.00"] * n_extra
    table = pa.table({
        "cust_no": customers, "dt": pa.array(days, pa.timestamp("us")),
        "amount": pa.array([Decimal(a) for a in amounts], pa.decimal128(12, 2)),
        "cost": [60.0, 30.0, None, 5.0] + [0.5] * n_extra,
    })
    pq.write_table(table, path)


@pytest.fixture
def lake(tmp_path):
    """A DuckDB file whose ``orders`` view reads a Parquet file the test can rewrite."""
    parquet = tmp_path / "orders.parquet"
    orders(parquet)
    path = tmp_path / "lake.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"CREATE VIEW orders AS SELECT * FROM read_parquet('{parquet}')")
    return path, parquet


def add(db, lake_path, *extra) -> int:
    return cli.main(["source", "add", "Lake", "--backend", "duckdb", "--url", str(lake_path), "--table", "orders",
                     "--map", MAP, "--db", str(db), *extra])


def test_a_source_is_added_audited_and_read_like_an_upload(tmp_path, lake, capsys):
    db = tmp_path / "app.duckdb"
    assert add(db, lake[0]) == cli.EXIT_OK
    store = Store(db)
    dataset_id, rows, customers, date_min, date_max, has_cost = store.row(
        "SELECT dataset_id, rows, customers, date_min, date_max, has_cost FROM datasets WHERE name = 'Lake'")
    assert (rows, customers, date_min, date_max, has_cost) == (4, 3, dt.date(2024, 1, 2), dt.date(2024, 5, 9), True)
    actor, action, details = store.row("SELECT actor, role || ':' || action, details FROM audit_log")
    assert (actor, action) == ("command line", "admin:source_add") and json.loads(details)["table"] == "orders"
    features = customer_features(store, dataset_id).set_index("customer_id")
    assert features.loc["k2", "revenue"] == pytest.approx(30.0)
    assert features.loc["k2", "orders"] == 1  # the return is not an order
    assert features.loc["k1", "gross_profit"] == pytest.approx(40.5)
    assert features.loc["k2", "gross_profit"] == pytest.approx(10.0)  # the costless return adds nothing
    assert features.loc["k3", "name"] == "k3" and features.loc["k1", "recency_days"] == 128
    store.close()


@pytest.mark.parametrize(("mapping", "said"), [
    ("customer_id=cust_no,order_date=dt,revenue=amt", "amt"),
    ("customer_id=cust_no,order_date=amount,revenue=amount", "order_date"),
    ("customer_id=cust_no,revenue=amount", "order_date"),
])
def test_a_wrong_mapping_is_refused_with_the_reason_and_writes_nothing(tmp_path, lake, capsys, mapping, said):
    db = tmp_path / "app.duckdb"
    code = cli.main(["source", "add", "Lake", "--backend", "duckdb", "--url", str(lake[0]), "--table", "orders",
                     "--map", mapping, "--db", str(db)])
    assert code == cli.EXIT_USAGE
    assert said in capsys.readouterr().err
    store = Store(db)
    assert store.scalar("SELECT count(*) FROM datasets") == 0 == store.scalar("SELECT count(*) FROM audit_log")
    store.close()


def test_refresh_counts_the_new_rows_and_bumps_the_version(tmp_path, lake):
    db = tmp_path / "app.duckdb"
    assert add(db, lake[0]) == cli.EXIT_OK
    orders(lake[1], n_extra=3)
    assert cli.main(["source", "refresh", "Lake", "--db", str(db)]) == cli.EXIT_OK
    store = Store(db)
    assert store.row("SELECT rows, customers, version FROM datasets WHERE name = 'Lake'") == (7, 4, 2)
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'source_refresh'") == 1
    store.close()


def test_an_upload_into_a_source_is_refused(tmp_path, lake):
    db = tmp_path / "app.duckdb"
    assert add(db, lake[0]) == cli.EXIT_OK
    store = Store(db)
    dataset_id = store.scalar("SELECT dataset_id FROM datasets WHERE name = 'Lake'")
    for mode in ("append", "replace"):
        with pytest.raises(UploadError) as refused:
            write_upload(store, one_customer_upload(1), mode=mode, digest=None, dataset_id=dataset_id)
        assert refused.value.code == "external_source"
    assert store.scalar("SELECT count(*) FROM transactions") == 0
    assert external.source_of(store, dataset_id).table == "orders"
    store.close()
