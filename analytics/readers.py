"""Open an upload, CSV or Excel, as a ``Source`` that DuckDB reads, and say how it was read.

Teams export from many systems: CSV in UTF-8, GBK/GB18030, Windows-1252 and more, with commas,
semicolons, tabs or pipes, title rows above the header, and Excel workbooks with several sheets.
A CSV is sniffed on its first bytes (``sniffing``), transcoded to UTF-8 when DuckDB cannot read
its encoding, and described (preview, sample, control bytes); a workbook goes to ``workbooks``.
Parsing and typing happen in DuckDB (``validation``); this module only decides how to feed it.
"""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import tempfile
from pathlib import Path

import duckdb

from analytics.sniffing import (
    IMPLAUSIBLE,
    SNIFF_BYTES,
    SNIFF_LINE_CHARS,
    decodes,
    detect_encoding,
    detect_header_row,
    sample_of,
    sniff_delimiter,
    sniff_rows,
    transcode,
    unique_names,
)
from analytics.sources import (
    CONTROL_CELL_BYTES,
    MAX_COLUMNS,
    MAX_UPLOAD_BYTES,
    Source,
    UploadError,
    check_size,
    described,
)
from analytics.workbooks import is_excel, open_excel

_DUCKDB_NATIVE = ("utf-8", "utf-8-sig")


def open_csv(
    filename: str, data: bytes | Path, *, encoding: str | None = None, header_line: int | None = None,
    size_limit: int | None = MAX_UPLOAD_BYTES,
) -> Source:
    """A CSV upload (bytes from the browser, or a path from the command line) ready for DuckDB."""
    workdir = Path(tempfile.mkdtemp(prefix="cvd-upload-"))
    try:
        if isinstance(data, Path):
            size = data.stat().st_size
            with open(data, "rb") as handle:
                head = handle.read(SNIFF_BYTES)
        else:
            size, head = len(data), data[:SNIFF_BYTES]
        check_size(filename, size, size_limit)
        if _looks_binary(head):
            raise UploadError("not_a_spreadsheet", filename)
        sample = sample_of(head) if size > SNIFF_BYTES else head
        try:
            detected = detect_encoding(sample, complete=size <= SNIFF_BYTES)
        except UploadError:
            if encoding is None:
                raise UploadError("unknown_encoding", filename) from None
            detected = encoding
        chosen = encoding or detected
        if chosen in _DUCKDB_NATIVE and isinstance(data, Path):
            path = data
        elif chosen in _DUCKDB_NATIVE:
            path = workdir / "upload.csv"
            path.write_bytes(data)
        else:
            path = workdir / "upload.csv"
            with (open(data, "rb") if isinstance(data, Path) else io.BytesIO(data)) as handle:
                transcode(filename, handle, path, chosen)
        text = decodes(sample, chosen, True) or sample.decode(chosen, errors="replace")
        text = text.lstrip("\ufeff")
        implausible = IMPLAUSIBLE.search(text)
        if implausible and encoding is not None:
            raise UploadError("bad_encoding", filename, encoding=chosen, line=text.count("\n", 0, implausible.start()) + 1)
        if not text.strip():
            raise UploadError("empty_file", filename)
        delimiter = sniff_delimiter(text)
        detected_header = detect_header_row(sniff_rows(text, delimiter)) + 1  # csv.reader keeps blank lines
        line = header_line or detected_header
        header_cells = _header_cells(text, delimiter, line)
        if len(header_cells) > MAX_COLUMNS:
            raise UploadError("too_many_columns", filename, columns=len(header_cells), limit=MAX_COLUMNS)
        return described(Source(filename, path, unique_names(header_cells), line, detected_header, chosen, detected,
                                delimiter, size_bytes=size, _workdir=workdir))
    except UploadError:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    except (duckdb.Error, csv.Error, OSError, ValueError) as error:
        shutil.rmtree(workdir, ignore_errors=True)
        raise UploadError("unreadable_csv", filename, reason=_first_line(error)) from error


def _header_cells(text: str, delimiter: str, line: int) -> list[str]:
    lines = text.splitlines()
    if line > len(lines):
        return []
    return next(csv.reader([lines[line - 1][:SNIFF_LINE_CHARS]], delimiter=delimiter, strict=False), [])




def _looks_binary(head: bytes) -> bool:
    """Many control bytes, a NUL among them: an image or archive, not text (UTF-16 is read apart).
    A stray NUL inside text is left for validation, which rejects that row with its line."""
    if b"\x00" not in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    controls = len(head) - len(head.translate(None, CONTROL_CELL_BYTES))
    return controls > len(head) // 20


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]



def open_upload(
    filename: str, data: bytes | Path, sheet: str | None = None, *, encoding: str | None = None,
    header_line: int | None = None, size_limit: int | None = MAX_UPLOAD_BYTES,
) -> Source:
    """A CSV or Excel upload ready for validation."""
    if isinstance(data, bytes):
        head = data[:8]
    else:
        with data.open("rb") as handle:
            head = handle.read(8)
    if is_excel(filename, head):
        return open_excel(filename, data if isinstance(data, bytes) else data.read_bytes(), sheet, header_line=header_line)
    return open_csv(filename, data, encoding=encoding, header_line=header_line, size_limit=size_limit)

