"""Check every uploaded row against the canonical schema before anything is written.

The result says, for each rejected row, which row and column failed and why, so a team can fix
its export; accepted rows come out typed and ready to store. Parsing works on unique values
where it can (dates repeat a lot), which keeps a million-row file fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.mapping import (
    CUSTOMER_FIELDS,
    MASTER_FIELDS,
    TRANSACTION_FIELDS,
    Field,
    customer_type_code,
    missing_required,
)
from analytics.readers import TEXT, RawTable
from analytics.store import CUSTOMER_COLUMNS, TRANSACTION_COLUMNS

RATING_FIELDS = ("satisfaction", "brand_influence", "channel_strength", "industry_expansion", "new_product_pilot")
NON_NEGATIVE_FIELDS = ("account_team_size", "referrals")
REJECT_COLUMNS = ["row", "column", "field", "reason", "value"]
_NUMBER_NOISE = r"[,\s¥￥$€£元]"


class MappingError(ValueError):
    """The mapping leaves a required field without a column."""

    def __init__(self, filename: str, missing: list[str]):
        self.filename = filename
        self.missing = missing
        super().__init__(f"{filename}: no column mapped for {', '.join(missing)}")


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


def _as_text(values: pd.Series) -> pd.Series:
    """Trimmed Arrow strings; blank cells become missing."""
    text = values.astype(TEXT).str.strip()
    return text.mask((text == "").fillna(False).to_numpy(dtype=bool))


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates from ISO, slashed, dotted, Chinese (2024年1月5日) or US-style text; NaT when unparseable.

    Each distinct text is parsed once: a million rows rarely hold more than a few thousand dates.
    """
    codes, uniques = pd.factorize(_as_text(values))
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    normalized = distinct.str.replace(r"[年月/.]", "-", regex=True).str.replace("日", "", regex=False)
    parsed = pd.to_datetime(normalized, format="ISO8601", errors="coerce")
    retry = parsed.isna()
    if retry.any():
        parsed[retry] = pd.to_datetime(distinct[retry], format="mixed", errors="coerce")
    parsed = parsed.where((parsed.dt.year >= 1900) & (parsed.dt.year <= 2100)).dt.normalize()
    result = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    present = codes >= 0
    result[present] = parsed.to_numpy(dtype="datetime64[ns]")[codes[present]]
    return pd.Series(result, index=values.index)


def parse_numbers(values: pd.Series) -> pd.Series:
    """Numbers, also with thousands separators, currency signs or accounting parentheses."""
    text = _as_text(values)
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
    suspicious = np.isnan(numbers) & text.notna().to_numpy()
    if suspicious.any():
        cleaned = (
            text[suspicious].astype(object).str.replace(_NUMBER_NOISE, "", regex=True)
            .str.replace(r"^\((.*)\)$", r"-\1", regex=True)
        )
        numbers[suspicious] = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    numbers[~np.isfinite(numbers)] = np.nan
    return pd.Series(numbers, index=values.index)


class _Checker:
    """Collects problems while fields are typed one at a time."""

    def __init__(self, raw: RawTable, mapping: dict[str, str]):
        self.raw = raw
        self.mapping = mapping
        self.problems: list[pd.DataFrame] = []

    def flag(self, mask: np.ndarray, field: Field, reason: str) -> None:
        if not mask.any():
            return
        column = self.mapping[field.name]
        values = self.raw.frame.loc[mask, column].astype(object)
        self.problems.append(pd.DataFrame({
            "row": self.raw.first_data_line + values.index.to_numpy(),
            "column": column,
            "field": field.name,
            "reason": reason,
            "value": values.where(values.notna(), "").astype(str).str.slice(0, 80).to_numpy(),
        }))

    def typed(self, field: Field) -> pd.Series:
        text = _as_text(self.raw.frame[self.mapping[field.name]])
        missing = text.isna().to_numpy()
        if field.required:
            self.flag(missing, field, "missing_value")
        if field.kind == "text":
            return text
        values = parse_dates(text) if field.kind == "date" else parse_numbers(text)
        self.flag(values.isna().to_numpy() & ~missing, field, "bad_date" if field.kind == "date" else "bad_number")
        return values

    def rejects(self) -> pd.DataFrame:
        if not self.problems:
            return pd.DataFrame(columns=REJECT_COLUMNS)
        return pd.concat(self.problems, ignore_index=True).sort_values(["row", "field"], kind="stable", ignore_index=True)


def _typed_fields(checker: _Checker, fields: tuple[Field, ...]) -> pd.DataFrame:
    columns = {f.name: checker.typed(f) for f in fields if checker.mapping.get(f.name)}
    typed = pd.DataFrame(columns, index=checker.raw.frame.index)
    for name in RATING_FIELDS:
        if name in typed:
            field = next(f for f in fields if f.name == name)
            checker.flag(((typed[name] < 0) | (typed[name] > 10)).to_numpy(), field, "out_of_range_0_10")
    for name in NON_NEGATIVE_FIELDS:
        if name in typed:
            field = next(f for f in fields if f.name == name)
            checker.flag((typed[name] < 0).to_numpy(), field, "negative")
    return typed


def _extra_json(raw: RawTable, mapping: dict[str, str], rows: pd.Index) -> pd.Series | None:
    """Unmapped columns, kept per row as JSON rather than dropped."""
    extra = [c for c in raw.frame.columns if c not in set(mapping.values())]
    if not extra or not len(rows):
        return None
    lines = raw.frame.loc[rows, extra].to_json(orient="records", lines=True, force_ascii=False)
    return pd.Series(lines.splitlines(), index=rows)


def _customer_types(typed: pd.DataFrame, warnings: dict[str, int]) -> None:
    if "customer_type" not in typed:
        return
    labels = typed["customer_type"]
    codes = labels.map({v: customer_type_code(v) for v in labels.dropna().unique()})
    unknown = int((labels.notna() & codes.isna()).sum())
    if unknown:
        warnings["unknown_customer_type"] = unknown
    typed["customer_type"] = codes.astype(object).where(codes.notna(), None)


def _with_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    return frame.reindex(columns=list(columns)).astype({c: object for c in columns if c not in frame})


def _accepted_rows(
    raw: RawTable, mapping: dict[str, str], fields: tuple[Field, ...]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Typed rows without a problem, one line per problem, and counts of things worth a warning."""
    missing = missing_required(mapping, fields)
    if missing:
        raise MappingError(raw.filename, missing)
    checker = _Checker(raw, mapping)
    typed = _typed_fields(checker, fields)
    rejects = checker.rejects()
    accepted = typed.loc[~raw.frame.index.isin(rejects["row"].to_numpy() - raw.first_data_line)].copy()
    warnings: dict[str, int] = {}
    _customer_types(accepted, warnings)
    return accepted, rejects, warnings


def validate_transactions(raw: RawTable, mapping: dict[str, str]) -> ValidatedUpload:
    """Typed transactions and the customer attributes found in the same sheet."""
    accepted, rejects, warnings = _accepted_rows(raw, mapping, TRANSACTION_FIELDS + CUSTOMER_FIELDS)
    if "gross_profit" not in accepted and "cost" in accepted:
        accepted["gross_profit"] = accepted["revenue"] - accepted["cost"]
    transactions = _with_columns(accepted, TRANSACTION_COLUMNS + ("extra",))
    transactions["extra"] = _extra_json(raw, mapping, accepted.index)

    attribute_names = [f.name for f in CUSTOMER_FIELDS if f.name in accepted]
    attributes = accepted[["customer_id", *attribute_names]] if attribute_names else pd.DataFrame(columns=["customer_id"])
    customers = _with_columns(attributes.groupby("customer_id", sort=True).last().reset_index(), CUSTOMER_COLUMNS + ("extra",))
    return ValidatedUpload(raw.filename, len(raw.frame), transactions.reset_index(drop=True), customers, rejects, warnings)


def validate_customers(raw: RawTable, mapping: dict[str, str]) -> ValidatedUpload:
    """Typed rows of a customer master file; a later row for the same customer wins."""
    accepted, rejects, warnings = _accepted_rows(raw, mapping, MASTER_FIELDS)
    duplicates = int(accepted["customer_id"].duplicated().sum())
    if duplicates:
        warnings["duplicate_customer_rows"] = duplicates
    accepted["extra"] = _extra_json(raw, mapping, accepted.index)
    customers = accepted.groupby("customer_id", sort=True).last().reset_index()
    customers = _with_columns(customers, CUSTOMER_COLUMNS + ("extra",))
    empty_transactions = _with_columns(pd.DataFrame(), TRANSACTION_COLUMNS + ("extra",))
    return ValidatedUpload(raw.filename, len(raw.frame), empty_transactions, customers, rejects, warnings)
