"""Exports of the tiered customer list: formula cells neutralized, numbers kept, Chinese intact."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from analytics.dimensions import dimension_scores
from analytics.export import (
    neutralize_formulas,
    tiered_customer_list,
    to_csv_bytes,
    to_xlsx_bytes,
)
from analytics.presets import PRESETS
from analytics.strategy import strategy_cards
from analytics.value_model import score_customers, value_table
from ui.i18n import translate

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\x01=cmd|' /C calc'!A0", "\t =1+1"]
# What each becomes: control characters go (tabs and line breaks as spaces), then the quote.
NEUTRALIZED = ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'=cmd|' /C calc'!A0", "'  =1+1"]


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "name": DANGEROUS + ["北京客户", "plain"],
        "tier": pd.Categorical(["S", "A", "B", "C", "C", "C", "A", "B"]),
        "revenue": [-5.0, 1.5, 2.0, 3.0, np.nan, 4.0, 5.0, 6.0],
        "orders": np.arange(8),
    })


def test_neutralize_prefixes_formula_triggers_and_keeps_numbers():
    safe = neutralize_formulas(hostile_frame())
    assert safe["name"].tolist()[:6] == NEUTRALIZED
    assert safe["name"].tolist()[6:] == ["北京客户", "plain"]
    assert safe["revenue"].iloc[0] == -5.0 and safe["orders"].dtype.kind == "i"


def test_csv_has_a_bom_neutralized_text_and_plain_numbers():
    data = to_csv_bytes(hostile_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["name"].iloc[0] == "'=HYPERLINK(\"http://x\")"
    assert back["name"].iloc[1] == "'+1+1" and back["name"].iloc[3] == "'@SUM(A1)"
    assert back["name"].iloc[6] == "北京客户"
    assert back["revenue"].iloc[0] == -5.0
    assert back["name"].iloc[4] == "'=cmd|' /C calc'!A0" and back["name"].iloc[5] == "'  =1+1"
    for line in data.decode("utf-8-sig").splitlines()[1:]:
        assert not line.lstrip().startswith(("=", "+", "-", "@"))


def test_xlsx_cells_are_text_not_formulas_and_numbers_stay_numbers():
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(hostile_frame()))).active
    rows = list(sheet.iter_rows(values_only=False))
    assert [cell.value for cell in rows[0]] == ["name", "tier", "revenue", "orders"]
    names = [row[0] for row in rows[1:]]
    assert [cell.value for cell in names[:6]] == NEUTRALIZED
    assert all(cell.data_type == "s" for cell in names)
    assert names[6].value == "北京客户"
    assert rows[1][2].value == -5.0 and rows[1][2].data_type == "n"
    assert rows[5][2].value is None  # NaN becomes an empty cell
    assert rows[3][3].value == 2


def test_headers_are_neutralized_too():
    frame = pd.DataFrame({"=cmd": [1]})
    assert neutralize_formulas(frame).columns.tolist() == ["'=cmd"]
    assert load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active["A1"].value == "'=cmd"


@pytest.fixture(scope="module")
def exported_inputs():
    rng = np.random.default_rng(0)
    n = 60
    features = pd.DataFrame({
        "customer_id": [f"C{i:03d}" for i in range(n)],
        "name": ["=1+2"] + [f"客户{i}" for i in range(1, n)],
        "customer_type": "dealer",
        "revenue": rng.lognormal(8, 1, n),
        "orders": rng.integers(1, 10, n),
        "recency_days": rng.integers(0, 300, n),
        "satisfaction": rng.uniform(0, 10, n),
    })
    features["gross_profit"] = features["revenue"] * 0.2
    features["margin_pct"] = 20.0
    table = value_table(features, score_customers(dimension_scores(features), PRESETS["balanced"]))
    return table, strategy_cards(table)


def test_tiered_customer_list_has_one_row_per_customer_in_value_order(exported_inputs):
    table, cards = exported_inputs
    export = tiered_customer_list(table, cards)
    assert len(export) == len(table)
    assert export["value_rank"].tolist() == list(range(1, len(table) + 1))
    assert {"tier", "value", "score", "relationship_level", "bond", "action", "score_economic",
            "value_satisfaction"} <= set(export.columns)
    assert export["value"].is_monotonic_decreasing  # value rank is the rank of the money
    dimension_values = export[[c for c in export.columns if c.startswith("value_") and c != "value_rank"]]
    np.testing.assert_allclose(dimension_values.sum(axis=1), export["value"])
    by_tier = export.drop_duplicates("tier").set_index("tier")
    assert by_tier.loc["S", "relationship_level"] == "partner"
    assert by_tier.loc["C", "relationship_level"] == "basic"


def test_translated_export_round_trips_through_both_formats(exported_inputs):
    table, cards = exported_inputs
    export = tiered_customer_list(table, cards, lambda key, **values: translate(key, "zh", **values))
    assert {"客户名称", "经济效益（得分）", "经济效益（金额）", "客户价值（金额）"} <= set(export.columns)
    assert set(export["客户等级"]) <= {"S 战略客户", "A 伙伴型客户", "B 普通客户", "C 小客户"}
    assert set(export["客户类型"]) == {"代理商、经销商、终端"}
    back = pd.read_csv(io.BytesIO(to_csv_bytes(export)), encoding="utf-8-sig")
    assert "'=1+2" in back["客户名称"].tolist()
    assert back["客户价值（金额）"].dtype.kind == "f" and back["价值得分（0-100）"].dtype.kind == "f"
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(export))).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert len(values) == len(export) + 1
    assert "'=1+2" in [row[values[0].index("客户名称")] for row in values[1:]]
