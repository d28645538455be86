"""External sources (analytics/external.py): the sidebar's line about one, and why one is refused."""

STRINGS = {
    "source.caption": {
        "en": "External source: {table} on {backend}, last refreshed {refreshed}.",
        "zh": "外部数据源：{backend} 上的 {table}，最近刷新于 {refreshed}。",
    },
    "source.refresh": {"en": "Refresh from the source", "zh": "从数据源刷新"},
    "upload.error_external_source": {
        "en": "{file}: the chosen dataset is an external source, read where it lives; it takes no uploads.",
        "zh": "{file}：所选数据集是外部数据源，只在其所在处读取，不接受上传。",
    },
    "source.error.unknown_backend": {
        "en": "Unknown backend {backend}; use one of: {backends}.",
        "zh": "未知的后端 {backend}；请使用：{backends}。",
    },
    "source.error.unreachable": {
        "en": "Could not connect to the {backend} source ({reason}).",
        "zh": "无法连接到 {backend} 数据源（{reason}）。",
    },
    "source.error.no_table": {
        "en": "The source has no table {table} ({reason}).",
        "zh": "数据源中没有表 {table}（{reason}）。",
    },
    "source.error.unknown_field": {
        "en": "Unknown field(s) in the mapping: {fields}. Known fields: {known}.",
        "zh": "映射中有未知字段：{fields}。可用字段：{known}。",
    },
    "source.error.unmapped": {
        "en": "The mapping must name a column for: {fields}.",
        "zh": "映射必须为以下字段指定列：{fields}。",
    },
    "source.error.cost_and_profit": {
        "en": "Map cost or gross_profit, not both.",
        "zh": "请映射 cost 或 gross_profit，不能同时映射两者。",
    },
    "source.error.no_column": {
        "en": "{field} is mapped to {column}, which the table does not have. Its columns: {columns}.",
        "zh": "{field} 映射到 {column}，但表中没有该列。表的列：{columns}。",
    },
    "source.error.wrong_type": {
        "en": "{field} is mapped to {column} of type {type}; it needs {expected}.",
        "zh": "{field} 映射到类型为 {type} 的列 {column}；需要 {expected}。",
    },
    "source.error.no_name": {"en": "The source needs a name.", "zh": "数据源需要一个名称。"},
    "source.error.not_a_source": {
        "en": "That dataset is not an external source.",
        "zh": "该数据集不是外部数据源。",
    },
}
