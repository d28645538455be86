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

from dataclasses import dataclass
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
)
from analytics.rejects import (
    MAX_REJECT_DETAILS,
    detail_rows,
    empty_rejects,
    parser_rejects,
    reject_details,
    with_physical_lines,
)
from analytics.row_plan import FIELDS, Choices, RowPlan
from analytics.sources import Source, engine

SMALL_FILE_BYTES = 8 * 1024 * 1024


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


def require_choices(source: Source, choices: Choices, fields: tuple[Field, ...]) -> None:
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
    """The first distinct values of a column among the first rows (``sources.SAMPLE_ROWS``)."""
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
    require_choices(source, choices, fields)
    plan = RowPlan(source, choices, fields)
    own = connection is None
    connection = connection or engine()
    try:
        try:
            return report_rows(plan, kind, connection)
        except duckdb.InvalidInputException:  # DuckDB's strict reader gave up on the file as a whole
            source.read_in_python()
            return report_rows(RowPlan(source, choices, fields), kind, connection)
    finally:
        if own:
            connection.close()


def report_rows(plan: RowPlan, kind: str, connection: duckdb.DuckDBPyConnection) -> Report:
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
    set_aside = parser_rejects(connection, source)
    rows_total, accepted = summary[0] + len(set_aside), summary[1]
    reasons = {}
    for index, count in enumerate(summary[2:2 + len(plan.checks)]):
        if count:
            code = plan.checks[index].reason
            reasons[code] = reasons.get(code, 0) + count
    for reason in set_aside["reason"]:
        reasons[reason] = reasons.get(reason, 0) + 1
    if accepted == summary[0]:
        details = empty_rejects()
    elif together:
        details = detail_rows(plan, listed_rejects)
    else:
        details = reject_details(plan, connection)
    rejects = pd.concat([set_aside, details], ignore_index=True) if len(set_aside) else details
    rejects = with_physical_lines(source, rejects, set_aside)
    warnings: dict[str, int] = {}
    if price_mapped_as_revenue(plan.mapping, source.headers):
        warnings["price_as_revenue"] = 1
    if kind == "transactions":
        revenue, cost, profit, returns, date_min, date_max = totals
        return Report(source.filename, kind, rows_total, accepted, revenue or 0.0, cost, profit, returns,
                      date_min, date_max, pd.Series(reasons, dtype="int64"), rejects, warnings)
    return Report(source.filename, kind, rows_total, accepted, 0.0, None, None, 0, None, None,
                  pd.Series(reasons, dtype="int64"), rejects, warnings)

