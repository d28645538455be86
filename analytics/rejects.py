"""The rejected rows of an upload, one line per problem, numbered as the file's lines.

DuckDB's reader sets aside lines it cannot parse (ragged, badly quoted, not UTF-8); the row plan's
mask names the checks a typed row failed. Both become rows of REJECT_COLUMNS with the line a
person finds in the file, the column, the field, a reason code and the value as written.
"""

from __future__ import annotations

import csv
import mmap

import duckdb
import pandas as pd

from analytics.row_plan import RowPlan
from analytics.sources import Source, records

REJECT_COLUMNS = ["row", "column", "field", "reason", "value"]
MAX_REJECT_DETAILS = 100_000


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="int64" if name == "row" else object) for name in REJECT_COLUMNS})


_PARSER_REASONS = {
    "TOO MANY COLUMNS": "ragged_line", "MISSING COLUMNS": "ragged_line", "INVALID ENCODING": "bad_encoding",
    "LINE SIZE OVER MAXIMUM": "line_too_long",
}


def parser_rejects(connection: duckdb.DuckDBPyConnection, source: Source) -> pd.DataFrame:
    """Lines DuckDB's reader set aside (ragged, badly quoted, not UTF-8), one row each."""
    try:
        rows = connection.execute(
            "SELECT line, min(error_type), min(csv_line) FROM reject_errors GROUP BY line ORDER BY line"
        ).fetchall()
        connection.execute("DROP TABLE IF EXISTS reject_errors")
        connection.execute("DROP TABLE IF EXISTS reject_scans")
    except duckdb.CatalogException:
        rows = []
    found = [(int(line), _PARSER_REASONS.get(kind, "unparsable_line"), str(text or "")[:80]) for line, kind, text in rows]
    found += source.set_aside
    return pd.DataFrame({
        "row": pd.Series([r[0] for r in found], dtype="int64"),
        "column": [None] * len(found),
        "field": [None] * len(found),
        "reason": [r[1] for r in found],
        "value": [r[2] for r in found],
    })


def reject_details(plan: RowPlan, connection) -> pd.DataFrame:
    """One line per failed check of the first rejected rows (value shown as in the file)."""
    rows, params = plan.rows_sql(numbered=True)
    cells = ", ".join(plan.source.columns)
    found = connection.execute(
        f"SELECT line, mask, [{cells}] FROM ({rows}) WHERE mask <> 0 ORDER BY line LIMIT {MAX_REJECT_DETAILS}", params
    ).fetchall()
    connection.execute("DROP TABLE IF EXISTS reject_errors")
    connection.execute("DROP TABLE IF EXISTS reject_scans")
    return detail_rows(plan, found)


def detail_rows(plan: RowPlan, found: list) -> pd.DataFrame:
    """(line, mask, cells) of rejected rows as one line per failed check."""
    lines, columns, names, reasons, values = [], [], [], [], []
    for line, mask, row_cells in found:
        for index, check_ in enumerate(plan.checks):
            if mask & (1 << index):
                header = check_.column
                value = row_cells[plan.source.headers.index(header)] if header in plan.source.headers else None
                lines.append(line)
                columns.append(header)
                names.append(check_.field)
                reasons.append(check_.reason)
                values.append("" if value is None else str(value)[:80])
    return pd.DataFrame({"row": pd.Series(lines, dtype="int64"), "column": columns, "field": names,
                         "reason": reasons, "value": values})


def with_physical_lines(source: Source, rejects: pd.DataFrame, parser_rejects: pd.DataFrame) -> pd.DataFrame:
    """Record numbers of validation rejects turned into the file's line numbers.

    DuckDB numbers records, not lines: a blank line, a line the reader set aside, or a cell with a
    line break moves the two apart. Such files are walked once with Python's csv reader (only when
    they have rejects); plain files take arithmetic."""
    if source.line_column or rejects.empty:
        return rejects.sort_values(["row", "field"], kind="stable", ignore_index=True, na_position="first")
    from_check = rejects["column"].notna() | rejects["field"].notna()
    records = rejects.loc[from_check, "row"].astype("int64")
    if records.empty:
        return rejects.sort_values(["row", "field"], kind="stable", ignore_index=True, na_position="first")
    set_aside = sorted(parser_rejects["row"].tolist())
    if set_aside or _has_blank_lines_or_quotes(source):
        lookup = _record_lines(source, set(set_aside), int(records.max()))
        rejects.loc[from_check, "row"] = records.map(lambda r: lookup.get(r, r + source.skip_lines)).astype("int64")
    else:
        rejects.loc[from_check, "row"] = records + source.skip_lines
    return rejects.sort_values(["row", "field"], kind="stable", ignore_index=True, na_position="first")


def _has_blank_lines_or_quotes(source: Source) -> bool:
    with open(source.path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
        return any(view.find(token) >= 0 for token in (b'"', b"\n\n", b"\n\r\n"))


def _record_lines(source: Source, set_aside: set[int], last_record: int) -> dict[int, int]:
    """Record number -> line on which the record starts, the way DuckDB counts records."""
    lookup: dict[int, int] = {}
    record = 0
    try:
        for line, _ in records(source.path, source.delimiter, source.skip_lines):
            if line in set_aside:
                continue
            record += 1
            lookup[record] = line
            if record >= last_record:
                break
    except csv.Error:
        pass
    return lookup
