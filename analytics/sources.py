"""An upload as DuckDB reads it: a UTF-8 CSV on disk whose columns are ``c0, c1, ...``.

``Source`` is what the readers (``readers`` for CSV, ``workbooks`` for Excel) hand to validation:
the file, its header, how it was read, a preview and a sample, and where its rows came from.
The limits every reader shares live here too, the browser's upload limit read from the one
place it is set (.streamlit/config.toml).
"""

from __future__ import annotations

import csv
import functools
import shutil
import tomllib
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

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
MAX_LINE_BYTES = 1024 * 1024
MAX_COLUMNS = 256
PREVIEW_ROWS = 20
SAMPLE_ROWS = 20_000


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



def check_size(filename: str, size: int, limit: int | None) -> None:
    if size == 0:
        raise UploadError("empty_file", filename)
    if limit is not None and size > limit:
        raise UploadError("too_large", filename, size_mb=size // 2**20, limit_mb=limit // 2**20)




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


def _read_first_rows(source: Source) -> None:
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


CONTROL_CELL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])


def _scan_bytes(source: Source) -> None:
    """Whether the file holds control bytes or quotes at all: one C-speed pass that lets
    validation skip a per-cell control-character check on the files (nearly all) without any."""
    controls = quotes = False
    unwanted = CONTROL_CELL_BYTES + (b"" if source.delimiter == "\t" else b"\t")  # a tab in a cell, unless it separates
    with open(source.path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            controls = controls or len(chunk.translate(None, unwanted)) != len(chunk)
            quotes = quotes or b'"' in chunk
            if controls and quotes:
                break
    source.has_control_bytes, source.has_quotes = controls, quotes


def described(source: Source) -> Source:
    """``source`` with what the pages and validation read first: control bytes, quotes, the sample."""
    _scan_bytes(source)
    _read_first_rows(source)
    return source
