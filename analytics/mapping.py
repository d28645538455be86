"""Which uploaded column feeds which canonical field, suggested from English and Chinese headers
(and the headers of common ERP exports: SAP in English, German systems, 用友 and 金蝶).

The suggestion is only a starting point: the upload page shows it for the user to confirm or
change, and validation checks that the required fields are mapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analytics.store import CUSTOMER_COLUMNS


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "text", "date", "number"
    required: bool
    synonyms: tuple[str, ...]


TRANSACTION_FIELDS = (
    Field("customer_id", "text", True, (
        "customer_id", "customer id", "customer", "customer no", "customer number", "customer code",
        "client", "client id", "account", "account id", "客户", "客户编号", "客户代码", "客户id", "客户号",
        "客户编码", "顾客编号", "会员编号",
        # ERP exports: SAP (English), German systems, 用友/金蝶
        "sold-to party", "sold-to", "customer account", "kunde", "kundennummer", "kunden-nr", "kundennr",
        "debitor", "debitorennummer", "购货单位", "客户简称",
    )),
    Field("order_date", "date", True, (
        "order_date", "order date", "date", "invoice date", "transaction date", "sale date",
        "日期", "订单日期", "下单日期", "交易日期", "销售日期", "开票日期",
        "billing date", "posting date", "document date", "datum", "rechnungsdatum", "belegdatum", "auftragsdatum",
        "单据日期", "业务日期", "发货日期",
    )),
    Field("revenue", "number", True, (
        "revenue", "sales", "amount", "sales amount", "net sales", "value", "total", "order value",
        "金额", "销售额", "销售金额", "收入", "营业额", "订单金额", "含税金额", "实收金额",
        "net value", "net amount", "net revenue", "umsatz", "nettoumsatz", "betrag", "nettobetrag",
        "无税金额", "本币无税金额", "价税合计",
    )),
    Field("order_id", "text", False, (
        "order_id", "order id", "order", "order no", "order number", "invoice", "invoice no",
        "订单", "订单号", "订单编号", "单号", "发票号",
        "billing document", "sales document", "document number", "auftragsnummer", "rechnungsnummer",
        "belegnummer", "单据编号", "单据号",
    )),
    Field("cost", "number", False, (
        "cost", "cogs", "cost of goods", "cost of sales", "成本", "销售成本", "成本金额", "kosten", "wareneinsatz",
    )),
    Field("gross_profit", "number", False, (
        "gross_profit", "gross profit", "profit", "毛利", "毛利额", "利润", "rohertrag", "deckungsbeitrag",
    )),
    Field("quantity", "number", False, (
        "quantity", "qty", "units", "billed quantity", "数量", "销量", "件数", "销售数量", "menge",
    )),
    Field("unit_price", "number", False, (
        "unit_price", "unit price", "unitprice", "price", "price each", "单价", "售价", "销售单价",
        "无税单价", "einzelpreis", "preis",
    )),
    Field("product", "text", False, (
        "product", "product line", "item", "sku", "category", "产品", "产品线", "商品", "品类", "产品名称",
        "material", "material description", "存货名称", "存货编码", "artikel", "produkt", "warengruppe",
    )),
    Field("channel", "text", False, (
        "channel", "sales channel", "distribution channel", "渠道", "销售渠道", "vertriebskanal", "kanal",
    )),
    Field("region", "text", False, (
        "region", "area", "territory", "sales district", "区域", "地区", "大区", "省份", "gebiet", "vertriebsgebiet",
    )),
    Field("sales_rep", "text", False, (
        "sales_rep", "sales rep", "salesperson", "sales person", "rep", "owner", "account manager",
        "销售代表", "销售员", "业务员", "客户经理", "sales employee", "verkäufer", "vertriebsmitarbeiter",
        "außendienst",
    )),
)

CUSTOMER_FIELDS = (
    Field("name", "text", False, (
        "name", "customer name", "client name", "company", "company name", "客户名称", "客户名", "名称",
        "公司名称", "公司", "客户简称", "kundenname", "firma",
    )),
    Field("customer_type", "text", False, (
        "customer_type", "customer type", "type", "客户类型", "客户类别", "类型", "kundentyp", "kundengruppe",
    )),
    Field("industry", "text", False, ("industry", "sector", "行业", "所属行业", "branche")),
    Field("account_team_size", "number", False, (
        "account_team_size", "account team size", "team size", "account team", "服务人数", "团队人数",
        "服务团队人数", "客户团队人数",
    )),
    Field("referrals", "number", False, ("referrals", "referral count", "推荐", "推荐数", "转介绍", "推荐客户数")),
    Field("satisfaction", "number", False, ("satisfaction", "csat", "满意度", "客户满意度")),
    Field("brand_influence", "number", False, ("brand_influence", "brand influence", "brand", "品牌影响力", "品牌影响")),
    Field("channel_strength", "number", False, ("channel_strength", "channel strength", "渠道实力", "渠道能力", "渠道扩张")),
    Field("industry_expansion", "number", False, ("industry_expansion", "industry expansion", "行业扩张", "行业拓展")),
    Field("new_product_pilot", "number", False, ("new_product_pilot", "new product pilot", "新品推广", "新品试点")),
)

# A master file carries its own customer_id and region besides the attributes above.
MASTER_FIELDS = (TRANSACTION_FIELDS[0],) + CUSTOMER_FIELDS + (next(f for f in TRANSACTION_FIELDS if f.name == "region"),)
ALL_FIELDS = TRANSACTION_FIELDS + CUSTOMER_FIELDS
assert {f.name for f in CUSTOMER_FIELDS} | {"customer_id", "region"} == set(CUSTOMER_COLUMNS)

CUSTOMER_TYPE_SYNONYMS = {
    "consumer": ("consumer", "end user", "user", "消费者", "用户"),
    "purchaser": ("purchaser", "buyer", "retail customer", "顾客", "购买者"),
    "enterprise": ("enterprise", "business", "corporate", "企业客户", "企业", "公司客户"),
    "intermediary": ("intermediary", "reseller", "wholesaler", "中间客户", "批发商", "中间商"),
    "dealer": ("dealer", "agent", "distributor", "terminal", "retailer", "代理商", "经销商", "终端", "分销商"),
}


def normalize_header(header: str) -> str:
    """Lower case, full-width forms folded, separators and brackets dropped: 'Order_Date (元)' ~ 'orderdate'."""
    text = header.strip().lower().replace("（", "(").replace("）", ")")
    text = re.sub(r"\(.*?\)", "", text)
    return re.sub(r"[\s_\-./:：]+", "", text)


def suggest_mapping(headers: list[str], fields: tuple[Field, ...] = ALL_FIELDS) -> dict[str, str]:
    """Canonical field -> uploaded header, each header used at most once, exact synonyms first."""
    normalized = {normalize_header(h): h for h in reversed(headers)}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field in fields:
        for synonym in field.synonyms:
            header = normalized.get(normalize_header(synonym))
            if header is not None and header not in used:
                mapping[field.name] = header
                used.add(header)
                break
    return mapping


def revenue_is_derived(mapping: dict[str, str]) -> bool:
    """Revenue computed as quantity x unit price: no revenue column, both of those mapped."""
    return not mapping.get("revenue") and bool(mapping.get("quantity")) and bool(mapping.get("unit_price"))


def missing_required(mapping: dict[str, str], fields: tuple[Field, ...] = TRANSACTION_FIELDS) -> list[str]:
    missing = [f.name for f in fields if f.required and not mapping.get(f.name)]
    return [name for name in missing if not (name == "revenue" and revenue_is_derived(mapping))]


def price_mapped_as_revenue(mapping: dict[str, str], headers: list[str]) -> bool:
    """A unit price column used as revenue while the file has a quantity: revenue would be one unit's price."""
    revenue = mapping.get("revenue")
    if not revenue:
        return False
    price = next(f for f in TRANSACTION_FIELDS if f.name == "unit_price")
    quantity = next(f for f in TRANSACTION_FIELDS if f.name == "quantity")
    looks_like_price = normalize_header(revenue) in {normalize_header(s) for s in price.synonyms}
    has_quantity = bool(mapping.get("quantity")) or bool(suggest_mapping(headers, (quantity,)))
    return looks_like_price and has_quantity


def customer_type_code(value: str | None) -> str | None:
    """The customer type code for a free-text label in English or Chinese, or None if unknown."""
    if value is None:
        return None
    key = normalize_header(str(value))
    for code, synonyms in CUSTOMER_TYPE_SYNONYMS.items():
        if key in {normalize_header(s) for s in synonyms}:
            return code
    return None
