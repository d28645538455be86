"""Reading uploads: encodings, delimiters, Excel sheets, and files that cannot be read."""

import io

import openpyxl
import pandas as pd
import pytest

from analytics import readers
from analytics.readers import UploadError, read_upload

CHINESE_CSV = "客户编号,客户名称,订单日期,销售额,成本\nK001,华东贸易,2024-03-01,1200.50,800\nK002,西部商行,2024年3月2日,300,200\n"


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gbk"), ("gb18030", "gbk")])
def test_csv_encodings_are_detected(encoding, expected):
    raw = read_upload("sales.csv", CHINESE_CSV.encode(encoding))
    assert raw.encoding == expected
    assert list(raw.frame.columns) == ["客户编号", "客户名称", "订单日期", "销售额", "成本"]
    assert raw.frame.loc[0, "客户名称"] == "华东贸易"
    assert raw.frame.loc[1, "订单日期"] == "2024年3月2日"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_are_detected(delimiter):
    text = CHINESE_CSV.replace(",", delimiter)
    raw = read_upload("sales.csv", text.encode("utf-8"))
    assert raw.delimiter == delimiter
    assert raw.frame.shape == (2, 5)


def test_cells_stay_text_so_leading_zeros_survive():
    raw = read_upload("s.csv", b"customer,date,amount\n00042,2024-01-01,5\n")
    assert raw.frame.loc[0, "customer"] == "00042"


def test_excel_sheet_picker_and_chinese_headers():
    frame = pd.DataFrame({"客户": ["A", "B"], "日期": pd.to_datetime(["2024-01-01", "2024-02-01"]), "金额": [10.0, 20.5]})
    data = xlsx_bytes({"说明": pd.DataFrame({"x": ["notes"]}), "销售": frame})
    assert readers.excel_sheets("book.xlsx", data) == ["说明", "销售"]
    raw = read_upload("book.xlsx", data, sheet="销售")
    assert raw.sheet == "销售"
    assert raw.frame["日期"].tolist() == ["2024-01-01T00:00:00", "2024-02-01T00:00:00"]
    assert raw.frame["金额"].tolist() == ["10", "20.5"]


@pytest.mark.parametrize("filename, data, code", [
    ("empty.csv", b"", "empty_file"),
    ("blank.csv", b"   \n\n", "empty_file"),
    ("fake.xlsx", b"this is plain text pretending to be a workbook", "not_a_spreadsheet"),
    ("zip.xlsx", b"PK\x03\x04" + b"\x00" * 100, "not_a_spreadsheet"),
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old_excel"),
    ("binary.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "unknown_encoding"),
])
def test_unreadable_files_raise_a_named_error(filename, data, code):
    with pytest.raises(UploadError) as caught:
        read_upload(filename, data)
    assert caught.value.code == code
    assert caught.value.filename == filename


def test_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(UploadError) as caught:
        read_upload("big.csv", b"a,b\n" + b"1,2\n" * 50)
    assert caught.value.code == "too_large"


def test_missing_sheet_is_refused():
    data = xlsx_bytes({"Sheet1": pd.DataFrame({"a": [1]})})
    with pytest.raises(UploadError) as caught:
        read_upload("book.xlsx", data, sheet="Nope")
    assert caught.value.code == "no_sheet"


def test_headers_only_file_reads_as_an_empty_table():
    assert read_upload("h.csv", b"customer,date,amount\n").frame.empty
    book = openpyxl.Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_upload("empty.xlsx", buffer.getvalue()).frame.empty
