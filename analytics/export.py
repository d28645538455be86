"""Download files of the tiered customer list: CSV and Excel bytes, safe to open in a spreadsheet.

Customer names come from uploaded files, so a cell such as ``=HYPERLINK(...)`` could run as a
formula when the export is opened (CSV injection). Control characters are removed first (line
breaks and tabs become spaces), then a text cell whose first visible character is a formula
trigger gets a leading single quote; numbers stay numbers. In that order: a control character in
front of ``=`` must not hide the formula from the check and then vanish in the spreadsheet.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from analytics.dimensions import DIMENSIONS
from analytics.store import CUSTOMER_TYPES
from analytics.strategy import StrategyCard, tier_relationships

FORMULA_TRIGGERS = ("=", "+", "-", "@")
_LINE_BREAKS = re.compile(r"[\t\r\n\v\f\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
EXCEL_MAX_ROWS = 1_048_576

Text = Callable[..., str]


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which text cells have no control characters and every one that starts with a
    formula trigger (after leading spaces) is prefixed with ``'``."""
    result = frame.copy()
    for column in result.columns:
        values = result[column]
        if values.dtype == object or isinstance(values.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            result[column] = values.astype(object).map(_neutralized)
    result.columns = [_neutralized(str(column)) for column in result.columns]
    return result


def _neutralized(value):
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", _LINE_BREAKS.sub(" ", value))
    return "'" + value if value.lstrip().startswith(FORMULA_TRIGGERS) else value


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel shows Chinese text correctly; CRLF line ends."""
    return neutralize_formulas(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "customers") -> bytes:
    """An .xlsx workbook with one sheet: a header row, then one row per record."""
    if len(frame) + 1 > EXCEL_MAX_ROWS:
        raise ValueError(f"{len(frame)} rows do not fit in one Excel sheet ({EXCEL_MAX_ROWS - 1} max)")
    from openpyxl import Workbook  # imported when a workbook is made: a fifth of a second off every start

    safe = neutralize_formulas(frame)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_name[:31])
    sheet.append([_cell(column) for column in safe.columns])
    for row in safe.itertuples(index=False, name=None):
        sheet.append([_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    """A value openpyxl writes as data: Python scalars, no NaN (text is already neutralized)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def tiered_customer_list(table: pd.DataFrame, cards: list[StrategyCard], text: Text | None = None) -> pd.DataFrame:
    """The export: one row per customer in value-rank order with its value in money, value score,
    tier, relationship level, bond, recommended action, revenue figures, and per dimension its
    score and its weighted money (the value columns add up to the value).

    ``text(key, **values)`` translates headers and codes (e.g. ``ui.i18n.translate`` bound to a
    language); without it, headers are column names and codes stay codes.
    """
    relationships = tier_relationships(cards).set_index("tier")
    tiers = table["tier"].astype(str)
    ordered = table.assign(
        relationship_level=tiers.map(relationships["relationship_level"]),
        bond=tiers.map(relationships["bond"]),
        action=tiers.map(relationships["action"]),
    ).sort_values("value_rank", kind="stable")
    base = [c for c in ("value_rank", "customer_id", "name", "customer_type", "tier", "value", "score",
                        "relationship_level", "bond", "action", "revenue", "revenue_rank",
                        "gross_profit", "margin_pct") if c in ordered.columns]
    dimensions = [d for d in DIMENSIONS if f"score_{d}" in ordered.columns]
    columns = base + [f"score_{d}" for d in dimensions] + [f"value_{d}" for d in dimensions]
    export = ordered[columns].reset_index(drop=True)
    export["tier"] = export["tier"].astype(str)
    if text is None:
        return export
    for column, prefix in (("relationship_level", "value.level."), ("bond", "value.bond."), ("action", "")):
        export[column] = export[column].map(lambda code, p=prefix: text(p + code))
    export["tier"] = export["tier"].map(lambda tier: text(f"value.tier.{tier}"))
    if "customer_type" in export.columns:
        export["customer_type"] = export["customer_type"].map(
            lambda code: text(f"ctype.{code}") if code in CUSTOMER_TYPES else code)
    headers = {column: text(f"value.col.{column}") for column in base}
    for dimension in dimensions:
        name = text(f"value.dim.{dimension}")
        headers[f"score_{dimension}"] = text("value.col.dim_score", dimension=name)
        headers[f"value_{dimension}"] = text("value.col.dim_value", dimension=name)
    return export.rename(columns=headers)
