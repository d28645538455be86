"""Column mapping suggestions and row validation: counts, reasons, parsing."""

import pandas as pd
import pytest

from analytics.mapping import (
    MASTER_FIELDS,
    TRANSACTION_FIELDS,
    customer_type_code,
    suggest_mapping,
)
from analytics.readers import RawTable, read_upload
from analytics.validation import (
    MappingError,
    parse_dates,
    parse_numbers,
    validate_customers,
    validate_transactions,
)


def test_suggests_mapping_from_chinese_headers():
    headers = ["客户编号", "客户名称", "订单日期", "销售额", "成本", "数量", "产品", "渠道", "区域", "销售代表", "备注"]
    assert suggest_mapping(headers) == {
        "customer_id": "客户编号", "order_date": "订单日期", "revenue": "销售额", "cost": "成本",
        "quantity": "数量", "product": "产品", "channel": "渠道", "region": "区域",
        "sales_rep": "销售代表", "name": "客户名称",
    }


def test_suggests_mapping_from_english_headers_in_any_case():
    headers = ["Customer ID", "Order Date", "Sales Amount", "Gross Profit", "Customer Type", "Team size", "Notes"]
    mapping = suggest_mapping(headers)
    assert mapping["customer_id"] == "Customer ID"
    assert mapping["order_date"] == "Order Date"
    assert mapping["revenue"] == "Sales Amount"
    assert mapping["gross_profit"] == "Gross Profit"
    assert mapping["customer_type"] == "Customer Type"
    assert mapping["account_team_size"] == "Team size"
    assert "Notes" not in mapping.values()


def test_master_mapping_uses_customer_fields():
    mapping = suggest_mapping(["客户", "客户类型", "满意度", "品牌影响力"], MASTER_FIELDS)
    assert mapping == {"customer_id": "客户", "customer_type": "客户类型", "satisfaction": "满意度", "brand_influence": "品牌影响力"}


@pytest.mark.parametrize("label, code", [("经销商", "dealer"), ("Enterprise", "enterprise"), ("顾客", "purchaser"), ("martian", None)])
def test_customer_type_labels(label, code):
    assert customer_type_code(label) == code


def test_parse_dates_accepts_common_formats_and_flags_the_rest():
    values = pd.Series(["2024-01-05", "2024/1/5", "2024.01.05", "2024年1月5日", "01/05/2024", "2024-01-05T00:00:00", "soon", None, "1066-01-01"])
    parsed = parse_dates(values)
    assert (parsed[:6] == pd.Timestamp("2024-01-05")).all()
    assert parsed[6:].isna().all()


def test_parse_numbers_handles_separators_currency_and_parentheses():
    values = pd.Series(["1,234.5", "¥2,000", "(300)", "-5", "12 元", "abc", None, "inf"])
    parsed = parse_numbers(values)
    assert parsed[:5].tolist() == [1234.5, 2000.0, -300.0, -5.0, 12.0]
    assert parsed[5:].isna().all()


def raw_table(text: str) -> RawTable:
    return read_upload("orders.csv", text.encode("utf-8"))


def test_validation_counts_and_reasons_name_row_and_column():
    raw = raw_table(
        "客户编号,订单日期,销售额,满意度\n"
        "A,2024-01-01,100,8\n"       # line 2: fine
        ",2024-01-02,50,7\n"         # line 3: missing customer id
        "B,someday,60,7\n"           # line 4: bad date
        "C,2024-01-03,lots,7\n"      # line 5: bad amount
        "D,2024-01-04,-20,11\n"      # line 6: satisfaction outside 0-10
        "E,2024-01-05,-20,\n"        # line 7: a return, kept
    )
    mapping = suggest_mapping(list(raw.frame.columns))
    result = validate_transactions(raw, mapping)
    assert (result.rows_total, result.rows_accepted, result.rows_rejected) == (6, 2, 4)
    problems = result.rejects[["row", "column", "reason"]].values.tolist()
    assert problems == [
        [3, "客户编号", "missing_value"], [4, "订单日期", "bad_date"], [5, "销售额", "bad_number"],
        [6, "满意度", "out_of_range_0_10"],
    ]
    assert result.transactions["customer_id"].tolist() == ["A", "E"]
    assert result.transactions["revenue"].tolist() == [100.0, -20.0]
    assert result.reasons().to_dict() == {"missing_value": 1, "bad_date": 1, "bad_number": 1, "out_of_range_0_10": 1}


def test_gross_profit_comes_from_cost_and_extra_columns_are_kept():
    raw = raw_table("customer,date,amount,cost,note,客户类型\nA,2024-01-01,100,70,VIP,经销商\nA,2024-02-01,50,45,,\n")
    result = validate_transactions(raw, suggest_mapping(list(raw.frame.columns)))
    assert result.transactions["gross_profit"].tolist() == [30.0, 5.0]
    assert result.transactions["extra"].tolist() == ['{"note":"VIP"}', '{"note":null}']
    assert result.customers[["customer_id", "customer_type"]].values.tolist() == [["A", "dealer"]]


def test_missing_required_mapping_is_an_error():
    raw = raw_table("customer,amount\nA,1\n")
    with pytest.raises(MappingError) as caught:
        validate_transactions(raw, {"customer_id": "customer", "revenue": "amount"})
    assert caught.value.missing == ["order_date"]
    assert caught.value.filename == "orders.csv"


def test_customer_master_validation_and_duplicates():
    raw = raw_table("客户编号,客户类型,满意度,服务人数\nA,企业客户,9,3\nB,代理商,-1,2\nA,企业客户,7,4\nC,外星人,5,1\n")
    mapping = suggest_mapping(list(raw.frame.columns), MASTER_FIELDS)
    result = validate_customers(raw, mapping)
    assert result.rows_rejected == 1
    assert result.customers["customer_id"].tolist() == ["A", "C"]
    assert result.customers["satisfaction"].tolist() == [7.0, 5.0]
    assert result.customers["account_team_size"].tolist() == [4.0, 1.0]
    assert result.customers["customer_type"].tolist() == ["enterprise", None]
    assert result.warnings == {"unknown_customer_type": 1, "duplicate_customer_rows": 1}


def test_transaction_fields_require_exactly_id_date_revenue():
    assert [f.name for f in TRANSACTION_FIELDS if f.required] == ["customer_id", "order_date", "revenue"]
