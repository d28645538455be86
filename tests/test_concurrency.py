"""Many readers and two uploaders on one store for a minute: no error, no torn read.

Eight threads read as pages do (catalog, totals, per-customer features) while two threads keep
uploading 300,000-row CSV files through the Data page's path (new datasets, appends, replaces,
deletes). Every file's revenue sums to a known amount, so any read that sees part of an upload
shows up as a total that is not a whole number of uploads.
"""

from __future__ import annotations

import threading
import time

import duckdb

from analytics import ingest, readers, validation
from analytics.datasets import delete_dataset
from analytics.features import customer_features
from analytics.mapping import suggest_mapping

SECONDS = 60
UPLOAD_ROWS = 300_000
UPLOAD_SUM = UPLOAD_ROWS * (UPLOAD_ROWS + 1) / 2
READERS = 8


def write_sales_files(folder, count: int) -> list:
    """``count`` CSV files of ``UPLOAD_ROWS`` order lines each, revenue 1..rows shuffled, every
    file with customers of its own (so no file's rows are another's)."""
    paths = []
    with duckdb.connect() as connection:
        for number in range(count):
            path = folder / f"sales{number}.csv"
            connection.execute(f"""
                COPY (SELECT printf('F{number}-C%04d', hash(i) % 5000) AS customer_id,
                             DATE '2024-01-01' + CAST(hash(i + 1) % 700 AS INTEGER) AS order_date,
                             i + 1 AS revenue
                      FROM range({UPLOAD_ROWS}) r(i) ORDER BY hash(i + 2)) TO '{path}' (HEADER)""")
            paths.append(path)
    return paths


def upload(store, path, mode: str, dataset_id: int | None = None) -> int:
    """The Data page's path: open, detect, check every row, then import in one transaction."""
    source = readers.open_upload(path.name, path)
    try:
        choices = validation.default_choices(source, suggest_mapping(source.headers))
        report = validation.check(source, choices)
        return ingest.commit(store, source, choices, report, mode=mode, dataset_id=dataset_id,
                             dataset_name=path.stem).dataset_id
    finally:
        source.close()


def test_readers_and_uploaders_for_a_minute(store, tmp_path):
    files = write_sales_files(tmp_path, 4)
    errors: list[BaseException] = []
    reads = [0] * READERS
    writes = [0, 0]
    stop = time.monotonic() + SECONDS

    def uploader(number: int) -> None:
        try:
            step = 0
            while time.monotonic() < stop:
                first, second = files[(2 * number + step) % 4], files[(2 * number + step + 1) % 4]
                dataset_id = upload(store, first, "new")
                upload(store, second, "append", dataset_id)
                upload(store, first, "replace", dataset_id)
                delete_dataset(store, dataset_id)
                writes[number] += 4
                step += 1
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    def reader(number: int) -> None:
        try:
            while time.monotonic() < stop:
                for dataset_id, catalog_rows, rows, total in store.rows("""
                    SELECT d.dataset_id, d.rows, count(t.dataset_id), coalesce(sum(t.revenue), 0)
                    FROM datasets d LEFT JOIN transactions t USING (dataset_id) GROUP BY ALL
                """):
                    assert catalog_rows == rows, ("catalog and rows disagree", dataset_id, catalog_rows, rows)
                    assert rows % UPLOAD_ROWS == 0 and total == rows // UPLOAD_ROWS * UPLOAD_SUM, \
                        ("part of an upload seen", dataset_id, rows, total)
                    if number == 0 and rows:  # a later snapshot, but also of whole uploads only
                        assert customer_features(store, dataset_id)["revenue"].sum() % UPLOAD_SUM == 0
                reads[number] += 1
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=uploader, args=(n,)) for n in range(2)]
    threads += [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("writes per uploader:", writes, "reads per reader:", reads)
    assert errors == []
    assert min(writes) >= 4 and min(reads) >= 10
    assert store.rows("SELECT count(*) FROM transactions") == [(0,)]
