"""Column mapping, locale detection and row validation in DuckDB: counts, reasons, parsing."""

import duckdb
import pytest

from analytics.locales import detect_date_order, detect_decimal
from analytics.mapping import (
    MASTER_FIELDS,
    TRANSACTION_FIELDS,
    customer_type_code,
    missing_required,
    price_mapped_as_revenue,
    suggest_mapping,
)
from analytics.readers import open_upload
from analytics.row_plan import date_sql, number_sql
from analytics.table_uploads import validate_customers, validate_transactions
from analytics.validation import (
    ChoiceNeeded,
    Choices,
    MappingError,
    check,
    default_choices,
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
    assert mapping["revenue"] == "Sales Amount"
    assert mapping["account_team_size"] == "Team size"
    assert "Notes" not in mapping.values()


def test_online_retail_headers_map_to_quantity_times_price():
    headers = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
    mapping = suggest_mapping(headers)
    assert (mapping["quantity"], mapping["unit_price"], mapping["order_id"]) == ("Quantity", "UnitPrice", "InvoiceNo")
    assert "revenue" not in mapping and missing_required(mapping) == []
    assert price_mapped_as_revenue(mapping | {"revenue": "UnitPrice"}, headers)
    assert not price_mapped_as_revenue({"revenue": "Amount"}, ["Amount", "Quantity"])


def test_master_mapping_uses_customer_fields():
    mapping = suggest_mapping(["客户", "客户类型", "满意度", "品牌影响力"], MASTER_FIELDS)
    assert mapping == {"customer_id": "客户", "customer_type": "客户类型", "satisfaction": "满意度", "brand_influence": "品牌影响力"}


@pytest.mark.parametrize("label, code", [("经销商", "dealer"), ("Enterprise", "enterprise"), ("顾客", "purchaser"), ("martian", None)])
def test_customer_type_labels(label, code):
    assert customer_type_code(label) == code


@pytest.mark.parametrize("values, expected", [
    (["83,71", "1.234,56", "12"], "comma"), (["1,234.56", "5"], "point"), (["1,234"], "ambiguous"),
    (["1.234", "5.000"], "ambiguous"), (["83,71", "1,234.5"], "mixed"), (["12", "-3"], None), (["0,500"], "comma"),
    (["1,234,567"], "point"), (["1.234.567"], "comma"),
])
def test_decimal_detection(values, expected):
    assert detect_decimal(values) == expected


@pytest.mark.parametrize("values, expected", [
    (["05/01/2024", "13/01/2024"], "dmy"), (["01/13/2024", "02/01/2024"], "mdy"), (["05/01/2024", "06/02/2024"], "ambiguous"),
    (["2024-01-05", "2024/1/5"], "ymd"), (["13/01/2024", "01/13/2024"], "mixed"), (["2024年1月5日"], "ymd"),
    (["31.12.24"], "dmy"), (["soon"], None),
])
def test_date_order_detection(values, expected):
    assert detect_date_order(values) == expected


def sql_values(expression: str, values: list) -> list:
    with duckdb.connect() as connection:
        return [row[0] for row in connection.execute(
            f"SELECT {expression} FROM (SELECT unnest(?::VARCHAR[]) AS v, generate_subscripts(?::VARCHAR[], 1) AS i) ORDER BY i",
            [values, values],
        ).fetchall()]


def test_number_parsing_follows_the_chosen_decimal_and_never_misreads_grouping():
    values = ["1,234.5", "¥2,000", "(300)", "-5", "12 元", "83,71", "1_000", "inf", "abc", "1e3"]
    assert sql_values(number_sql("v", "point"), values) == [1234.5, 2000.0, -300.0, -5.0, 12.0, None, None, None, None, 1000.0]
    values = ["83,71", "1.234,50", "1 234,5", "12", "1,234.5", "€ 3,10"]
    assert sql_values(number_sql("v", "comma"), values) == [83.71, 1234.5, 1234.5, 12.0, None, 3.1]


def test_date_parsing_follows_the_chosen_order():
    values = ["2024-01-05", "2024/1/5", "2024.01.05", "2024年1月5日", "2024-01-05T23:30:00+08:00", "20240105", "5 Jan 2024", "1066-01-01", "soon"]
    assert [str(d) if d else None for d in sql_values(date_sql("v", "ymd"), values)] == ["2024-01-05"] * 7 + ["1066-01-01", None]
    assert [str(d) if d else None for d in sql_values(date_sql("v", "dmy"), ["05/01/2024", "13.01.24", "01/13/2024"])] == ["2024-01-05", "2024-01-13", None]
    assert [str(d) if d else None for d in sql_values(date_sql("v", "mdy"), ["05/01/2024", "01/13/2024 10:00", "13/01/2024"])] == ["2024-05-01", "2024-01-13", None]


def raw_table(text: str):
    return open_upload("orders.csv", text.encode("utf-8"))


def test_report_counts_reasons_and_names_line_and_column():
    raw = raw_table(
        "客户编号,订单日期,销售额,满意度\n"
        "A,2024-01-01,100,8\n"       # line 2: fine
        ",2024-01-02,50,7\n"         # line 3: missing customer id
        "B,someday,60,7\n"           # line 4: bad date
        "C,2024-01-03,lots,7\n"      # line 5: bad amount
        "D,2024-01-04,-20,11\n"      # line 6: satisfaction outside 0-10
        "E,2024-01-05,-20,\n"        # line 7: a return, kept
        "F,2024-01-06,1e308,\n"      # line 8: beyond any sane amount
        "G\x00H,2024-01-06,1,\n"     # line 9: a NUL inside the id
        "H,1066-01-01,1,\n"          # line 10: a date outside 1900-2100
    )
    report = check(raw, default_choices(raw, suggest_mapping(raw.headers)))
    assert (report.rows_total, report.rows_accepted, report.rows_rejected) == (9, 2, 7)
    assert report.rejects[["row", "column", "reason"]].values.tolist() == [
        [3, "客户编号", "missing_value"], [4, "订单日期", "bad_date_ymd"], [5, "销售额", "bad_number_point"],
        [6, "满意度", "out_of_range_0_10"], [8, "销售额", "too_large"], [9, "客户编号", "control_character"],
        [10, "订单日期", "bad_date_ymd"],
    ]
    assert (report.revenue, report.returns) == (80.0, 1)


def test_validated_frames_and_extra_columns():
    raw = raw_table("customer,date,amount,cost,note,客户类型\nA,2024-01-01,100,70,VIP,经销商\nA,2024-02-01,50,45,,\n")
    result = validate_transactions(raw, suggest_mapping(raw.headers))
    assert result.transactions["gross_profit"].tolist() == [30.0, 5.0]
    assert result.transactions["extra"].tolist() == ['{"note":"VIP"}', '{"note":null}']
    assert result.customers[["customer_id", "customer_type"]].values.tolist() == [["A", "dealer"]]


def test_missing_required_mapping_is_an_error():
    raw = raw_table("customer,amount\nA,1\n")
    with pytest.raises(MappingError) as caught:
        validate_transactions(raw, {"customer_id": "customer", "revenue": "amount"})
    assert (caught.value.missing, caught.value.filename) == (["order_date"], "orders.csv")


def test_an_ambiguous_column_blocks_until_chosen():
    raw = raw_table("customer,date,amount\nA,05/01/2024,1\nB,06/02/2024,2\n")
    mapping = suggest_mapping(raw.headers)
    with pytest.raises(ChoiceNeeded) as caught:
        check(raw, default_choices(raw, mapping))
    assert caught.value.fields == ["order_date"]
    report = check(raw, Choices(mapping, date_orders={"order_date": "mdy"}))
    assert (report.date_min.isoformat(), report.date_max.isoformat()) == ("2024-05-01", "2024-06-02")


def test_customer_master_validation_and_duplicates():
    raw = raw_table("客户编号,客户类型,满意度,服务人数\nA,企业客户,9,3\nB,代理商,-1,2\nA,企业客户,7,4\nC,外星人,5,1\n")
    result = validate_customers(raw, suggest_mapping(raw.headers, MASTER_FIELDS))
    assert result.rows_rejected == 1
    assert result.customers["customer_id"].tolist() == ["A", "C"]
    assert result.customers["satisfaction"].tolist() == [7.0, 5.0]
    assert result.customers["account_team_size"].tolist() == [4.0, 1.0]
    assert result.customers["customer_type"].tolist() == ["enterprise", None]
    assert result.warnings == {"unknown_customer_type": 1, "duplicate_customer_rows": 1}


def test_transaction_fields_require_exactly_id_date_revenue():
    assert [f.name for f in TRANSACTION_FIELDS if f.required] == ["customer_id", "order_date", "revenue"]


# Header rows of real ERP exports: SAP (English), a German system, 用友 U8 (both net and gross of tax).
ERP_HEADERS = {
    "sap": (["Billing Document", "Billing Date", "Sold-to party", "Material", "Billed Quantity", "Net Value", "Cost",
             "Distribution Channel", "Sales District", "Sales Employee"],
            {"customer_id": "Sold-to party", "order_date": "Billing Date", "revenue": "Net Value",
             "order_id": "Billing Document", "cost": "Cost", "quantity": "Billed Quantity", "product": "Material",
             "channel": "Distribution Channel", "region": "Sales District", "sales_rep": "Sales Employee"}),
    "german": (["Belegnummer", "Rechnungsdatum", "Kundennummer", "Kundenname", "Artikel", "Menge", "Einzelpreis",
                "Nettobetrag", "Wareneinsatz", "Vertriebskanal", "Gebiet", "Verkäufer"],
               {"customer_id": "Kundennummer", "order_date": "Rechnungsdatum", "revenue": "Nettobetrag",
                "order_id": "Belegnummer", "cost": "Wareneinsatz", "quantity": "Menge", "unit_price": "Einzelpreis",
                "product": "Artikel", "channel": "Vertriebskanal", "region": "Gebiet", "sales_rep": "Verkäufer",
                "name": "Kundenname"}),
    "yonyou": (["单据日期", "单据编号", "客户编码", "客户简称", "存货编码", "存货名称", "数量", "无税单价", "无税金额",
                "价税合计", "业务员"],
               {"customer_id": "客户编码", "order_date": "单据日期", "revenue": "无税金额", "order_id": "单据编号",
                "quantity": "数量", "unit_price": "无税单价", "product": "存货名称", "sales_rep": "业务员",
                "name": "客户简称"}),
}


@pytest.mark.parametrize("system", sorted(ERP_HEADERS))
def test_erp_export_headers_are_recognized_and_revenue_is_net_of_tax(system):
    headers, expected = ERP_HEADERS[system]
    assert suggest_mapping(headers) == expected


def test_a_german_erp_export_reads_with_its_decimal_commas_and_day_first_dates():
    text = ("Belegnummer;Rechnungsdatum;Kundennummer;Kundenname;Menge;Nettobetrag;Wareneinsatz;Verkäufer\n"
            "90001;03.02.2025;K-100;Müller GmbH;2;1.234,50;800,25;Jürgen\n"
            "90002;25.02.2025;K-101;Schäfer AG;1;99,90;;Jürgen\n"
            "90003;13.03.2025;K-100;Müller GmbH;5;2.000,00;1.500,00;Anna\n")
    source = open_upload("Faktura_2025.csv", text.encode("cp1252"))
    choices = default_choices(source, suggest_mapping(source.headers))
    assert choices.decimals == {"revenue": "comma", "cost": "comma"}  # whole quantities need no choice
    assert choices.date_orders == {"order_date": "dmy"}
    report = check(source, choices, "transactions")
    assert report.rows_rejected == 0 and report.revenue == pytest.approx(3334.40)
    assert report.cost == pytest.approx(2300.25) and str(report.date_min) == "2025-02-03"
