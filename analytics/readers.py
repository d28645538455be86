"""Turn an uploaded file's bytes into a table of text cells, whatever its format and encoding.

Teams export from many systems: CSV in UTF-8 (with or without BOM) or GBK/GB18030 with commas,
semicolons or tabs, and Excel workbooks with several sheets. Everything is read as text here;
typing and validation happen later so that a bad cell can be reported with its row and column.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
ENCODINGS = ("utf-8-sig", "gb18030")
DELIMITERS = ",;\t|"
TEXT = pd.ArrowDtype(pa.string())
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class UploadError(ValueError):
    """A file that cannot be read at all; ``code`` names the problem for a translated message."""

    def __init__(self, code: str, filename: str, **details):
        self.code = code
        self.filename = filename
        self.details = details
        super().__init__(f"{filename}: {code} {details}" if details else f"{filename}: {code}")


@dataclass(frozen=True)
class RawTable:
    """The cells of one sheet as text, with where they came from."""

    filename: str
    frame: pd.DataFrame
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    first_data_line: int = 2

    def line_number(self, index_label: int) -> int:
        """The line (CSV) or row (Excel) a person sees for the data row with this index label."""
        return self.first_data_line + int(index_label)


def is_excel(filename: str, data: bytes) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm", ".xls")) or data[:4] in (_XLSX_MAGIC, _OLE_MAGIC)


def _check_size(filename: str, data: bytes) -> None:
    if not data:
        raise UploadError("empty_file", filename)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError("too_large", filename, size_mb=len(data) // 2**20, limit_mb=MAX_UPLOAD_BYTES // 2**20)


def decode_text(filename: str, data: bytes) -> tuple[str, str]:
    """The text and the encoding that decoded it: UTF-8 (BOM or not) first, then GB18030 (a GBK superset)."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), ("gbk" if encoding == "gb18030" else encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError("unknown_encoding", filename)


def sniff_delimiter(text: str) -> str:
    """The delimiter of the first lines; a comma when nothing else is clearly used."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _unique_names(names: list[str]) -> list[str]:
    """Header names made unique the way spreadsheets users expect: 'Amount', 'Amount.1', ..."""
    seen: dict[str, int] = {}
    unique = []
    for index, name in enumerate(names):
        name = name.strip() or f"column_{index + 1}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name}.{count}")
    return unique


def read_csv(filename: str, data: bytes) -> RawTable:
    """Parse with Arrow's multi-threaded CSV reader; every column stays text (Arrow strings)."""
    _check_size(filename, data)
    text, encoding = decode_text(filename, data)
    if "\x00" in text[:4096]:
        raise UploadError("not_a_spreadsheet", filename)
    if not text.strip():
        raise UploadError("empty_file", filename)
    delimiter = sniff_delimiter(text)
    stripped = text.lstrip("\r\n")
    names = _unique_names(next(csv.reader(stripped.splitlines()[:1], delimiter=delimiter)))
    plain_utf8 = encoding == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8) and len(stripped) == len(text)
    body = data if plain_utf8 else stripped.encode("utf-8")
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names}, null_values=[""], strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as error:
        raise UploadError("unreadable_csv", filename, reason=str(error).strip().splitlines()[0]) from error
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    return RawTable(filename, _tidy(frame), encoding=encoding, delimiter=delimiter)


def excel_sheets(filename: str, data: bytes) -> list[str]:
    """The sheet names of a workbook; a clear error for files that only claim to be Excel."""
    _check_size(filename, data)
    if data[:4] == _OLE_MAGIC:
        raise UploadError("old_excel", filename)
    if data[:4] != _XLSX_MAGIC:
        raise UploadError("not_a_spreadsheet", filename)
    try:
        with pd.ExcelFile(io.BytesIO(data), engine="openpyxl") as book:
            return list(book.sheet_names)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UploadError("not_a_spreadsheet", filename) from error


def read_excel(filename: str, data: bytes, sheet: str | None = None) -> RawTable:
    sheets = excel_sheets(filename, data)
    if not sheets:
        raise UploadError("no_sheet", filename)
    sheet = sheet if sheet is not None else sheets[0]
    if sheet not in sheets:
        raise UploadError("no_sheet", filename, sheet=sheet)
    frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet, dtype=object, engine="openpyxl")
    frame = frame.map(_excel_cell_text).astype(TEXT)
    return RawTable(filename, _tidy(frame), sheet=sheet)


def read_upload(filename: str, data: bytes, sheet: str | None = None) -> RawTable:
    """Read a CSV or Excel upload into text cells."""
    if is_excel(filename, data):
        return read_excel(filename, data, sheet)
    return read_csv(filename, data)


def _excel_cell_text(value) -> str | None:
    """Excel gives typed cells; dates become ISO text and whole floats lose their '.0'."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Trimmed header names, no fully empty rows or unnamed empty columns.

    The index keeps each row's original position so that messages can name the row a person sees.
    """
    frame.columns = _unique_names([str(column) for column in frame.columns])
    unnamed_empty = [c for c in frame.columns if c.startswith(("Unnamed:", "column_")) and frame[c].isna().all()]
    return frame.drop(columns=unnamed_empty).dropna(how="all")
