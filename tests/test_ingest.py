"""Writing uploads: modes, duplicate files, all-or-nothing under failures and a killed process."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analytics import ingest
from analytics.datasets import (
    delete_dataset,
    get_dataset,
    list_datasets,
    rename_dataset,
)
from analytics.mapping import MASTER_FIELDS, suggest_mapping
from analytics.readers import read_upload
from analytics.store import Store
from analytics.validation import validate_customers, validate_transactions

ROOT = Path(__file__).resolve().parent.parent
FIRST = "customer,date,amount,cost\nA,2024-01-01,100,60\nB,2024-01-02,50,40\nA,2024-02-01,-10,-6\n"
SECOND = "customer,date,amount,cost\nC,2024-03-01,70,20\n"


def validated(text: str, filename: str = "orders.csv"):
    raw = read_upload(filename, text.encode("utf-8"))
    return validate_transactions(raw, suggest_mapping(list(raw.frame.columns)))


def upload(store, text, mode="new", dataset_id=None, filename="orders.csv"):
    data = text.encode("utf-8")
    return ingest.write_upload(store, validated(text, filename), mode=mode, digest=ingest.file_hash(data), dataset_id=dataset_id)


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


def test_same_file_twice_is_not_counted_twice(store):
    dataset_id = upload(store, FIRST)
    before = snapshot(store)
    with pytest.raises(ingest.DuplicateUploadError) as caught:
        upload(store, FIRST, mode="append", dataset_id=dataset_id)
    assert caught.value.dataset_name == "orders.csv"
    with pytest.raises(ingest.DuplicateUploadError):
        upload(store, FIRST, mode="new")
    assert snapshot(store) == before


def test_all_rows_rejected_writes_nothing(store):
    upload(store, FIRST)
    before = snapshot(store)
    with pytest.raises(ingest.NothingToWriteError):
        upload(store, "customer,date,amount\n,2024-01-01,1\nA,never,2\n", filename="bad.csv")
    assert snapshot(store) == before


def test_failure_mid_write_leaves_earlier_data_intact(store, monkeypatch):
    dataset_id = upload(store, FIRST)
    before = snapshot(store)
    monkeypatch.setattr(ingest, "CHUNK_ROWS", 2)
    rows = "".join(f"Z{i},2024-05-01,{i}\n" for i in range(10))

    def fail_after_first_chunk(share):
        raise RuntimeError("disk full")

    big = validated("customer,date,amount\n" + rows, "big.csv")
    for mode, target in (("new", None), ("append", dataset_id), ("replace", dataset_id)):
        with pytest.raises(RuntimeError, match="disk full"):
            ingest.write_upload(store, big, mode=mode, digest="x", dataset_id=target, progress=fail_after_first_chunk)
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
        from analytics import ingest
        from analytics.store import Store
        from tests.test_ingest import validated
        ingest.CHUNK_ROWS = 1000
        store = Store({str(path)!r})
        rows = "".join(f"K{{i}},2024-06-01,{{i}}\\n" for i in range(5000))
        def pause(share):
            print("writing", flush=True)
            time.sleep(60)
        ingest.write_upload(store, validated("customer,date,amount\\n" + rows, "huge.csv"),
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
    raw = read_upload("master.csv", "客户编号,客户名称,满意度,等级\nA,甲公司,8,金\nB,乙公司,6,银\n".encode("gbk"))
    master = validate_customers(raw, suggest_mapping(list(raw.frame.columns), MASTER_FIELDS))
    version = get_dataset(store, dataset_id).version
    assert ingest.write_customer_master(store, master, dataset_id) == 2
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
