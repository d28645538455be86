"""Writing uploads: modes, duplicate rows, history and rollback, migration, all-or-nothing under
failures and a killed process."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from analytics import ingest, table_uploads
from analytics import store as store_module
from analytics.datasets import (
    delete_dataset,
    get_dataset,
    list_datasets,
    rename_dataset,
    rollback_upload,
    upload_history,
)
from analytics.mapping import MASTER_FIELDS, suggest_mapping
from analytics.readers import open_upload
from analytics.store import Store
from analytics.table_uploads import validate_customers, validate_transactions

ROOT = Path(__file__).resolve().parent.parent
FIRST = "customer,date,amount,cost\nA,2024-01-01,100,60\nB,2024-01-02,50,40\nA,2024-02-01,-10,-6\n"
SECOND = "customer,date,amount,cost\nC,2024-03-01,70,20\n"


def validated(text: str, filename: str = "orders.csv"):
    raw = open_upload(filename, text.encode("utf-8"))
    return validate_transactions(raw, suggest_mapping(list(raw.frame.columns)))


def upload(store, text, mode="new", dataset_id=None, filename="orders.csv"):
    data = text.encode("utf-8")
    return table_uploads.write_upload(store, validated(text, filename), mode=mode, digest=ingest.file_hash(data), dataset_id=dataset_id)


def snapshot(store: Store):
    cur = store.cursor()
    return (
        cur.execute("SELECT * FROM datasets ORDER BY dataset_id").fetchall(),
        cur.execute("SELECT * FROM transactions ORDER BY ALL").fetchall(),
        cur.execute("SELECT * FROM customers ORDER BY ALL").fetchall(),
    )


def test_new_dataset_records_statistics(store):
    dataset_id = upload(store, FIRST)
    dataset = get_dataset(store, dataset_id)
    assert (dataset.rows, dataset.customers, str(dataset.date_min), str(dataset.date_max)) == (3, 2, "2024-01-01", "2024-02-01")
    assert dataset.has_cost and not dataset.is_demo
    revenue = store.cursor().execute("SELECT sum(revenue) FROM transactions WHERE dataset_id = ?", [dataset_id]).fetchone()[0]
    assert revenue == 140.0  # the return nets out


def test_append_and_replace(store):
    dataset_id = upload(store, FIRST)
    version = get_dataset(store, dataset_id).version
    upload(store, SECOND, mode="append", dataset_id=dataset_id, filename="more.csv")
    appended = get_dataset(store, dataset_id)
    assert (appended.rows, appended.customers, appended.version) == (4, 3, version + 1)
    upload(store, SECOND, mode="replace", dataset_id=dataset_id, filename="more.csv")
    replaced = get_dataset(store, dataset_id)
    assert (replaced.rows, replaced.customers) == (1, 1)


def test_same_rows_are_not_counted_twice_whatever_the_bytes(store):
    dataset_id = upload(store, FIRST)
    before = snapshot(store)
    for again in (FIRST, FIRST.replace("\n", "\r\n"), FIRST.replace("customer,", "customer ,")):
        with pytest.raises(ingest.DuplicateUploadError) as caught:
            upload(store, again, mode="append", dataset_id=dataset_id)
        assert caught.value.dataset_name == "orders.csv"
        assert snapshot(store) == before
    upload(store, FIRST + "C,2024-03-01,70,20\n", mode="append", dataset_id=dataset_id, filename="more.csv")
    assert get_dataset(store, dataset_id).rows == 4
    assert upload_history(store, dataset_id)["rows_skipped"].tolist() == [3, 0]


def test_history_and_rollback_round_trip(store):
    dataset_id = upload(store, FIRST)
    totals = "SELECT count(*), sum(revenue), sum(cost) FROM transactions WHERE dataset_id = ?"
    before = store.cursor().execute(totals, [dataset_id]).fetchall()
    customers_before = snapshot(store)[2]
    for mode, text in (("append", SECOND), ("replace", SECOND + "A,2024-04-01,5,1\n")):
        upload(store, text, mode=mode, dataset_id=dataset_id, filename=f"{mode}.csv")
        assert store.cursor().execute(totals, [dataset_id]).fetchall() != before
        history = upload_history(store, dataset_id)
        assert (history.loc[0, "mode"], history.loc[0, "actor"], history.loc[0, "file_name"]) == (mode, "local", f"{mode}.csv")
        assert list_datasets(store)[0].source_file == f"{mode}.csv"
        rollback_upload(store, int(history.loc[0, "upload_id"]))
        assert store.cursor().execute(totals, [dataset_id]).fetchall() == before
        assert snapshot(store)[2] == customers_before
        assert list_datasets(store)[0].source_file == "orders.csv"  # the newest upload still in the dataset
    assert upload_history(store, dataset_id)["rolled_back"].notna().tolist() == [True, True, False]
    with pytest.raises(ValueError):
        rollback_upload(store, int(upload_history(store, dataset_id).loc[0, "upload_id"]))
    assert rollback_upload(store, int(upload_history(store, dataset_id).loc[2, "upload_id"])) is None
    assert list_datasets(store) == []


def test_rollback_restores_customer_attributes(store):
    dataset_id = upload(store, "客户,日期,金额,客户类型\nA,2024-01-01,10,经销商\n")
    raw = open_upload("master.csv", "客户编号,客户名称,客户类型\nA,甲公司,企业客户\nB,乙公司,\n".encode("gbk"))
    master = validate_customers(raw, suggest_mapping(list(raw.frame.columns), MASTER_FIELDS))
    before = snapshot(store)[2]
    table_uploads.write_customer_master(store, master, dataset_id)
    assert snapshot(store)[2] != before
    rollback_upload(store, int(upload_history(store, dataset_id).loc[0, "upload_id"]))
    assert snapshot(store)[2] == before


def test_row_key_is_pinned_so_stored_keys_stay_comparable():
    """Keys are stored; if a DuckDB upgrade changed hash(), appends would stop recognising stored
    rows. This fails first, and a migration must recompute the keys."""
    with duckdb.connect() as connection:
        key = connection.execute(
            f"SELECT {ingest.ROW_KEY_SQL} FROM (SELECT 'A' AS customer_id, DATE '2024-01-01' AS order_date,"
            " 100.0 AS revenue, NULL AS order_id, 60.0 AS cost, 40.0 AS gross_profit, NULL AS quantity,"
            " NULL AS product, NULL AS channel, NULL AS region, NULL AS sales_rep)"
        ).fetchall()[0][0]
    assert key == 3061320778967719083
    assert ingest.ROW_KEY_SQL.replace(" ", "") in store_module.MIGRATIONS[3].replace(" ", "").replace("\n", "")


def test_old_database_migrates_with_history_and_keys(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:3])
    old = Store(path)
    old.cursor().execute("INSERT INTO datasets (name, source_file, rows, file_hashes) VALUES ('Old', 'o.csv', 2, ['abc'])")
    old.cursor().execute("INSERT INTO transactions (dataset_id, customer_id, order_date, revenue, cost, gross_profit)"
                         " VALUES (1, 'A', '2024-01-01', 100, 60, 40), (1, 'B', '2024-01-02', 5, NULL, NULL)")
    old.close()
    monkeypatch.undo()
    migrated = Store(path)
    assert migrated.schema_version == len(store_module.MIGRATIONS)
    history = upload_history(migrated, 1)
    assert history[["upload_id", "file_name", "mode", "rows_inserted"]].values.tolist() == [[1, "o.csv", "new", 2]]
    upload(migrated, "customer,date,amount,cost\nA,2024-01-01,100,60\nC,2024-01-03,7,1\n", mode="append", dataset_id=1)
    assert migrated.cursor().execute("SELECT count(*) FROM transactions").fetchall()[0][0] == 3  # A was recognised
    migrated.close()


def test_all_rows_rejected_writes_nothing(store):
    upload(store, FIRST)
    before = snapshot(store)
    with pytest.raises(ingest.NothingToWriteError):
        upload(store, "customer,date,amount\n,2024-01-01,1\nA,never,2\n", filename="bad.csv")
    assert snapshot(store) == before


def test_failure_mid_write_leaves_earlier_data_intact(store):
    dataset_id = upload(store, FIRST)
    before = snapshot(store)
    rows = "".join(f"Z{i},2024-05-01,{i}\n" for i in range(10))

    def fail_after_first_chunk(share):
        raise RuntimeError("disk full")  # after the rows are inserted, before the commit

    big = validated("customer,date,amount\n" + rows, "big.csv")
    for mode, target in (("new", None), ("append", dataset_id), ("replace", dataset_id)):
        with pytest.raises(RuntimeError, match="disk full"):
            table_uploads.write_upload(store, big, mode=mode, digest="x", dataset_id=target, progress=fail_after_first_chunk)
        assert snapshot(store) == before


def test_killed_process_mid_upload_leaves_database_unchanged(tmp_path):
    path = tmp_path / "killed.duckdb"
    first = Store(path)
    upload(first, FIRST)
    before = snapshot(first)
    first.close()
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from analytics import table_uploads
        from analytics.store import Store
        from tests.test_ingest import validated
        store = Store({str(path)!r})
        rows = "".join(f"K{{i}},2024-06-01,{{i}}\\n" for i in range(5000))
        def pause(share):
            print("writing", flush=True)
            time.sleep(60)
        table_uploads.write_upload(store, validated("customer,date,amount\\n" + rows, "huge.csv"),
                                   mode="append", digest="y", dataset_id=1, progress=pause)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    reopened = Store(path)
    assert snapshot(reopened) == before
    reopened.close()


def test_customer_master_merges_attributes(store):
    dataset_id = upload(store, "客户,日期,金额,客户类型\nA,2024-01-01,10,经销商\nB,2024-01-01,5,\n")
    raw = open_upload("master.csv", "客户编号,客户名称,满意度,等级\nA,甲公司,8,金\nB,乙公司,6,银\n".encode("gbk"))
    master = validate_customers(raw, suggest_mapping(list(raw.frame.columns), MASTER_FIELDS))
    version = get_dataset(store, dataset_id).version
    assert table_uploads.write_customer_master(store, master, dataset_id) == 2
    rows = store.cursor().execute(
        "SELECT customer_id, name, customer_type, satisfaction, extra FROM customers ORDER BY customer_id"
    ).fetchall()
    assert rows == [("A", "甲公司", "dealer", 8.0, '{"等级":"金"}'), ("B", "乙公司", None, 6.0, '{"等级":"银"}')]
    assert get_dataset(store, dataset_id).version == version + 1


def test_rename_and_delete(store):
    keep = upload(store, FIRST)
    drop = upload(store, SECOND, filename="second.csv")
    rename_dataset(store, keep, "  Sales 2024 ")
    delete_dataset(store, drop)
    assert [(d.dataset_id, d.name) for d in list_datasets(store)] == [(keep, "Sales 2024")]
    assert store.cursor().execute("SELECT count(*) FROM transactions WHERE dataset_id = ?", [drop]).fetchone()[0] == 0
    with pytest.raises(ValueError):
        rename_dataset(store, keep, "   ")


def test_dataset_without_cost_is_marked(store):
    dataset_id = upload(store, "customer,date,amount\nA,2024-01-01,10\n")
    assert get_dataset(store, dataset_id).has_cost is False
    upload(store, SECOND, mode="append", dataset_id=dataset_id, filename="with_cost.csv")
    assert get_dataset(store, dataset_id).has_cost is True
