"""Excel uploads: a workbook checked in its zip directory and sheet XML before any reader
allocates anything, then one sheet written as a CSV whose first column is each row's sheet row.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import tempfile
import zipfile
import zlib
from pathlib import Path

import duckdb

from analytics.sniffing import SNIFF_LINES, detect_header_row, unique_names
from analytics.sources import (
    MAX_COLUMNS,
    MAX_UPLOAD_BYTES,
    Source,
    UploadError,
    check_size,
    described,
)

# Workbook limits, checked in the zip directory and the sheet XML before any reader runs.
XLSX_MAX_UNPACKED_BYTES = 512 * 1024 * 1024
XLSX_MAX_RATIO = 200
XLSX_MAX_MEMBERS = 2_000
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELLS = 10_000_000
XLSX_MAX_SHARED_STRINGS = 2_000_000
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,4})([0-9]{1,8})"')


def is_excel(filename: str, data: bytes) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm", ".xls")) or data[:4] in (_XLSX_MAGIC, _OLE_MAGIC)


def _check_workbook(filename: str, data: bytes) -> None:
    """Refuse zip bombs and sheets that would make a reader allocate gigabytes, from the XML alone."""
    if data[:4] == _OLE_MAGIC:
        raise UploadError("old_excel", filename)
    if data[:4] != _XLSX_MAGIC:
        raise UploadError("not_a_spreadsheet", filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            members = book.infolist()
            if len(members) > XLSX_MAX_MEMBERS:
                raise UploadError("workbook_too_large", filename)
            unpacked = sum(member.file_size for member in members)
            if unpacked > XLSX_MAX_UNPACKED_BYTES or any(
                member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1024) for member in members
            ):
                raise UploadError("workbook_too_large", filename)
            for member in members:
                name = member.filename.lower()
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    _check_sheet_xml(filename, book, member)
                elif name == "xl/sharedstrings.xml":
                    _check_shared_strings(filename, book, member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError, OSError, ValueError) as error:
        if isinstance(error, UploadError):
            raise
        raise UploadError("not_a_spreadsheet", filename) from error


def _stream(book: zipfile.ZipFile, member: zipfile.ZipInfo):
    """A member's bytes in chunks that overlap by 64 bytes, so no pattern is cut in two."""
    tail = b""
    with book.open(member) as handle:
        while chunk := handle.read(1 << 20):
            yield tail + chunk
            tail = chunk[-64:]


def _check_sheet_xml(filename: str, book: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    max_column = max_row = cells = 0
    for chunk in _stream(book, member):
        cells += chunk.count(b"<c ") + chunk.count(b"<c>")
        for letters, digits in _CELL_REF.findall(chunk):
            column = 0
            for letter in letters:
                column = column * 26 + letter - 64
            max_column = max(max_column, column)
            max_row = max(max_row, int(digits))
        if max_column > MAX_COLUMNS or max_row > XLSX_MAX_ROWS or cells > XLSX_MAX_CELLS or (
            max_column * max_row > XLSX_MAX_CELLS
        ):
            raise UploadError("workbook_too_large", filename)


def _check_shared_strings(filename: str, book: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    count = 0
    for chunk in _stream(book, member):
        count += chunk.count(b"<si>") + chunk.count(b"<si ")
        if count > XLSX_MAX_SHARED_STRINGS:
            raise UploadError("workbook_too_large", filename)


def _workbook(filename: str, data: bytes):
    from python_calamine import CalamineWorkbook

    _check_workbook(filename, data)
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - every reader failure is an unreadable workbook
        raise UploadError("not_a_spreadsheet", filename) from error


def excel_sheets(filename: str, data: bytes) -> list[str]:
    """The sheet names of a workbook; a clear error for files that only claim to be Excel."""
    check_size(filename, len(data), MAX_UPLOAD_BYTES)
    book = _workbook(filename, data)
    try:
        return list(book.sheet_names)
    finally:
        book.close()


def excel_cell_text(value) -> str:
    """A typed Excel cell as the text a CSV export would hold: ISO dates, whole floats without '.0'."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def open_excel(filename: str, data: bytes, sheet: str | None = None, *, header_line: int | None = None) -> Source:
    """One sheet of a workbook as a CSV whose first column is the sheet row number."""
    check_size(filename, len(data), MAX_UPLOAD_BYTES)
    book = _workbook(filename, data)
    workdir = Path(tempfile.mkdtemp(prefix="cvd-upload-"))
    try:
        sheets = list(book.sheet_names)
        if not sheets:
            raise UploadError("no_sheet", filename)
        sheet = sheet if sheet is not None else sheets[0]
        if sheet not in sheets:
            raise UploadError("no_sheet", filename, sheet=sheet)
        try:
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as error:  # noqa: BLE001 - a broken sheet is an unreadable workbook
            raise UploadError("not_a_spreadsheet", filename) from error
        detected = detect_header_row([[excel_cell_text(v) for v in row] for row in rows[:SNIFF_LINES]]) + 1
        line = header_line or detected
        header = [excel_cell_text(v) for v in rows[line - 1]] if len(rows) >= line else []
        while header and not header[-1]:
            header.pop()
        if not header:
            raise UploadError("empty_file", filename)
        width = len(header)
        path = workdir / "sheet.csv"
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["line", *header])
            for number, row in enumerate(rows[line:], start=line + 1):
                cells = [excel_cell_text(v) for v in row[:width]]
                if any(cells):
                    writer.writerow([number, *cells, *[""] * (width - len(cells))])
        return described(Source(filename, path, unique_names(header), line, detected, sheet=sheet, line_column=True,
                                size_bytes=len(data), _workdir=workdir))
    except UploadError:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    except (duckdb.Error, OSError, ValueError) as error:
        shutil.rmtree(workdir, ignore_errors=True)
        raise UploadError("not_a_spreadsheet", filename) from error
    finally:
        book.close()
