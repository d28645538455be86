"""Reference data for the lifetime-value tests: the CDNOW sample of Fader, Hardie & Lee (2005) and a
hand-made log whose summary can be checked by eye, each in a real store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.clv.summary import calibration_holdout_summary
from analytics.store import Store

DATA = Path(__file__).parent / "data"
CDNOW_CALIBRATION_END = "1997-09-30"  # 39 weeks after the cohort's first day
CDNOW_OBSERVATION_END = "1998-06-30"  # 78 weeks
PAPER = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # Fader, Hardie & Lee (2005), CDNOW
PAPER_SPEND = (6.25, 3.74, 15.44)  # Gamma-Gamma p, q, v of the same paper


def transactions_store(path: Path, rows) -> Store:
    """A store holding ``rows`` of (dataset_id, customer_id, order_date, revenue, gross_profit)."""
    frame = pd.DataFrame(rows, columns=["dataset_id", "customer_id", "order_date", "revenue", "gross_profit"])
    store = Store(path)
    with store.transaction() as cursor:
        cursor.register("new_rows", frame)
        cursor.execute("INSERT INTO transactions (dataset_id, customer_id, order_date, revenue, gross_profit)"
                       " SELECT * FROM new_rows")
        cursor.unregister("new_rows")
    return store


def cdnow_store(path: Path) -> Store:
    """The 2,357-customer CDNOW sample as dataset 1 (columns: master id, id, date, CDs, $)."""
    log = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None, dtype=str,
                      names=["master_id", "customer_id", "date", "cds", "revenue"])
    rows = zip([1] * len(log), log.customer_id, pd.to_datetime(log.date).dt.date,
               log.revenue.astype(float), [None] * len(log))
    return transactions_store(path, rows)


def cdnow_split(folder: Path) -> pd.DataFrame:
    """CDNOW's calibration (39 weeks) and holdout (the next 39) summary, from a store in ``folder``."""
    store = cdnow_store(folder / "cdnow.duckdb")
    try:
        return calibration_holdout_summary(store, 1, CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END)
    finally:
        store.close()


def hand_example_store(path: Path) -> Store:
    d = pd.Timestamp
    rows = [
        # A: two lines on day 1; day 10 is a return only; days 15 and 29 are purchases.
        (1, "A", d("2024-01-01").date(), 60.0, 20.0),
        (1, "A", d("2024-01-01").date(), 40.0, 10.0),
        (1, "A", d("2024-01-10").date(), -30.0, -10.0),
        (1, "A", d("2024-01-15").date(), 50.0, 15.0),
        (1, "A", d("2024-01-29").date(), 70.0, None),
        (1, "A", d("2024-01-29").date(), -20.0, None),
        (1, "A", d("2024-02-05").date(), 30.0, 9.0),   # holdout purchase
        (1, "A", d("2024-02-06").date(), -30.0, -9.0),  # holdout return: not a purchase
        # B: a single free first order, then a holdout purchase.
        (1, "B", d("2024-01-22").date(), 0.0, None),
        (1, "B", d("2024-02-12").date(), 25.0, None),
        # C: only a return before the split: not a customer of the calibration period.
        (1, "C", d("2024-01-05").date(), -10.0, None),
        # D: first purchase after the split: left out.
        (1, "D", d("2024-02-02").date(), 10.0, 3.0),
        # Another dataset is ignored.
        (2, "A", d("2024-01-20").date(), 999.0, 0.0),
    ]
    return transactions_store(path, rows)
