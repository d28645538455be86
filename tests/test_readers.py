"""Reading uploads: encodings, delimiters, header rows, Excel sheets, and files that cannot be read."""

import io
import time
import zipfile

import openpyxl
import pandas as pd
import pytest

from analytics import readers, workbooks
from analytics.readers import open_upload
from analytics.sources import UploadError

CHINESE_CSV = "客户编号,客户名称,订单日期,销售额,成本\nK001,华东贸易,2024-03-01,1200.50,800\nK002,西部商行,2024年3月2日,300,200\n"
GERMAN_CSV = "Kunde;Stadt;Datum;Betrag\nK1;Münster;05.01.2024;83,71\nK2;Köln;13.01.2024;1.234,50\nK3;Düsseldorf;02.02.2024;12,00\n"


def xlsx_bytes(sheets: dict[str, pd.DataFrame], startrow: int = 0) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False, startrow=startrow)
    return buffer.getvalue()


@pytest.mark.parametrize("text, encoding, expected", [
    (CHINESE_CSV, "utf-8", "utf-8"), (CHINESE_CSV, "utf-8-sig", "utf-8-sig"), (CHINESE_CSV, "gbk", "gb18030"),
    (CHINESE_CSV, "gb18030", "gb18030"), (CHINESE_CSV, "utf-16", "utf-16"), (GERMAN_CSV, "cp1252", "cp1252"),
])
def test_csv_encodings_are_detected_and_decoded(text, encoding, expected):
    raw = open_upload("sales.csv", text.encode(encoding))
    assert raw.encoding == expected == raw.encoding_detected
    assert raw.frame.to_csv(index=False, sep=raw.delimiter, lineterminator="\n") == text


def test_windows_1252_is_not_taken_for_gbk():
    raw = open_upload("de.csv", "customer,city,amount\nA,Münster,1\nB,Köln,2\n".encode("cp1252"))
    assert raw.encoding == "cp1252"
    assert raw.frame["city"].tolist() == ["Münster", "Köln"]


def test_a_wrong_encoding_choice_names_the_line_instead_of_mojibake():
    data = ("a,b\n" + "x,1\n" * 5 + "Münster,2\n").encode("cp1252")
    with pytest.raises(UploadError) as caught:
        open_upload("de.csv", data, encoding="gb18030")  # decodes, but as M黱ster
    assert caught.value.code == "bad_encoding"
    assert open_upload("de.csv", data, encoding="cp1252").frame.loc[5, "a"] == "Münster"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_are_detected(delimiter):
    raw = open_upload("sales.csv", CHINESE_CSV.replace(",", delimiter).encode("utf-8"))
    assert raw.delimiter == delimiter
    assert raw.frame.shape == (2, 5)


def test_title_rows_above_the_header_are_skipped_and_can_be_overridden():
    text = "ERP export: sales\nprinted 2024-05-01;;;\n\nKunde;Datum;Betrag;Notiz\nK1;2024-01-01;5;x\n"
    raw = open_upload("erp.csv", text.encode("utf-8"))
    assert (raw.header_line, raw.headers) == (4, ["Kunde", "Datum", "Betrag", "Notiz"])
    assert raw.preview.to_dict("records") == [{"Kunde": "K1", "Datum": "2024-01-01", "Betrag": "5", "Notiz": "x"}]
    chosen = open_upload("erp.csv", text.encode("utf-8"), header_line=5)
    assert (chosen.header_line, chosen.header_detected, chosen.headers) == (5, 4, ["K1", "2024-01-01", "5", "x"])


def test_cells_stay_text_so_leading_zeros_survive():
    raw = open_upload("s.csv", b"customer,date,amount\n00042,2024-01-01,5\n")
    assert raw.frame.loc[0, "customer"] == "00042"


def test_excel_sheet_picker_title_rows_and_typed_cells():
    frame = pd.DataFrame({"客户": ["A", "B"], "日期": pd.to_datetime(["2024-01-01", "2024-02-01"]), "金额": [10.0, 20.5]})
    data = xlsx_bytes({"说明": pd.DataFrame({"x": ["notes"]}), "销售": frame}, startrow=2)
    assert workbooks.excel_sheets("book.xlsx", data) == ["说明", "销售"]
    raw = open_upload("book.xlsx", data, sheet="销售")
    assert (raw.sheet, raw.header_line, raw.headers) == ("销售", 3, ["客户", "日期", "金额"])
    assert raw.frame["日期"].tolist() == ["2024-01-01", "2024-02-01"]
    assert raw.frame["金额"].tolist() == ["10", "20.5"]


def _workbook_with_sheet_xml(sheet_xml: bytes, shared: bytes | None = None) -> bytes:
    """A minimal .xlsx around one hand-written sheet: what a hostile generator would send."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        book.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        book.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        book.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        book.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            book.writestr("xl/sharedStrings.xml", shared)
    return buffer.getvalue()


def test_workbooks_that_would_allocate_gigabytes_are_refused_before_parsing():
    far_column = b"".join(b'<row r="%d"><c r="XFD%d" t="n"><v>1</v></c></row>' % (i, i) for i in range(1, 2000))
    sheet = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + far_column + b"</sheetData></worksheet>"
    shared = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>a</t></si>" * (workbooks.XLSX_MAX_SHARED_STRINGS + 1) + b"</sst>"
    for data in (_workbook_with_sheet_xml(sheet), _workbook_with_sheet_xml(b"<worksheet/>", shared)):
        started = time.perf_counter()
        with pytest.raises(UploadError) as caught:
            open_upload("bomb.xlsx", data)
        assert caught.value.code == "workbook_too_large"
        assert time.perf_counter() - started < 5


def test_hostile_first_line_is_sniffed_in_bounded_time():
    data = b'a,b\n' + b',"a' * 300_000 + b"\n1,2\n"
    started = time.perf_counter()
    try:
        open_upload("quotes.csv", data)
    except UploadError as error:
        assert error.code in ("unreadable_csv", "too_many_columns")
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("filename, data, code", [
    ("empty.csv", b"", "empty_file"),
    ("blank.csv", b"   \n\n", "empty_file"),
    ("fake.xlsx", b"this is plain text pretending to be a workbook", "not_a_spreadsheet"),
    ("zip.xlsx", b"PK\x03\x04" + b"\x00" * 100, "not_a_spreadsheet"),
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "old_excel"),
    ("binary.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not_a_spreadsheet"),
    ("wide.csv", (",".join(f"c{i}" for i in range(300)) + "\n").encode(), "too_many_columns"),
])
def test_unreadable_files_raise_a_named_error(filename, data, code):
    with pytest.raises(UploadError) as caught:
        open_upload(filename, data)
    assert caught.value.code == code
    assert caught.value.filename == filename


def test_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(UploadError) as caught:
        readers.open_csv("big.csv", b"a,b\n" + b"1,2\n" * 50, size_limit=readers.MAX_UPLOAD_BYTES)
    assert caught.value.code == "too_large"


def test_missing_sheet_is_refused():
    data = xlsx_bytes({"Sheet1": pd.DataFrame({"a": [1]})})
    with pytest.raises(UploadError) as caught:
        open_upload("book.xlsx", data, sheet="Nope")
    assert caught.value.code == "no_sheet"


def test_headers_only_file_reads_as_an_empty_table_and_an_empty_sheet_is_refused():
    assert open_upload("h.csv", b"customer,date,amount\n").frame.empty
    book = openpyxl.Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(UploadError) as caught:
        open_upload("empty.xlsx", buffer.getvalue())
    assert caught.value.code == "empty_file"


def test_files_duckdb_refuses_as_a_whole_are_read_in_python_with_their_lines():
    raw = open_upload("odd.csv", b'a;b\r\nx;"1\r\n2"\r\ny;2;spill\r\n\r\nz;3\r\n')
    raw.read_in_python()
    assert (raw.line_column, raw.delimiter) == (True, ";")
    assert raw.frame.values.tolist() == [["x", "1\r\n2"], ["z", "3"]]
    assert raw.set_aside == [(4, "ragged_line", "y;2;spill")]


def test_temporary_files_go_when_the_source_is_closed():
    raw = open_upload("g.csv", CHINESE_CSV.encode("gbk"))
    assert raw.path.exists()
    raw.close()
    assert not raw.path.exists()
