"""Strings of the number formats (ui/format.py): the missing-value marker, amount steps, plurals."""

STRINGS = {
    "format.missing": {"en": "–", "zh": "–"},
    "format.list_separator": {"en": ", ", "zh": "、"},
    "format.label_colon": {"en": ": ", "zh": "："},
    # Compact amount steps, largest first: "power suffix|..." (thousands and millions; 万 and 亿).
    "format.scales": {"en": "1e9 B|1e6 M|1e3 K", "zh": "1e8 亿|1e4 万"},
    "format.customers.one": {"en": "{n} customer", "zh": "{n} 个客户"},
    "format.customers.other": {"en": "{n} customers", "zh": "{n} 个客户"},
    "format.days.one": {"en": "{n} day", "zh": "{n} 天"},
    "format.days.other": {"en": "{n} days", "zh": "{n} 天"},
    "format.rows.one": {"en": "{n} row", "zh": "{n} 行"},
    "format.rows.other": {"en": "{n} rows", "zh": "{n} 行"},
    "format.top_customers.one": {"en": "Top customer", "zh": "第 1 名客户"},
    "format.top_customers.other": {"en": "Top {n} customers", "zh": "前 {n} 名客户"},
}
