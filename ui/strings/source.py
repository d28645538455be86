"""External sources (analytics/external.py): the sidebar's line about one, the notices while one is
read, and why one is refused."""

STRINGS = {
    "source.caption": {
        "en": "External source: {table} on {backend}, last refreshed {refreshed}.",
        "zh": "外部数据源：{backend} 上的 {table}，最近刷新于 {refreshed}。",
    },
    "source.refresh": {"en": "Refresh from the source", "zh": "从数据源刷新"},
    "source.starting": {
        "en": "Starting {backend} and reading {table}: the first load can take minutes.",
        "zh": "正在启动 {backend} 并读取 {table}：首次加载可能需要几分钟。",
    },
    "source.reading": {
        "en": "Reading {table} on {backend}: the first load after a start or a refresh can take a while.",
        "zh": "正在读取 {backend} 上的 {table}：启动或刷新后的首次加载可能需要一些时间。",
    },
    "source.changed": {
        "en": "The source has changed since the last refresh ({then} order lines up to {until} then, {now} up to"
              " {latest} now). The pages leave out orders dated after {until}; changes to earlier orders may"
              " already show. Refresh to bring every figure up to date.",
        "zh": "自上次刷新以来数据源已变化（当时 {then} 行，截至 {until}；现在 {now} 行，截至 {latest}）。"
              "各页面不含 {until} 之后的订单；对更早订单的修改可能已经显示。请刷新以更新所有数字。",
    },
    "upload.source_read_only": {
        "en": "{name} is an external source and read-only: its data lives in {table} on {backend}. A file"
              " uploaded here becomes a new dataset; nothing can be appended to, replaced in or merged into {name}.",
        "zh": "{name} 是外部数据源，只读：其数据位于 {backend} 上的 {table}。在此上传的文件会成为新的数据集；"
              "不能向 {name} 追加、替换或合并数据。",
    },
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
    "source.error.no_driver": {
        "en": "The {backend} backend needs the Python package {package}: install it next to the app "
              "(.venv/bin/python -m pip install {package}) and try again.",
        "zh": "{backend} 后端需要 Python 包 {package}：请在应用环境中安装（.venv/bin/python -m pip install "
              "{package}）后重试。",
    },
    "source.error.no_file": {
        "en": "There is no file at {path}.",
        "zh": "路径 {path} 下没有文件。",
    },
    "source.error.unreadable_file": {
        "en": "Could not read {path} as Parquet or CSV ({reason}).",
        "zh": "无法将 {path} 读取为 Parquet 或 CSV（{reason}）。",
    },
    "source.error.busy": {
        "en": "{path} is open for writing in another program; try again when it has finished.",
        "zh": "{path} 正被另一个程序以写入方式打开；请在其完成后重试。",
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
