"""The store: schema versioning, settings, threads sharing one connection, durability, locks."""

import gzip
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analytics import table_uploads
from analytics.datasets import list_datasets
from analytics.rejects import REJECT_COLUMNS
from analytics.schema import MIGRATIONS
from analytics.store import Store, StoreError
from analytics.table_uploads import ValidatedUpload

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def test_schema_is_created_once_and_versioned(tmp_path):
    path = tmp_path / "s.duckdb"
    first = Store(path)
    assert first.schema_version == len(MIGRATIONS)
    first.close()
    again = Store(path)
    assert again.schema_version == len(MIGRATIONS)
    assert again.cursor().execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)
    tables = {row[0] for row in again.cursor().execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"datasets", "transactions", "customers", "settings", "schema_version"} <= tables
    again.close()


def version_1_database(path: Path) -> duckdb.DuckDBPyConnection:
    """A database file as schema version 1 left it (the caller closes the connection)."""
    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    old.execute(MIGRATIONS[0])
    old.execute("INSERT INTO schema_version VALUES (1)")
    return old


def test_a_version_1_database_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.duckdb"
    with version_1_database(path) as old:
        old.execute("INSERT INTO datasets (name) VALUES ('with cost'), ('without')")
        old.execute("INSERT INTO transactions (dataset_id, customer_id, order_date, revenue, gross_profit) "
                    "VALUES (1, 'A', DATE '2024-01-01', 10, 3), (2, 'B', DATE '2024-01-01', 10, NULL)")
        old.execute("INSERT INTO settings (key, value) VALUES ('preset:Mine', '{\"economic\": 2}')")
    upgraded = Store(path)
    assert upgraded.schema_version == len(MIGRATIONS)
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
    dataset_id = table_uploads.write_upload(store, one_customer_upload(0), mode="new", digest=None)
    errors: list[BaseException] = []
    seen_counts: list[int] = []
    writes = 30

    def writer():
        try:
            for index in range(1, writes + 1):
                table_uploads.write_upload(store, one_customer_upload(index), mode="append", digest=None, dataset_id=dataset_id)
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


def test_duckdb_never_fetches_extensions(store):
    settings = store.row("SELECT current_setting('autoinstall_known_extensions'), "
                         "current_setting('autoload_known_extensions'), current_setting('allow_community_extensions')")
    assert settings == (False, False, False)


def test_duckdb_returns_freed_query_memory_in_the_background(store):
    assert store.row("SELECT current_setting('allocator_background_threads')") == (True,)


def test_a_database_written_by_duckdb_1_2_2_opens_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    path.write_bytes(gzip.decompress((DATA / "store_written_by_duckdb_1_2_2.duckdb.gz").read_bytes()))
    store = Store(path)
    assert store.schema_version == len(MIGRATIONS)
    assert [(d.name, d.rows, d.customers, d.has_cost) for d in list_datasets(store)] == [
        ("Sales 2024 (1.2.2)", 400, 40, True)]
    assert store.row("SELECT sum(revenue), sum(gross_profit) FROM transactions") == (299350.0, 195550.0)
    assert store.get_setting("preset:Old") == {"economic": 3.0, "potential": 1.0}
    store.put_setting("preset:New", {"economic": 1.0})
    store.close()
    assert Store(path).settings_with_prefix("preset:") == {"preset:New": {"economic": 1.0},
                                                          "preset:Old": {"economic": 3.0, "potential": 1.0}}


FATAL_CHECKPOINT = """
import os, resource, signal, sys
from analytics.store import open_store
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
store = open_store(sys.argv[1])
store.put_setting("before", 1)
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
# the log may grow, the database file may not: the checkpoint after the commit fails
resource.setrlimit(resource.RLIMIT_FSIZE, (os.path.getsize(sys.argv[1]) + 300_000, hard))
with store.transaction() as cur:
    cur.execute("CREATE TABLE written AS SELECT range AS a, md5(range::varchar) AS b FROM range(20000)")
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
print(store.healthy())
reopened = open_store(sys.argv[1])
print(reopened is not store, reopened.healthy(), reopened.get_setting("before"), reopened.scalar("SELECT count(*) FROM written"))
"""


def test_a_fatal_checkpoint_keeps_the_commit_and_the_store_is_reopened(tmp_path):
    """A real FATAL: the file may not grow, so the checkpoint after a commit fails and DuckDB
    invalidates the database. The commit stands, and the next open_store gives a working store."""
    result = subprocess.run([sys.executable, "-c", FATAL_CHECKPOINT, str(tmp_path / "f.duckdb")],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "1", "20000"]


@pytest.mark.parametrize("read_only", [False, True])
def test_a_database_open_in_another_process_is_reported_without_path_or_pid(locked_database, read_only):
    with pytest.raises(StoreError) as raised:
        Store(locked_database, read_only=read_only)
    assert raised.value.code == "locked"
    assert str(locked_database) not in str(raised.value) and "PID" not in str(raised.value)


def test_read_only_store_reads_and_refuses_writes(tmp_path):
    path = tmp_path / "viewer.duckdb"
    with pytest.raises(StoreError, match="missing"):
        Store(path, read_only=True)
    writer = Store(path)
    writer.put_setting("k", 1)
    writer.close()
    viewers = [Store(path, read_only=True), Store(path, read_only=True)]
    assert [viewer.get_setting("k") for viewer in viewers] == [1, 1]
    with pytest.raises(StoreError, match="read_only"):
        viewers[0].put_setting("k", 2)
    for viewer in viewers:
        viewer.close()


def test_read_only_refuses_a_database_that_needs_migrating(tmp_path):
    path = tmp_path / "old.duckdb"
    version_1_database(path).close()
    with pytest.raises(StoreError, match="needs_upgrade"):
        Store(path, read_only=True)
