"""External sources through the command line, on another DuckDB file (the fast engine to test with):
the mapping is checked before anything is written (a missing path is named, and no database file is
left behind), the write is audited, the dataset reads like an uploaded one, reads stop at what the
last refresh counted and a change since is said, a refresh picks up the table's new rows, the file
is open only during a read, and uploads into a source are refused (the Data page says so up front)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from app_harness import open_app, rerun
from test_store import one_customer_upload

from analytics import cli, external
from analytics.datasets import list_datasets
from analytics.features import customer_features
from analytics.sources import UploadError
from analytics.store import Store, open_store
from analytics.table_uploads import write_upload
from ui import cache as ui_cache
from ui.markup import md

MAP = "customer_id=cust_no,order_date=dt,revenue=amount,cost=cost"


def orders(path, n_extra: int = 0, extra_day: dt.datetime = dt.datetime(2024, 6, 1)) -> None:
    """The source's sales lines as Parquet: timestamps, a decimal amount, a cost missing on one line;
    ``n_extra`` lines of a new customer k4 on ``extra_day``."""
    customers = ["k1", "k2", "k2", "k3"] + ["k4"] * n_extra
    days = [dt.datetime(2024, 1, 2, 9), dt.datetime(2024, 2, 3, 15), dt.datetime(2024, 5, 9), dt.datetime(2024, 3, 5)]
    days += [extra_day] * n_extra
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
    assert not db.exists()  # checked before the database file is made
    store = Store(db)
    assert add(db, lake[0]) == cli.EXIT_OK  # into an existing file: a failure there writes nothing either
    code = cli.main(["source", "add", "Other", "--backend", "duckdb", "--url", str(lake[0]), "--table", "orders",
                     "--map", mapping, "--db", str(db)])
    assert code == cli.EXIT_USAGE
    assert store.scalar("SELECT count(*) FROM datasets") == 1 == store.scalar("SELECT count(*) FROM audit_log")
    store.close()


@pytest.mark.parametrize("option", ["--url", "--file"])
def test_a_missing_file_is_named_and_leaves_no_database_file(tmp_path, capsys, option):
    db, missing = tmp_path / "data" / "cvd.duckdb", tmp_path / "nowhere" / "orders.parquet"
    where = (["--backend", "duckdb", "--url", str(missing), "--table", "orders"] if option == "--url"
             else ["--backend", "pyspark", "--file", str(missing)])  # said before Spark would start
    assert cli.main(["source", "add", "Lake", *where, "--map", MAP, "--db", str(db)]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert f"There is no file at {missing}" in err and "Traceback" not in err
    assert not db.exists() and not db.parent.exists()
    assert cli.main(["source", "refresh", "Lake", "--db", str(db)]) == cli.EXIT_USAGE
    assert not db.exists()


def test_a_backend_whose_driver_is_not_installed_says_which_package_to_install(tmp_path, lake, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # as on an app set up without the test tools
    db = tmp_path / "app.duckdb"
    code = cli.main(["source", "add", "Lake", "--backend", "pyspark", "--file", str(lake[1]), "--map", MAP,
                     "--db", str(db)])
    assert code == cli.EXIT_USAGE
    said = capsys.readouterr().err
    assert "needs the Python package pyspark==" in said and "pip install pyspark==" in said  # the tested version
    assert not db.exists()


def test_a_source_file_held_for_writing_is_named(locked_database, tmp_path, capsys):
    db = tmp_path / "app.duckdb"
    code = cli.main(["source", "add", "Lake", "--backend", "duckdb", "--url", str(locked_database), "--table",
                     "orders", "--map", MAP, "--db", str(db)])
    assert code == cli.EXIT_USAGE
    assert f"{locked_database} is open for writing in another program" in capsys.readouterr().err


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


@pytest.mark.parametrize("extra_day", [dt.datetime(2024, 6, 1), dt.datetime(2024, 2, 1)], ids=["later", "earlier"])
def test_reads_stop_at_the_last_refresh_and_a_change_since_is_said(tmp_path, lake, extra_day):
    db = tmp_path / "app.duckdb"
    assert add(db, lake[0]) == cli.EXIT_OK
    store = Store(db)
    dataset_id = store.scalar("SELECT dataset_id FROM datasets WHERE name = 'Lake'")
    assert external.change_since_refresh(store, dataset_id) is None
    orders(lake[1], n_extra=3, extra_day=extra_day)
    change = external.change_since_refresh(store, dataset_id)
    assert (change.rows_then, change.rows_now, change.date_max_then) == (4, 7, dt.date(2024, 5, 9))
    assert change.date_max_now == max(extra_day.date(), dt.date(2024, 5, 9))
    if extra_day.date() > change.date_max_then:  # new sales wait for the refresh, as do the counts
        assert store.last_order_date(dataset_id) == dt.date(2024, 5, 9)
        assert sorted(customer_features(store, dataset_id)["customer_id"]) == ["k1", "k2", "k3"]
    assert cli.main(["source", "refresh", "Lake", "--db", str(db)]) == cli.EXIT_OK
    assert external.change_since_refresh(store, dataset_id) is None
    assert "k4" in set(customer_features(store, dataset_id)["customer_id"])
    store.close()


def test_the_source_file_is_closed_between_reads_so_its_owner_can_write(tmp_path):
    lake_path, db = tmp_path / "lake.duckdb", tmp_path / "app.duckdb"
    with duckdb.connect(str(lake_path)) as owner:
        owner.execute("CREATE TABLE orders (cust_no VARCHAR, dt DATE, amount DOUBLE, cost DOUBLE)")
        owner.execute("INSERT INTO orders VALUES ('k1', DATE '2024-01-02', 10, 4), ('k2', DATE '2024-01-03', 5, 1)")
    assert add(db, lake_path) == cli.EXIT_OK
    store = Store(db)
    dataset_id = store.scalar("SELECT dataset_id FROM datasets WHERE name = 'Lake'")
    assert len(customer_features(store, dataset_id)) == 2
    assert external.change_since_refresh(store, dataset_id) is None
    # The engines are alive in this process; DuckDB refuses a writer while any read-only connection is open.
    with duckdb.connect(str(lake_path)) as owner:
        owner.execute("INSERT INTO orders VALUES ('k3', DATE '2024-01-04', 7, 2)")
    assert external.refresh(store, dataset_id) and len(customer_features(store, dataset_id)) == 3
    with duckdb.connect(str(lake_path)) as owner:
        assert owner.execute("SELECT count(*) FROM orders").fetchone() == (3,)
    store.close()


def source_dataset(database, lake_path) -> int:
    assert add(database, lake_path) == cli.EXIT_OK
    return open_store(str(database)).scalar("SELECT dataset_id FROM datasets WHERE name = 'Lake'")


def test_the_data_page_says_a_source_is_read_only_and_offers_only_a_new_dataset(app_database, lake):
    source = source_dataset(app_database, lake[0])
    app = open_app("pages/data.py", active_dataset_id=source)
    assert any("Lake is an external source and read-only" in box.value and "orders on duckdb" in box.value
               for box in app.info), [box.value for box in app.info]
    assert not app.radio  # neither a customer master nor an append or replace: only a new dataset
    (uploader,) = app.file_uploader
    uploader.set_value(("more.csv", b"customer,date,amount\nA,2024-01-05,10\nB,2024-02-01,5\n", "text/csv"))
    rerun(app)
    assert not app.radio and app.text_input(key="upload_name").value == "more"
    app.button(key="upload_import").click()
    rerun(app)
    assert any("Imported 2 rows" in box.value for box in app.success), [box.value for box in app.error]
    named = {d.name: d for d in list_datasets(open_store(str(app_database)))}
    assert named["more"].rows == 2 and named["Lake"].rows == 4
    assert app.session_state["active_dataset_id"] == named["more"].dataset_id


def test_a_source_page_says_it_reads_the_source_and_when_it_changed(app_database, lake, spinners):
    source = source_dataset(app_database, lake[0])
    app = open_app(active_dataset_id=source)
    assert [text for text in spinners if "orders" in text] == ["Reading orders on duckdb: the first load after a"
                                                               " start or a refresh can take a while."]
    assert not app.sidebar.warning
    orders(lake[1], n_extra=3)
    ui_cache.source_change.by_key.clear()  # the sidebar asks again after CHANGE_CHECK_SECONDS
    app = open_app(active_dataset_id=source)  # AppTest keeps app.py's sidebar on the first run only
    assert len([text for text in spinners if "orders" in text]) == 1  # read once: the cache answers now
    (warning,) = app.sidebar.warning
    assert "changed since the last refresh (4 order lines up to 2024-05-09 then, 7 up to 2024-06-01 now)" in \
        warning.value
    assert {metric.label: metric.value for metric in app.metric}["Customers"] == "3"  # k4 waits for a refresh


def test_a_source_whose_file_is_gone_gets_a_message_naming_it_not_a_traceback(app_database, lake):
    source = source_dataset(app_database, lake[0])
    lake[0].unlink()
    app = open_app(active_dataset_id=source)
    assert not app.exception
    # The sidebar says it beside the source's line; the page, instead of its figures.
    said = ["There is no file at " + md(str(lake[0])) + "."] * 2
    assert [box.value for box in app.sidebar.error] + [box.value for box in app.main.error] == said


def test_adding_a_source_while_a_server_holds_the_database_says_to_stop_it(locked_database, lake, capsys):
    assert add(locked_database, lake[0]) == cli.EXIT_USAGE
    said = capsys.readouterr().err
    assert "Stop the server, run this command, then start the server again" in said and "CVD_READ_ONLY" not in said
