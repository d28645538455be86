"""The store: schema versioning, settings, and threads sharing one connection."""

import threading

import duckdb
import pandas as pd

from analytics import ingest
from analytics.datasets import list_datasets
from analytics.store import _MIGRATIONS, Store
from analytics.validation import REJECT_COLUMNS, ValidatedUpload


def test_schema_is_created_once_and_versioned(tmp_path):
    path = tmp_path / "s.duckdb"
    first = Store(path)
    assert first.schema_version == len(_MIGRATIONS)
    first.close()
    again = Store(path)
    assert again.schema_version == len(_MIGRATIONS)
    assert again.cursor().execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(_MIGRATIONS)
    tables = {row[0] for row in again.cursor().execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"datasets", "transactions", "customers", "settings", "schema_version"} <= tables
    again.close()


def test_a_version_1_database_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        old.execute(_MIGRATIONS[0])
        old.execute("INSERT INTO schema_version VALUES (1)")
        old.execute("INSERT INTO datasets (name) VALUES ('with cost'), ('without')")
        old.execute("INSERT INTO transactions (dataset_id, customer_id, order_date, revenue, gross_profit) "
                    "VALUES (1, 'A', DATE '2024-01-01', 10, 3), (2, 'B', DATE '2024-01-01', 10, NULL)")
        old.execute("INSERT INTO settings (key, value) VALUES ('preset:Mine', '{\"economic\": 2}')")
    upgraded = Store(path)
    assert upgraded.schema_version == len(_MIGRATIONS)
    assert [(d.dataset_id, d.name, d.has_cost) for d in list_datasets(upgraded)] == [(1, "with cost", True), (2, "without", False)]
    assert upgraded.get_setting("preset:Mine") == {"economic": 2}
    upgraded.put_setting("preset:Mine", {"economic": 3})
    assert upgraded.settings_with_prefix("preset:") == {"preset:Mine": {"economic": 3}}
    with upgraded.transaction() as cur:  # the sequence keeps counting after the existing ids
        assert cur.execute("INSERT INTO datasets (name) VALUES ('third') RETURNING dataset_id").fetchone()[0] == 3
    upgraded.close()


def test_settings_round_trip(store):
    store.put_setting("preset:Growth", {"economic": 1, "potential": 2.5, "名称": "增长"})
    store.put_setting("preset:Growth", {"economic": 2})
    store.put_setting("other", [1, 2])
    assert store.get_setting("preset:Growth") == {"economic": 2}
    assert store.settings_with_prefix("preset:") == {"preset:Growth": {"economic": 2}}
    store.delete_setting("preset:Growth")
    assert store.get_setting("preset:Growth", "gone") == "gone"


def test_a_failed_transaction_rolls_back(store):
    try:
        with store.transaction() as cur:
            cur.execute("INSERT INTO settings (key, value) VALUES ('k', '1')")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert store.get_setting("k") is None


def one_customer_upload(index: int) -> ValidatedUpload:
    frame = pd.DataFrame({
        "customer_id": [f"T{index}"], "order_date": [pd.Timestamp("2024-01-01")], "revenue": [float(index)],
        "order_id": [None], "cost": [None], "gross_profit": [None], "quantity": [None], "product": [None],
        "channel": [None], "region": [None], "sales_rep": [None], "extra": [None],
    })
    return ValidatedUpload(f"f{index}.csv", 1, frame, pd.DataFrame(), pd.DataFrame(columns=REJECT_COLUMNS))


def test_concurrent_readers_and_a_writer(store):
    dataset_id = ingest.write_upload(store, one_customer_upload(0), mode="new", digest=None)
    errors: list[BaseException] = []
    seen_counts: list[int] = []
    writes = 30

    def writer():
        try:
            for index in range(1, writes + 1):
                ingest.write_upload(store, one_customer_upload(index), mode="append", digest=None, dataset_id=dataset_id)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    def reader():
        try:
            for _ in range(60):
                rows, total = store.cursor().execute(
                    "SELECT count(*), sum(revenue) FROM transactions WHERE dataset_id = ?", [dataset_id]
                ).fetchone()
                assert total == rows * (rows - 1) / 2  # every read sees whole uploads only
                seen_counts.append(rows)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(seen_counts) == 240
    final = store.cursor().execute("SELECT rows FROM datasets WHERE dataset_id = ?", [dataset_id]).fetchone()[0]
    assert final == writes + 1


def test_database_file_is_plain_duckdb(store):
    store.put_setting("k", 1)
    store.close()
    with duckdb.connect(str(store.path), read_only=True) as connection:
        assert connection.execute("SELECT value FROM settings").fetchone()[0] == "1"
