"""Check every uploaded row in DuckDB SQL before anything is written.

One scan of the source types every mapped column (TRY_CAST, TRY_STRPTIME after the column's
chosen decimal and date order) and gives each row a bit mask of the checks it failed; the report
counts rows, sums and reasons from that scan, and a second scan fetches the details of rejected
rows only when there are some. Import runs the same SELECT once more, inside the write
transaction, keeping the rows whose mask is zero: one ``INSERT ... SELECT`` for any size, and the
rows written are exactly the rows the report accepted. Column names from the file never reach
SQL: the source's columns are ``c0, c1, ...`` and names of unmapped columns are bound parameters.
"""

from __future__ import annotations

import csv
import mmap
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from analytics import locales
from analytics.mapping import (
    CUSTOMER_FIELDS,
    MASTER_FIELDS,
    TRANSACTION_FIELDS,
    Field,
    missing_required,
    price_mapped_as_revenue,
    revenue_is_derived,
)
from analytics.readers import Source, engine, records
from analytics.store import CUSTOMER_COLUMNS, TRANSACTION_COLUMNS

RATING_FIELDS = ("satisfaction", "brand_influence", "channel_strength", "industry_expansion", "new_product_pilot")
NON_NEGATIVE_FIELDS = ("account_team_size", "referrals")
KEY_FIELDS = ("customer_id", "order_id")
REJECT_COLUMNS = ["row", "column", "field", "reason", "value"]
MAX_AMOUNT = 1e15
MAX_REJECT_DETAILS = 100_000
SMALL_FILE_BYTES = 8 * 1024 * 1024
FIELDS = {f.name: f for f in TRANSACTION_FIELDS + CUSTOMER_FIELDS}

# Constant SQL pieces (our text, never the file's).
_CONTROL = r"'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]'"
_KEY_CONTROL = r"'[\x00-\x1f\x7f]'"
_NOISE = r"'[¥￥$€£元]'"
_GROUPED = {  # anchored: regexp_extract gives '' (not a number) unless the whole text matches
    "point": r"'^-?(\d{1,3}([,'' \x{a0}]\d{3})+|\d+)(\.\d+)?$'",
    "comma": r"'^-?(\d{1,3}([.'' \x{a0}]\d{3})+|\d+)(,\d+)?$'",
}
_NAMED_MONTH_FORMATS = "['%d %b %Y', '%d-%b-%Y', '%d-%b-%y', '%b %d, %Y', '%B %d, %Y', '%d %B %Y', '%b %d %Y', '%B %d %Y']"


class MappingError(ValueError):
    """The mapping leaves a required field without a column."""

    def __init__(self, filename: str, missing: list[str]):
        self.filename = filename
        self.missing = missing
        super().__init__(f"{filename}: no column mapped for {', '.join(missing)}")


class ChoiceNeeded(ValueError):
    """A mapped column's decimal or date order is ambiguous and nobody has chosen one yet."""

    def __init__(self, filename: str, fields: list[str]):
        self.filename = filename
        self.fields = fields
        super().__init__(f"{filename}: choose how {', '.join(fields)} are written")


@dataclass(frozen=True)
class Choices:
    """What the person confirmed: field -> column, and how each number and date column is written."""

    mapping: dict[str, str]
    decimals: dict[str, str] = field(default_factory=dict)  # field -> "point" | "comma"
    date_orders: dict[str, str] = field(default_factory=dict)  # field -> "ymd" | "dmy" | "mdy"
    cancel_prefix: str = ""


@dataclass(frozen=True)
class _Check:
    field: str
    column: str | None
    reason: str
    condition: str  # SQL over the typed row, true when the row fails


def _text(column: str) -> str:
    """Blank is missing; trimming only where there is a space to trim (trim copies every string)."""
    return f"(CASE WHEN {column} LIKE ' %' OR {column} LIKE '% ' THEN nullif(trim({column}), '') ELSE nullif({column}, '') END)"


def number_sql(value: str, decimal: str) -> str:
    """A number from text written with ``decimal`` ('point' or 'comma'); NULL when it does not fit.

    Thousands separators must group three digits, so ``83,71`` is never 8371 under 'point'. Plain
    numbers take DuckDB's cast (which would also take '1_000' and 'inf': not numbers here); the
    rest lose currency signs and spaces, turn accounting parentheses into a minus, and must match
    the locale's pattern. Few regular expressions (each is compiled when the statement is
    planned, which dominates small files), and each subexpression appears once: DuckDB evaluates
    a repeated one for every row, which would defeat coalesce's laziness."""
    bare = f"ltrim(trim(translate({value}, '¥￥$€£元', '')), '+')"
    signed = f"regexp_replace({bare}, '^\\((.*)\\)$', '-\\1')"
    matched = f"regexp_extract({signed}, {_GROUPED[decimal]}, 0)"
    if decimal == "comma":
        plain = f"CASE WHEN NOT contains({value}, '.') THEN TRY_CAST(replace({value}, ',', '.') AS DOUBLE) END"
        grouped = f"TRY_CAST(translate(translate({matched}, '.'' \u00a0', ''), ',', '.') AS DOUBLE)"
    else:
        plain = f"TRY_CAST({value} AS DOUBLE)"
        grouped = f"TRY_CAST(translate({matched}, ','' \u00a0', '') AS DOUBLE)"
    return f"coalesce(CASE WHEN NOT contains({value}, '_') AND isfinite({plain}) THEN {plain} END, {grouped})"


def date_sql(value: str, order: str) -> str:
    """A date from text in ``order`` ('ymd', 'dmy', 'mdy'); a time or time zone after it is
    ignored (the calendar date as written). The plan then keeps years 1900-2100 only."""
    normalized = f"regexp_replace({value}, '^(\\d{{1,4}})[-/.年](\\d{{1,2}})[-/.月](\\d{{1,4}})日?', '\\1-\\2-\\3')"
    if order == "ymd":
        numeric = (
            f"coalesce(TRY_CAST({value} AS DATE), TRY_CAST({normalized} AS DATE),"
            f" CAST(TRY_STRPTIME(regexp_extract({value}, '^\\d{{8}}$'), '%Y%m%d') AS DATE))"
        )
    else:
        day, month = ("%d", "%m") if order == "dmy" else ("%m", "%d")
        four = f"regexp_extract({normalized}, '^(\\d{{1,2}}-\\d{{1,2}}-\\d{{4}})([T ]|$)', 1)"
        two = f"regexp_extract({normalized}, '^(\\d{{1,2}}-\\d{{1,2}}-\\d{{2}})([T ]|$)', 1)"
        numeric = (
            f"CAST(coalesce(TRY_STRPTIME({four}, '{day}-{month}-%Y'), TRY_STRPTIME({two}, '{day}-{month}-%y')) AS DATE)"
        )
    return f"coalesce({numeric}, CAST(TRY_STRPTIME({value}, {_NAMED_MONTH_FORMATS}) AS DATE))"


class _Plan:
    """The typed SELECT over a source for one set of choices, and the checks behind its mask."""

    def __init__(self, source: Source, choices: Choices, fields: tuple[Field, ...]):
        self.source = source
        self.choices = choices
        self.mapping = {name: header for name, header in choices.mapping.items() if header in source.headers}
        self.fields = [f for f in fields if self.mapping.get(f.name)]
        self.checks: list[_Check] = []
        self.typed: dict[str, str] = {}
        self._build()

    def column(self, name: str) -> str:
        return self.source.column_of(self.mapping[name])

    def _check(self, name: str, reason: str, condition: str) -> None:
        self.checks.append(_Check(name, self.mapping.get(name), reason, condition))

    def _build(self) -> None:
        """Layered so each expression is written once: DuckDB plans a long, repeated expression
        tree slowly (tens of milliseconds per statement on a small file)."""
        self.texts: dict[str, str] = {}  # t_<field>: the cell, blank as NULL
        self.parsed: dict[str, str] = {}  # p_<field>: a date before its range check
        for f in self.fields:
            raw = f"t_{f.name}"
            self.texts[raw] = _text(self.column(f.name))
            if f.required or (f.name in ("quantity", "unit_price") and revenue_is_derived(self.mapping)):
                self._check(f.name, "missing_value", f"{raw} IS NULL")
            if f.kind == "text":
                self.typed[f.name] = raw
                key = f.name in KEY_FIELDS
                # A line break or tab inside a key needs quotes or a tab in the file; other control
                # characters need a control byte: files with neither skip the per-cell check.
                if self.source.has_control_bytes or (key and self.source.has_quotes):
                    pattern = _KEY_CONTROL if key else _CONTROL
                    self._check(f.name, "control_character", f"regexp_matches({raw}, {pattern})")
            elif f.kind == "date":
                order = self.choices.date_orders.get(f.name, "ymd")
                self.parsed[f"p_{f.name}"] = date_sql(raw, order)
                self.typed[f.name] = (
                    f"CASE WHEN p_{f.name} BETWEEN DATE '1900-01-01' AND DATE '2100-12-31' THEN p_{f.name} END"
                )
                self._check(f.name, f"bad_date_{order}", f"{raw} IS NOT NULL AND {f.name} IS NULL")
            else:
                decimal = self.choices.decimals.get(f.name, "point")
                self.typed[f.name] = number_sql(raw, decimal)
                self._check(f.name, f"bad_number_{decimal}", f"{raw} IS NOT NULL AND {f.name} IS NULL")
                self._check(f.name, "too_large", f"abs({f.name}) > {MAX_AMOUNT:.0e}")
                if f.name in RATING_FIELDS:
                    self._check(f.name, "out_of_range_0_10", f"{f.name} < 0 OR {f.name} > 10")
                if f.name in NON_NEGATIVE_FIELDS:
                    self._check(f.name, "negative", f"{f.name} < 0")
        if revenue_is_derived(self.mapping):
            self._check("revenue", "too_large", f"abs(quantity * unit_price) > {MAX_AMOUNT:.0e}")

    @property
    def mask_sql(self) -> str:
        if not self.checks:
            return "0"
        return " | ".join(f"(CASE WHEN {c.condition} THEN {1 << i} ELSE 0 END)" for i, c in enumerate(self.checks))

    def rows_sql(self, numbered: bool = False) -> tuple[str, list]:
        """Typed rows with ``mask`` and ``line``: the sheet row for Excel; for CSV, with ``numbered``,
        the record number (a streaming window that serializes the scan, so only for reject details)."""
        scan, params = self.source.scan_sql()
        line = "CAST(line AS BIGINT)" if self.source.line_column else "row_number() OVER ()" if numbered else "0"
        columns = ", ".join(self.source.columns)

        def select(expressions: dict[str, str]) -> str:
            return "".join(f", {sql} AS {name}" for name, sql in expressions.items())

        sql = (
            f"SELECT *, {self.mask_sql} AS mask FROM (\n"
            f" SELECT *{select(self.typed)} FROM (\n"
            f"  SELECT *{select(self.parsed)} FROM (\n"
            f"   SELECT line, {columns}{select(self.texts)}\n"
            f"   FROM (SELECT {line} AS line, {columns} FROM {scan})\n"
            f"   WHERE coalesce({columns}) IS NOT NULL)))"
        )
        return sql, params

    def canonical_sql(self, accepted_only: bool = True, numbered: bool = False) -> tuple[str, list]:
        """Rows as the transactions table's columns (derived revenue, returns, gross profit, unmapped
        columns as JSON) with their ``line``, ``mask`` and raw ``cells``; only the accepted ones
        unless told otherwise."""
        rows, params = self.rows_sql(numbered)
        have = set(self.typed)
        revenue = "revenue" if "revenue" in have else "quantity * unit_price"
        cancel_parts = []
        if "quantity" in have:
            cancel_parts.append("coalesce(quantity < 0, false)")
        if self.choices.cancel_prefix and "order_id" in have:
            cancel_parts.append("coalesce(starts_with(order_id, ?), false)")
        cancel = " OR ".join(cancel_parts) or "false"

        def flipped(expression: str) -> str:
            return f"CASE WHEN _cancel AND {expression} > 0 THEN -({expression}) ELSE {expression} END"

        gross_profit = (
            flipped("gross_profit") if "gross_profit" in have
            else "revenue - cost" if "cost" in have else "CAST(NULL AS DOUBLE)"
        )
        extra_headers = [h for h in self.source.headers if h not in set(self.mapping.values())]
        extra = "CAST(NULL AS JSON)"
        extra_params: list = []
        if extra_headers:
            pairs = ", ".join(f"?, {self.source.column_of(h)}" for h in extra_headers)
            extra = f"json_object({pairs})"
            extra_params = list(extra_headers)

        def text_or_null(name: str) -> str:
            return name if name in have else "CAST(NULL AS VARCHAR)"

        def number_or_null(name: str) -> str:
            return name if name in have else "CAST(NULL AS DOUBLE)"

        sql = f"""
SELECT customer_id, order_date, revenue, order_id, cost, {gross_profit} AS gross_profit, quantity, product,
       channel, region, sales_rep, extra, line, mask, cells
FROM (
  SELECT line, mask, [{", ".join(self.source.columns)}] AS cells, customer_id, CAST(order_date AS DATE) AS order_date, {flipped(revenue)} AS revenue,
         {text_or_null('order_id')} AS order_id, {flipped(number_or_null('cost'))} AS cost,
         {number_or_null('gross_profit')} AS gross_profit,
         CASE WHEN _cancel THEN -abs({number_or_null('quantity')}) ELSE {number_or_null('quantity')} END AS quantity,
         {text_or_null('product')} AS product, {text_or_null('channel')} AS channel,
         {text_or_null('region')} AS region, {text_or_null('sales_rep')} AS sales_rep, {extra} AS extra
  FROM (SELECT *, mask = 0 AND ({cancel}) AS _cancel FROM ({rows}){" WHERE mask = 0" if accepted_only else ""})
)"""
        cancel_params = [self.choices.cancel_prefix] if "?" in cancel else []
        return sql, extra_params + cancel_params + params

    def customers_sql(self, fields: tuple[Field, ...]) -> tuple[str, list] | None:
        """One row per customer with the last non-empty value of each attribute (a later row wins)."""
        names = [f.name for f in fields if f.name in self.typed and f.name != "customer_id"]
        if not names:
            return None
        rows, params = self.rows_sql(numbered=True)
        columns = ", ".join(
            f"arg_max({name}, line) FILTER (WHERE {name} IS NOT NULL) AS {name}" for name in names
        )
        return f"SELECT customer_id, {columns} FROM ({rows}) WHERE mask = 0 GROUP BY customer_id", params


@dataclass
class Report:
    """What an upload would write: counts, totals, reasons, the rejected rows, and warnings."""

    filename: str
    kind: str
    rows_total: int
    rows_accepted: int
    revenue: float
    cost: float | None
    gross_profit: float | None
    returns: int
    date_min: date | None
    date_max: date | None
    reasons: pd.Series  # reason code -> rows
    rejects: pd.DataFrame  # REJECT_COLUMNS, one line per problem
    warnings: dict[str, int]

    @property
    def rows_rejected(self) -> int:
        return self.rows_total - self.rows_accepted


def _require(source: Source, choices: Choices, fields: tuple[Field, ...]) -> None:
    missing = missing_required(choices.mapping, fields)
    if missing:
        raise MappingError(source.filename, missing)
    undecided = [
        name for name, header in choices.mapping.items()
        if FIELDS.get(name) and FIELDS[name].kind in ("number", "date")
        and (name not in choices.decimals if FIELDS[name].kind == "number" else name not in choices.date_orders)
        and locales.needs_choice(detect_locale(source, header, FIELDS[name].kind))
    ]
    if undecided:
        raise ChoiceNeeded(source.filename, undecided)


def detect_locale(source: Source, header: str, kind: str) -> str | None:
    """The decimal ('number') or date order ('date') of a column, from its first rows."""
    values = sample_values(source, header)
    return locales.detect_decimal(values) if kind == "number" else locales.detect_date_order(values)


MAX_DETECTION_VALUES = 5_000


def sample_values(source: Source, header: str) -> list[str]:
    """The first distinct values of a column among the first rows (``readers.SAMPLE_ROWS``)."""
    return [str(v).strip() for v in source.sample[header].dropna().unique()[:MAX_DETECTION_VALUES]]


def default_choices(source: Source, mapping: dict[str, str]) -> Choices:
    """Choices with every unambiguous column's detected decimal and date order filled in."""
    decimals, orders = {}, {}
    for name, header in mapping.items():
        kind = FIELDS[name].kind if name in FIELDS else None
        if kind in ("number", "date"):
            detected = detect_locale(source, header, kind)
            if detected and not locales.needs_choice(detected):
                (decimals if kind == "number" else orders)[name] = detected
    return Choices(mapping, decimals, orders)


def check(
    source: Source, choices: Choices, kind: str = "transactions",
    connection: duckdb.DuckDBPyConnection | None = None,
) -> Report:
    """Validate every row of ``source`` under ``choices``; nothing is written anywhere."""
    fields = TRANSACTION_FIELDS + CUSTOMER_FIELDS if kind == "transactions" else MASTER_FIELDS
    _require(source, choices, fields)
    plan = _Plan(source, choices, fields)
    own = connection is None
    connection = connection or engine()
    try:
        try:
            return _report(plan, kind, connection)
        except duckdb.InvalidInputException:  # DuckDB's strict reader gave up on the file as a whole
            source.read_in_python()
            return _report(_Plan(source, choices, fields), kind, connection)
    finally:
        if own:
            connection.close()


def _report(plan: _Plan, kind: str, connection: duckdb.DuckDBPyConnection) -> Report:
    source = plan.source
    bits = "".join(f", count(*) FILTER (WHERE mask & {1 << i} <> 0)" for i in range(len(plan.checks)))
    # Small files number their records in the same scan and bring their rejected rows along: one
    # statement to plan instead of two. Large ones keep the scan parallel and fetch rejects apart.
    together = source.line_column or source.size_bytes <= SMALL_FILE_BYTES
    if kind == "transactions":
        rows, params = plan.canonical_sql(accepted_only=False, numbered=together)
        ok = "FILTER (WHERE mask = 0)"
        totals = (f", sum(revenue) {ok}, sum(cost) {ok}, sum(gross_profit) {ok}, count(*) FILTER (WHERE mask = 0 AND revenue < 0),"
                  f" min(order_date) {ok}, max(order_date) {ok}")
    else:
        rows, params = plan.rows_sql(numbered=together)
        rows = f"SELECT *, [{', '.join(source.columns)}] AS cells FROM ({rows})"
        totals = ""
    listed = ", list((line, mask, cells) ORDER BY line) FILTER (WHERE mask <> 0)" if together else ""
    found = connection.execute(
        f"SELECT count(*), count(*) FILTER (WHERE mask = 0){bits}{totals}{listed} FROM ({rows})", params
    ).fetchall()[0]
    if together:
        found, listed_rejects = found[:-1], (found[-1] or [])[:MAX_REJECT_DETAILS]
    summary, totals = found[:2 + len(plan.checks)], found[2 + len(plan.checks):]
    parser_rejects = _parser_rejects(connection, source)
    rows_total, accepted = summary[0] + len(parser_rejects), summary[1]
    reasons = {}
    for index, count in enumerate(summary[2:2 + len(plan.checks)]):
        if count:
            code = plan.checks[index].reason
            reasons[code] = reasons.get(code, 0) + count
    for reason in parser_rejects["reason"]:
        reasons[reason] = reasons.get(reason, 0) + 1
    if accepted == summary[0]:
        details = _empty_rejects()
    elif together:
        details = _detail_rows(plan, listed_rejects)
    else:
        details = _reject_details(plan, connection)
    rejects = pd.concat([parser_rejects, details], ignore_index=True) if len(parser_rejects) else details
    rejects = _with_physical_lines(source, rejects, parser_rejects)
    warnings: dict[str, int] = {}
    if price_mapped_as_revenue(plan.mapping, source.headers):
        warnings["price_as_revenue"] = 1
    if kind == "transactions":
        revenue, cost, profit, returns, date_min, date_max = totals
        return Report(source.filename, kind, rows_total, accepted, revenue or 0.0, cost, profit, returns,
                      date_min, date_max, pd.Series(reasons, dtype="int64"), rejects, warnings)
    return Report(source.filename, kind, rows_total, accepted, 0.0, None, None, 0, None, None,
                  pd.Series(reasons, dtype="int64"), rejects, warnings)


def _empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="int64" if name == "row" else object) for name in REJECT_COLUMNS})


_PARSER_REASONS = {
    "TOO MANY COLUMNS": "ragged_line", "MISSING COLUMNS": "ragged_line", "INVALID ENCODING": "bad_encoding",
    "LINE SIZE OVER MAXIMUM": "line_too_long",
}


def _parser_rejects(connection: duckdb.DuckDBPyConnection, source: Source) -> pd.DataFrame:
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


def _reject_details(plan: _Plan, connection) -> pd.DataFrame:
    """One line per failed check of the first rejected rows (value shown as in the file)."""
    rows, params = plan.rows_sql(numbered=True)
    cells = ", ".join(plan.source.columns)
    found = connection.execute(
        f"SELECT line, mask, [{cells}] FROM ({rows}) WHERE mask <> 0 ORDER BY line LIMIT {MAX_REJECT_DETAILS}", params
    ).fetchall()
    connection.execute("DROP TABLE IF EXISTS reject_errors")
    connection.execute("DROP TABLE IF EXISTS reject_scans")
    return _detail_rows(plan, found)


def _detail_rows(plan: _Plan, found: list) -> pd.DataFrame:
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


def _with_physical_lines(source: Source, rejects: pd.DataFrame, parser_rejects: pd.DataFrame) -> pd.DataFrame:
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


# Small uploads as DataFrames: tests, the demo, and callers that hold a whole table in memory. -----------------

@dataclass
class ValidatedUpload:
    """Typed rows that passed, and one line per problem for the rows that did not."""

    filename: str
    rows_total: int
    transactions: pd.DataFrame
    customers: pd.DataFrame
    rejects: pd.DataFrame
    warnings: dict[str, int] = field(default_factory=dict)

    @property
    def rows_rejected(self) -> int:
        return int(self.rejects["row"].nunique()) if len(self.rejects) else 0

    @property
    def rows_accepted(self) -> int:
        return self.rows_total - self.rows_rejected

    def reasons(self) -> pd.Series:
        """How many rows failed for each reason."""
        return self.rejects.drop_duplicates(["row", "reason"])["reason"].value_counts()


def _frame(connection, sql: str, params: list, columns: tuple[str, ...]) -> pd.DataFrame:
    frame = connection.execute(sql, params).df()
    return frame.reindex(columns=list(columns)).astype({c: object for c in columns if frame.get(c) is None})


def _validated(source: Source, mapping: dict[str, str], kind: str) -> ValidatedUpload:
    choices = default_choices(source, mapping)
    fields = TRANSACTION_FIELDS + CUSTOMER_FIELDS if kind == "transactions" else MASTER_FIELDS
    _require(source, choices, fields)
    plan = _Plan(source, choices, fields)
    with engine() as connection:
        report = _report(plan, kind, connection)
        transactions = pd.DataFrame(columns=list(TRANSACTION_COLUMNS) + ["extra"])
        if kind == "transactions":
            sql, params = plan.canonical_sql()
            transactions = _frame(connection, f"SELECT * EXCLUDE (line, mask, cells) FROM ({sql})", params,
                                  TRANSACTION_COLUMNS + ("extra",))
            transactions["order_date"] = pd.to_datetime(transactions["order_date"])
        customers_query = plan.customers_sql(CUSTOMER_FIELDS if kind == "transactions" else MASTER_FIELDS)
        customers = pd.DataFrame(columns=list(CUSTOMER_COLUMNS) + ["extra"])
        if customers_query is not None:
            customers = _frame(connection, customers_query[0] + " ORDER BY customer_id", customers_query[1],
                               CUSTOMER_COLUMNS + ("extra",))
        elif kind == "customers":
            rows, params = plan.rows_sql()
            customers = _frame(connection, f"SELECT DISTINCT customer_id FROM ({rows}) WHERE mask = 0 ORDER BY 1",
                               params, CUSTOMER_COLUMNS + ("extra",))
    warnings = dict(report.warnings)
    if kind == "customers":
        _master_extra(source, plan, customers)
    _customer_type_codes(customers, warnings)
    if kind == "customers":
        duplicates = report.rows_accepted - len(customers)
        if duplicates:
            warnings["duplicate_customer_rows"] = duplicates
    return ValidatedUpload(source.filename, report.rows_total, transactions, customers, report.rejects, warnings)


def _master_extra(source: Source, plan: _Plan, customers: pd.DataFrame) -> None:
    """Unmapped master columns, kept per customer as JSON (the last row of a customer wins)."""
    extra_headers = [h for h in source.headers if h not in set(plan.mapping.values())]
    if not extra_headers or customers.empty:
        return
    rows, params = plan.rows_sql(numbered=True)
    pairs = ", ".join(f"?, {source.column_of(h)}" for h in extra_headers)
    with engine() as connection:
        found = dict(connection.execute(
            f"SELECT customer_id, arg_max(json_object({pairs}), line) FROM ({rows}) WHERE mask = 0 GROUP BY customer_id",
            list(extra_headers) + params,
        ).fetchall())
    customers["extra"] = customers["customer_id"].map(found)


def _customer_type_codes(customers: pd.DataFrame, warnings: dict[str, int]) -> None:
    from analytics.mapping import customer_type_code

    if "customer_type" not in customers or customers["customer_type"].isna().all():
        return
    labels = customers["customer_type"]
    codes = labels.map(lambda v: customer_type_code(v) if isinstance(v, str) else None)
    unknown = int((labels.notna() & codes.isna()).sum())
    if unknown:
        warnings["unknown_customer_type"] = unknown
    customers["customer_type"] = codes.astype(object).where(codes.notna(), None)


def validate_transactions(raw: Source, mapping: dict[str, str]) -> ValidatedUpload:
    """Typed transactions and the customer attributes found in the same sheet, as DataFrames."""
    return _validated(raw, mapping, "transactions")


def validate_customers(raw: Source, mapping: dict[str, str]) -> ValidatedUpload:
    """Typed rows of a customer master file; a later row for the same customer wins."""
    return _validated(raw, mapping, "customers")
