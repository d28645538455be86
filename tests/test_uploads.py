"""Real-world spreadsheets through the whole upload path, table-driven over files made here.

Each case is a file as some system exports it; each asserts what is stored to the cent, which
lines were rejected and why, and that nothing reaches the database before the import.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import pandas as pd
import pytest

from analytics import export, ingest
from analytics.datasets import rollback_upload, upload_history
from analytics.mapping import suggest_mapping
from analytics.readers import open_upload
from analytics.table_uploads import validate_customers, validate_transactions
from analytics.validation import ChoiceNeeded, Choices, check, default_choices

# 40 European lines: semicolons, decimal commas with dot thousands, DD.MM.YYYY dates (10 of them with
# a day above 12), city names in Windows-1252, an ERP title above the header.
EUROPEAN_ROWS = [(f"K{i % 7}", ["Münster", "Köln", "Düsseldorf"][i % 3], f"{1 + i % 28:02d}.{1 + i % 12:02d}.2024",
                  f"{(i * 37.13) % 2000:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")) for i in range(40)]
EUROPEAN = "Umsatzbericht 2024;;;\n" + "Kunde;Stadt;Datum;Betrag\n" + "".join(f"{c};{s};{d};{a}\n" for c, s, d, a in EUROPEAN_ROWS)
EUROPEAN_TOTAL = round(sum(round((i * 37.13) % 2000, 2) for i in range(40)), 2)


@dataclass
class Case:
    name: str
    filename: str
    data: bytes
    rows: int  # stored
    revenue: float  # stored, to the cent
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    mapping: dict[str, str] = field(default_factory=dict)
    choose: dict[str, str] = field(default_factory=dict)  # what the person picks for an ambiguous column
    cancel_prefix: str = ""
    asks: list[str] = field(default_factory=list)  # columns that block until chosen


def retail_workbook() -> bytes:
    """Online Retail's shape: quantity and unit price, no revenue; 'C' invoices are cancellations."""
    frame = pd.DataFrame({
        "InvoiceNo": ["536365", "536365", "C536379", "536380", "536381"],
        "StockCode": ["85123A", "71053", "D", "22728", "22727"],
        "Quantity": [6, 6, -1, 2, 3],
        "InvoiceDate": pd.to_datetime(["2010-12-01 08:26", "2010-12-01 08:26", "2010-12-01 09:41", "2010-12-01 09:45", "2010-12-01 09:46"]),
        "UnitPrice": [2.55, 3.39, 27.50, 3.75, 0.0],
        "CustomerID": [17850, 17850, 14527, 13047, None],
    })
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Online Retail", index=False)
    return buffer.getvalue()


CASES = [
    Case("european decimals and dates, Windows-1252, title row", "umsatz.csv", EUROPEAN.encode("cp1252"), 40,
         EUROPEAN_TOTAL, mapping={"customer_id": "Kunde", "order_date": "Datum", "revenue": "Betrag", "region": "Stadt"}),
    Case("US dates", "us.csv", b"customer,date,amount\nA,01/13/2024,10.50\nB,02/01/2024,\"1,234.50\"\nC,12/31/2024,-5\n",
         3, 1240.0),
    Case("mixed date orders: the person picks, the rest is rejected", "mixed.csv",
         b"customer,date,amount\nA,13/01/2024,1\nB,01/14/2024,2\nC,05/06/2024,4\n", 2, 5.0,
         rejected=[(3, "bad_date_dmy")], choose={"order_date": "dmy"}, asks=["order_date"]),
    Case("ambiguous dates block until chosen", "ambiguous.csv", b"customer,date,amount\nA,05/01/2024,1\nB,06/02/2024,2\n",
         2, 3.0, choose={"order_date": "mdy"}, asks=["order_date"]),
    Case("ambiguous thousands block until chosen", "thousands.csv", b"customer;date;amount\nA;2024-01-01;1.234\nB;2024-01-02;2.500\n",
         2, 3734.0, choose={"revenue": "comma"}, asks=["revenue"]),
    Case("GBK with Chinese dates", "销售.csv",
         "客户编号,订单日期,销售额,成本\nK1,2024年1月5日,1200.50,800\nK2,2024/02/01,300,200.25\n".encode("gbk"), 2, 1500.5),
    Case("UTF-8 with BOM", "bom.csv", "\ufeffcustomer,date,amount\nA,2024-01-01,0.10\nA,2024-01-02,0.20\n".encode("utf-8"), 2, 0.3),
    Case("ragged lines and bad cells are rejected rows with their line", "ragged.csv",
         b"customer,date,amount\nA,2024-01-01,10\nB,2024-01-02,20,extra\nC,2024-01-03\n\nD,2024-01-05,lots\nE,2024-01-06,\"7\"\n",
         2, 17.0, rejected=[(3, "ragged_line"), (4, "ragged_line"), (6, "bad_number_point")]),
    Case("a cell with a line break keeps later line numbers right", "multiline.csv",
         b'customer,date,amount,note\nA,2024-01-01,1,"two\nlines"\nB,2024-01-02,x,\n', 1, 1.0,
         rejected=[(4, "bad_number_point")]),
    Case("time zones are the calendar date as written", "tz.csv",
         b"customer,date,amount\nA,2024-01-05T23:30:00+08:00,1\nB,2024-01-06 01:00:00-05:00,2\n", 2, 3.0),
    Case("quantity x unit price, cancellations by prefix and negative quantity", "retail.xlsx", retail_workbook(), 4,
         round(6 * 2.55 + 6 * 3.39 - 27.50 + 2 * 3.75, 2), rejected=[(6, "missing_value")], cancel_prefix="C"),
]


def stored(store):
    cur = store.cursor()
    return (
        cur.execute("SELECT count(*), round(sum(revenue), 2) FROM transactions").fetchall()[0],
        cur.execute("SELECT count(*) FROM datasets").fetchall()[0][0],
        cur.execute("SELECT count(*) FROM uploads").fetchall()[0][0],
    )


def choices_for(source, case: Case) -> Choices:
    mapping = suggest_mapping(source.headers) | case.mapping
    detected = default_choices(source, mapping)
    if case.asks:
        with pytest.raises(ChoiceNeeded) as caught:
            check(source, detected)
        assert caught.value.fields == case.asks
    decimals = detected.decimals | {k: v for k, v in case.choose.items() if k in ("revenue", "cost", "quantity", "unit_price")}
    orders = detected.date_orders | {k: v for k, v in case.choose.items() if k == "order_date"}
    return Choices(mapping, decimals, orders, case.cancel_prefix)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_uploads_store_exactly_what_the_file_says(store, case):
    source = open_upload(case.filename, case.data)
    choices = choices_for(source, case)
    before = stored(store)
    report = check(source, choices)
    assert stored(store) == before  # nothing is written until the import
    assert list(zip(report.rejects["row"], report.rejects["reason"])) == case.rejected
    assert (report.rows_accepted, round(report.revenue, 2)) == (case.rows, case.revenue)
    outcome = ingest.commit(store, source, choices, report, mode="new")
    assert stored(store)[0] == (case.rows, case.revenue)
    assert outcome.rows_inserted == case.rows


def test_cancellations_are_returns_with_negative_quantity(store):
    case = CASES[-1]
    source = open_upload(case.filename, case.data)
    choices = choices_for(source, case)
    ingest.commit(store, source, choices, check(source, choices), mode="new")
    rows = store.cursor().execute(
        "SELECT order_id, quantity, round(revenue, 2) FROM transactions ORDER BY order_id, revenue").fetchall()
    assert rows == [("536365", 6.0, 15.3), ("536365", 6.0, 20.34), ("536380", 2.0, 7.5), ("C536379", -1.0, -27.5)]


def test_price_mapped_as_revenue_is_warned():
    source = open_upload("retail.xlsx", retail_workbook())
    mapping = suggest_mapping(source.headers) | {"revenue": "UnitPrice"}
    assert check(source, default_choices(source, mapping)).warnings == {"price_as_revenue": 1}


def test_crlf_resave_is_recognised_and_rollback_restores_the_dataset(store):
    first = open_upload("umsatz.csv", EUROPEAN.encode("cp1252"))
    choices = choices_for(first, CASES[0])
    dataset_id = ingest.commit(store, first, choices, check(first, choices), mode="new").dataset_id
    before = stored(store)
    resaved = EUROPEAN.replace("\n", "\r\n").encode("cp1252")
    again = open_upload("umsatz.csv", resaved)
    assert ingest.preflight(store, again, choices, dataset_id).rows_already_stored == 40
    with pytest.raises(ingest.DuplicateUploadError):
        ingest.commit(store, again, choices, check(again, choices), mode="append", dataset_id=dataset_id)
    assert stored(store) == before
    more = open_upload("umsatz.csv", resaved + "K9;Köln;01.03.2024;1.000,01\r\n".encode("cp1252"))
    found = ingest.preflight(store, more, choices, dataset_id)
    assert (found.rows_already_stored, str(found.overlap_from), str(found.overlap_to)) == (40, "2024-01-01", "2024-12-24")
    outcome = ingest.commit(store, more, choices, check(more, choices), mode="append", dataset_id=dataset_id)
    assert (outcome.rows_inserted, outcome.rows_skipped) == (1, 40)
    assert stored(store)[0] == (41, round(EUROPEAN_TOTAL + 1000.01, 2))
    rollback_upload(store, outcome.upload_id)
    assert stored(store)[0] == before[0]
    assert upload_history(store, dataset_id)["rolled_back"].notna().tolist() == [True, False]


def test_rejected_rows_csv_is_formula_safe():
    source = open_upload("evil.csv", b'customer,date,amount\n"=HYPERLINK(""http://x"")",2024-01-01,=1+1\n@SUM(A1),soon,1\n')
    report = check(source, default_choices(source, suggest_mapping(source.headers)))
    text = export.to_csv_bytes(report.rejects).decode("utf-8-sig")
    assert "'=1+1" in text and "'@SUM(A1)" not in text  # the id was fine; the bad amount and date are listed
    assert "\n=" not in text and ",=" not in text and ",@" not in text


def test_file_text_reaches_the_upload_sql_only_as_bound_values():
    """The row plan's SQL names the file's columns c0, c1, ... and binds every header and cell: quotes,
    semicolons and SQL in them come out as typed (transactions, their unmapped columns, a master's)."""
    header, cell = "Notes'); DROP TABLE transactions; --", "x' OR '1'='1"
    raw = open_upload("odd.csv", f'customer,date,amount,"{header}"\n{cell},2024-01-01,10,"a""b"\nB,2024-01-02,5,{cell}\n'.encode())
    upload = validate_transactions(raw, suggest_mapping(list(raw.frame.columns)))
    assert upload.transactions["customer_id"].tolist() == [cell, "B"]
    assert [json.loads(extra) for extra in upload.transactions["extra"]] == [{header: 'a"b'}, {header: cell}]
    raw = open_upload("master.csv", f'customer,"{header}"\n{cell},{cell}\n'.encode())
    master = validate_customers(raw, suggest_mapping(list(raw.frame.columns)))
    assert master.customers["customer_id"].tolist() == [cell]
    assert json.loads(master.customers["extra"].iloc[0]) == {header: cell}
