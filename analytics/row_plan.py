"""The typed SELECT over an upload for the choices a person confirmed, and the checks behind
each row's mask.

One scan of the source types every mapped column (TRY_CAST, TRY_STRPTIME after the column's
chosen decimal and date order) and gives each row a bit mask of the checks it failed. Validation
counts from it, import inserts the rows whose mask is zero: the same SELECT, so the rows written
are exactly the rows the report accepted. Column names from the file never reach SQL: the
source's columns are ``c0, c1, ...`` and names of unmapped columns are bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analytics.mapping import (
    CUSTOMER_FIELDS,
    TRANSACTION_FIELDS,
    Field,
    revenue_is_derived,
)
from analytics.sources import Source

RATING_FIELDS = ("satisfaction", "brand_influence", "channel_strength", "industry_expansion", "new_product_pilot")
NON_NEGATIVE_FIELDS = ("account_team_size", "referrals")
KEY_FIELDS = ("customer_id", "order_id")
MAX_AMOUNT = 1e15
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


class RowPlan:
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
        extra, extra_params = self.extra_json()

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

    def extra_json(self) -> tuple[str, list]:
        """The columns the mapping leaves unused as one JSON object per row, and its parameters: the
        headers are bound values and the columns are ``c0, c1, ...``, so no file text reaches the SQL."""
        headers = [h for h in self.source.headers if h not in set(self.mapping.values())]
        if not headers:
            return "CAST(NULL AS JSON)", []
        return "json_object(" + ", ".join(f"?, {self.source.column_of(h)}" for h in headers) + ")", headers

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

