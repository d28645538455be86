"""Many readers and two uploaders on one store for a minute: no error, no torn read.

Eight threads read as pages do (catalog, totals, per-customer features) while two threads keep
uploading 300,000-row files (new datasets, appends, replaces, deletes). Every upload's revenue
sums to a known amount, so any read that sees part of an upload shows up as a total that is not
a whole number of uploads.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd

from analytics import ingest
from analytics.datasets import delete_dataset
from analytics.features import customer_features
from analytics.validation import REJECT_COLUMNS, ValidatedUpload

SECONDS = 60
UPLOAD_ROWS = 300_000
UPLOAD_SUM = UPLOAD_ROWS * (UPLOAD_ROWS + 1) / 2
READERS = 8


def upload_of(rows: int, seed: int) -> ValidatedUpload:
    """``rows`` order lines over 5,000 customers whose revenue is 1..rows, shuffled."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "customer_id": pd.Series(np.char.add("C", rng.integers(0, 5_000, rows).astype(str)), dtype=object),
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, rows), unit="D"),
        "revenue": rng.permutation(np.arange(1, rows + 1, dtype=float)),
    })
    for column in ("order_id", "cost", "gross_profit", "quantity", "product", "channel", "region", "sales_rep",
                   "extra"):
        frame[column] = None
    return ValidatedUpload(f"upload{seed}.csv", rows, frame, pd.DataFrame(), pd.DataFrame(columns=REJECT_COLUMNS))


def test_readers_and_uploaders_for_a_minute(store):
    uploads = [upload_of(UPLOAD_ROWS, seed) for seed in range(4)]
    errors: list[BaseException] = []
    reads = [0] * READERS
    writes = [0, 0]
    stop = time.monotonic() + SECONDS

    def uploader(number: int) -> None:
        try:
            step = 0
            while time.monotonic() < stop:
                upload = uploads[(number + step) % len(uploads)]
                dataset_id = ingest.write_upload(store, upload, mode="new", digest=None, dataset_name=f"u{number}")
                ingest.write_upload(store, uploads[step % len(uploads)], mode="append", digest=None,
                                    dataset_id=dataset_id)
                ingest.write_upload(store, upload, mode="replace", digest=None, dataset_id=dataset_id)
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
