"""Turn an uploaded file into a UTF-8 CSV on disk that DuckDB reads, and say how it was read.

Teams export from many systems: CSV in UTF-8, GBK/GB18030, Windows-1252 and more, with commas,
semicolons, tabs or pipes, title rows above the header, and Excel workbooks with several sheets.
Everything here is bounded before it is trusted: sniffing looks at the first 64 KB only (lines
capped), an encoding is detected with charset-normalizer plus a plausibility check and then
verified on every byte while transcoding, and a workbook's unpacked size, rows, columns and cells
are checked in its XML before a reader allocates anything. Parsing and typing happen in DuckDB
(``validation``); this module only decides how to feed it and what a person should see first.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import math
import re
import shutil
import tempfile
import tomllib
import weakref
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from charset_normalizer import from_bytes

STREAMLIT_CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def _upload_limit_bytes(config: Path = STREAMLIT_CONFIG) -> int:
    """The browser upload limit, set in one place: ``[server] maxUploadSize`` in .streamlit/config.toml,
    in megabytes of 1024 * 1024 bytes as Streamlit counts them. Larger files go through analytics.cli."""
    with config.open("rb") as handle:
        megabytes = tomllib.load(handle).get("server", {}).get("maxUploadSize")
    if not isinstance(megabytes, int) or isinstance(megabytes, bool) or megabytes < 1:
        raise RuntimeError(f"{config}: [server] maxUploadSize must set the upload limit in MB, found {megabytes!r}")
    return megabytes * 1024 * 1024


MAX_UPLOAD_BYTES = _upload_limit_bytes()
SNIFF_BYTES = 64 * 1024
SNIFF_LINES = 200
SNIFF_LINE_CHARS = 8 * 1024
HEADER_SEARCH_LINES = 30
MAX_LINE_BYTES = 1024 * 1024
MAX_COLUMNS = 256
PREVIEW_ROWS = 20
SAMPLE_ROWS = 20_000
DELIMITERS = (",", ";", "\t", "|")
# Encodings a person can pick; detection may name another one Python knows.
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "gb18030", "big5", "shift_jis", "cp949", "cp1252", "cp1250", "latin-1")
# When several encodings decode a sample equally well, the first of these wins.
_PREFERRED = ("gb18030", "cp1252", "big5", "cp932", "shift_jis", "cp949", "cp1250", "latin-1")
_DUCKDB_NATIVE = ("utf-8", "utf-8-sig")

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
_IMPLAUSIBLE = re.compile(r"[\x80-\x9f\ufffd\ue000-\uf8ff]|[A-Za-z\u00c0-\u024f][\u3400-\u9fff\uac00-\ud7af][a-z]")


class UploadError(ValueError):
    """A file that cannot be read at all; ``code`` names the problem for a translated message."""

    def __init__(self, code: str, filename: str, **details):
        self.code = code
        self.filename = filename
        self.details = details
        super().__init__(f"{filename}: {code} {details}" if details else f"{filename}: {code}")


@dataclass
class Source:
    """An upload as a UTF-8 CSV file DuckDB can read, with its header and where its rows came from.

    Columns are read as ``c0, c1, ...`` so no header text ever reaches SQL; ``headers`` names them.
    ``header_line`` is the header's line (CSV) or row (sheet) a person sees; the ``*_detected``
    fields keep what detection found when the person chose otherwise. Excel sources are written
    as CSV whose first column is each row's sheet row number (``line_column``).
    """

    filename: str
    path: Path
    headers: list[str]
    header_line: int
    header_detected: int
    encoding: str | None = None
    encoding_detected: str | None = None
    delimiter: str = ","
    sheet: str | None = None
    line_column: bool = False
    size_bytes: int = 0
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    sample: pd.DataFrame = field(default_factory=pd.DataFrame)
    has_control_bytes: bool = True
    has_quotes: bool = True
    set_aside: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, text) found before DuckDB
    _written_delimiter: str | None = None  # of the file on disk, when it was written again here
    _workdir: Path | None = None

    def __post_init__(self):
        if self._workdir is not None:
            weakref.finalize(self, shutil.rmtree, str(self._workdir), True)

    @property
    def columns(self) -> list[str]:
        return [f"c{index}" for index in range(len(self.headers))]

    def column_of(self, header: str) -> str:
        return self.columns[self.headers.index(header)]

    @property
    def first_data_line(self) -> int:
        return self.header_line + 1

    @property
    def skip_lines(self) -> int:
        """Lines of the CSV on disk before the first data row (an Excel CSV has one header line)."""
        return 1 if self.line_column else self.header_line

    def scan_sql(self) -> tuple[str, list]:
        """The ``read_csv`` call over this source: every column text, bad lines set aside."""
        names = (["line"] if self.line_column else []) + self.columns
        types = ", ".join(f"'{name}': 'VARCHAR'" for name in names)
        sql = (
            f"read_csv(?, header = false, skip = ?, delim = ?, quote = '\"', escape = '\"', auto_detect = false,"
            f" columns = {{{types}}}, strict_mode = true, store_rejects = true, max_line_size = {MAX_LINE_BYTES},"
            " encoding = 'utf-8')"
        )
        return sql, [str(self.path), self.skip_lines, self._written_delimiter or self.delimiter]

    @property
    def frame(self) -> pd.DataFrame:
        """Every accepted record as text, for small files (tests, previews); uploads stay in DuckDB."""
        sql, params = self.scan_sql()
        with engine() as connection:
            frame = connection.execute(f"SELECT * EXCLUDE (line) FROM {sql}" if self.line_column
                                       else f"SELECT * FROM {sql}", params).df()
        frame.columns = self.headers
        return frame.dropna(how="all").reset_index(drop=True)

    def read_in_python(self) -> None:
        """Re-read the file with Python's csv module when DuckDB's strict reader gives up on it as
        a whole (some quoting and line-break mixes): every record is written again with the line
        it starts on, as for workbooks; a record with the wrong number of cells is set aside as a
        ragged line. Slower than DuckDB, and used only for such files."""
        if self.line_column:
            raise UploadError("unreadable_csv", self.filename, reason="")
        target = (self._workdir or self.path.parent) / "normalized.csv"  # never beside a file given by path
        width = len(self.headers)
        with open(target, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["line", *self.headers])
            try:
                for line, cells in records(self.path, self.delimiter, self.header_line):
                    if not any(cell.strip() for cell in cells):
                        continue
                    if len(cells) != width:
                        self.set_aside.append((line, "ragged_line", self.delimiter.join(cells)[:80]))
                        continue
                    writer.writerow([line, *cells])
            except csv.Error as error:
                raise UploadError("unreadable_csv", self.filename, reason=str(error)) from error
        self.path, self.line_column, self._written_delimiter = target, True, ","

    def close(self) -> None:
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)


def is_excel(filename: str, data: bytes) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm", ".xls")) or data[:4] in (_XLSX_MAGIC, _OLE_MAGIC)


def _check_size(filename: str, size: int, limit: int | None) -> None:
    if size == 0:
        raise UploadError("empty_file", filename)
    if limit is not None and size > limit:
        raise UploadError("too_large", filename, size_mb=size // 2**20, limit_mb=limit // 2**20)


# Encoding ------------------------------------------------------------------------------------

def _sample_of(data: bytes) -> bytes:
    """The first 64 KB, cut after the last complete line when the file is longer."""
    if len(data) <= SNIFF_BYTES:
        return data
    sample = data[:SNIFF_BYTES]
    cut = sample.rfind(b"\n")
    return sample[:cut + 1] if cut > 0 else sample


def _decodes(sample: bytes, encoding: str, complete: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(sample, final=complete)
    except (UnicodeDecodeError, LookupError):
        return None


def plausible(text: str) -> bool:
    """False for text a wrong encoding typically makes: C1 controls, private-use or replacement
    characters, or a CJK character inside a Latin word (``Münster`` read as GBK is ``M黱ster``)."""
    return _IMPLAUSIBLE.search(text) is None


def detect_encoding(sample: bytes, complete: bool = True) -> str:
    """The encoding of a file from its first bytes: a byte-order mark, strict UTF-8, else the
    plausible candidates of charset-normalizer, preferring the encodings teams here export in."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(sample, "utf-8", complete) is not None:
        return "utf-8"
    matches = list(from_bytes(sample))
    best_chaos = min((m.chaos for m in matches), default=0.0)
    candidates = [m.encoding for m in matches if m.chaos <= best_chaos + 0.05]
    plausible_ones = []
    for encoding in candidates:
        text = _decodes(sample, encoding, complete)
        if text is not None and plausible(text):
            plausible_ones.append((encoding, text))
    if not plausible_ones:
        raise UploadError("unknown_encoding", "")
    # An encoding we prefer that decodes the sample to the same text is the better name for it.
    for preferred in _PREFERRED:
        for encoding, text in plausible_ones:
            if encoding == preferred or _decodes(sample, preferred, complete) == text:
                return preferred
    return plausible_ones[0][0]


def _transcode(filename: str, source, target: Path, encoding: str) -> None:
    """Stream ``source`` (a binary file) into ``target`` as UTF-8; a byte the encoding cannot
    decode stops it with the line it is on, rather than becoming mojibake."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    with open(target, "w", encoding="utf-8", newline="") as out:
        while chunk := source.read(1 << 20):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as error:
                line += decoder.decode(chunk[:error.start], final=False).count("\n") if error.start else 0
                raise UploadError("bad_encoding", filename, encoding=encoding, line=line) from error
            line += text.count("\n")
            out.write(text)
        try:
            out.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError as error:
            raise UploadError("bad_encoding", filename, encoding=encoding, line=line) from error


# Dialect ------------------------------------------------------------------------------------

def _sniff_rows(text: str, delimiter: str) -> list[list[str]]:
    lines = [line[:SNIFF_LINE_CHARS] for line in text.splitlines()[:SNIFF_LINES]]
    try:
        return list(csv.reader(lines, delimiter=delimiter, strict=False))
    except csv.Error:
        return []


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most sample lines into the same number (above one) of fields.

    A linear count over at most 200 capped lines: csv.Sniffer's regular expressions can run for
    an hour on a hostile first line, holding the GIL."""
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        widths = Counter(len(row) for row in _sniff_rows(text, delimiter) if len(row) > 1)
        if widths:
            width, score = max(widths.items(), key=lambda item: (item[1], item[0]))
            if score > best_score:
                best, best_score = delimiter, score
    return best


def detect_header_row(rows: list[list[str]]) -> int:
    """The 0-based index of the header among the first rows: the first row that fills most of the
    table's usual width. Title rows above it ("Sales report", "Exported 2024-05-01;;;") fill one cell."""
    filled = [sum(1 for cell in row if str(cell).strip()) for row in rows]
    if not filled or max(filled) == 0:
        return 0
    wide = Counter(f for f in filled if f >= 2)
    width = wide.most_common(1)[0][0] if wide else max(filled)
    needed = max(1, math.ceil(width * 0.6))
    for index, count in enumerate(filled[:HEADER_SEARCH_LINES]):
        if count >= needed:
            return index
    return 0


def unique_names(names: list[str]) -> list[str]:
    """Header names made unique the way spreadsheet users expect: 'Amount', 'Amount.1', ..."""
    seen: dict[str, int] = {}
    unique = []
    for index, name in enumerate(names):
        name = str(name).strip() or f"column_{index + 1}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name}.{count}")
    return unique


# Opening uploads ------------------------------------------------------------------------------

@functools.cache
def _engine_database() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(config={
        "autoinstall_known_extensions": False, "autoload_known_extensions": False, "preserve_insertion_order": False,
    })


def engine() -> duckdb.DuckDBPyConnection:
    """A connection to a private in-memory DuckDB for reading uploads (close it when done): it
    never loads an extension, and scans that only count need not keep the file's row order."""
    return _engine_database().cursor()


def records(path: Path, delimiter: str, skip_lines: int) -> Iterator[tuple[int, list[str]]]:
    """Each record after the first ``skip_lines`` lines with the line it starts on, as DuckDB
    counts them: blank lines are no records, a quoted line break does not start one."""
    csv.field_size_limit(MAX_LINE_BYTES)
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=False)
        start = 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if line > skip_lines and cells:
                yield line, cells


def _first_rows(source: Source) -> None:
    """The first rows as text, once: the preview shows 20, locale detection reads them all.

    Read with Python's csv module, which stops where it is asked to: a DuckDB scan with a limit
    still sets up its parallel buffers (about 60 MB for nothing). Cells are padded or cut to the
    header's width here; validation rejects ragged lines with their line numbers."""
    width = len(source.headers)
    rows: list[list[str | None]] = []
    try:
        for _, cells in records(source.path, source._written_delimiter or source.delimiter, source.skip_lines):
            cells = cells[1:] if source.line_column else cells
            if any(cell.strip() for cell in cells):
                rows.append([cell or None for cell in cells[:width]] + [None] * (width - len(cells)))
            if len(rows) >= SAMPLE_ROWS:
                break
    except csv.Error:
        pass  # a line past the field limit: the sample ends there, validation reports the line
    frame = pd.DataFrame(rows, columns=source.headers, dtype=object) if rows else pd.DataFrame(columns=source.headers)
    source.sample = frame
    source.preview = frame.head(PREVIEW_ROWS)


_CONTROL_CELL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])


def _scan_bytes(source: Source) -> None:
    """Whether the file holds control bytes or quotes at all: one C-speed pass that lets
    validation skip a per-cell control-character check on the files (nearly all) without any."""
    controls = quotes = False
    unwanted = _CONTROL_CELL_BYTES + (b"" if source.delimiter == "\t" else b"\t")  # a tab in a cell, unless it separates
    with open(source.path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            controls = controls or len(chunk.translate(None, unwanted)) != len(chunk)
            quotes = quotes or b'"' in chunk
            if controls and quotes:
                break
    source.has_control_bytes, source.has_quotes = controls, quotes


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
        _check_size(filename, size, size_limit)
        if _looks_binary(head):
            raise UploadError("not_a_spreadsheet", filename)
        sample = _sample_of(head) if size > SNIFF_BYTES else head
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
                _transcode(filename, handle, path, chosen)
        text = _decodes(sample, chosen, True) or sample.decode(chosen, errors="replace")
        text = text.lstrip("\ufeff")
        implausible = _IMPLAUSIBLE.search(text)
        if implausible and encoding is not None:
            raise UploadError("bad_encoding", filename, encoding=chosen, line=text.count("\n", 0, implausible.start()) + 1)
        if not text.strip():
            raise UploadError("empty_file", filename)
        delimiter = sniff_delimiter(text)
        detected_header = detect_header_row(_sniff_rows(text, delimiter)) + 1  # csv.reader keeps blank lines
        line = header_line or detected_header
        header_cells = _header_cells(text, delimiter, line)
        if len(header_cells) > MAX_COLUMNS:
            raise UploadError("too_many_columns", filename, columns=len(header_cells), limit=MAX_COLUMNS)
        source = Source(filename, path, unique_names(header_cells), line, detected_header, chosen, detected,
                        delimiter, size_bytes=size, _workdir=workdir)
        _scan_bytes(source)
        _first_rows(source)
        return source
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
    controls = len(head) - len(head.translate(None, _CONTROL_CELL_BYTES))
    return controls > len(head) // 20


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


# Excel ------------------------------------------------------------------------------------------

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
    _check_size(filename, len(data), MAX_UPLOAD_BYTES)
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
    _check_size(filename, len(data), MAX_UPLOAD_BYTES)
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
        source = Source(filename, path, unique_names(header), line, detected, sheet=sheet, line_column=True,
                        size_bytes=len(data), _workdir=workdir)
        _scan_bytes(source)
        _first_rows(source)
        return source
    except UploadError:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    except (duckdb.Error, OSError, ValueError) as error:
        shutil.rmtree(workdir, ignore_errors=True)
        raise UploadError("not_a_spreadsheet", filename) from error
    finally:
        book.close()



def open_upload(
    filename: str, data: bytes | Path, sheet: str | None = None, *, encoding: str | None = None,
    header_line: int | None = None, size_limit: int | None = MAX_UPLOAD_BYTES,
) -> Source:
    """A CSV or Excel upload ready for validation."""
    head = data[:8] if isinstance(data, bytes) else data.open("rb").read(8)
    if is_excel(filename, head):
        return open_excel(filename, data if isinstance(data, bytes) else data.read_bytes(), sheet, header_line=header_line)
    return open_csv(filename, data, encoding=encoding, header_line=header_line, size_limit=size_limit)


read_upload = open_upload
RawTable = Source
