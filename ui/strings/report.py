"""Translations of the executive report (HTML, PDF), the key-account review and their actions."""

STRINGS = {
    "nav.report": {"en": "Report", "zh": "报告"},
    "report.title": {"en": "Customer value report", "zh": "客户价值报告"},
    "report.page_intro": {
        "en": "One document for the board: the active dataset under the filters below and the weights, tiers and "
              "settings in use on the other pages. HTML opens offline in any browser (interactive charts); the PDF "
              "is the same document printed.",
        "zh": "一份给管理层的文件：当前数据集、下方的筛选条件，以及其他页面正在使用的权重、分级和设置。"
              "HTML 文件可离线在任何浏览器中打开（图表可交互）；PDF 是同一份文件的打印版。",
    },
    "report.make_html": {"en": "Make the report (HTML)", "zh": "生成报告（HTML）"},
    "report.make_pdf": {"en": "Make the report (PDF)", "zh": "生成报告（PDF）"},
    "report.download_html": {"en": "Download the report (HTML)", "zh": "下载报告（HTML）"},
    "report.download_pdf": {"en": "Download the report (PDF)", "zh": "下载报告（PDF）"},
    "report.making": {"en": "Making the report…", "zh": "正在生成报告……"},
    "report.ready": {"en": "Report ready: {size}, made in {seconds} s.", "zh": "报告已生成：{size}，用时 {seconds} 秒。"},
    "report.open_page": {"en": "All report options", "zh": "更多报告选项"},
    "report.error.chromium_missing": {
        "en": "PDF needs the Chromium browser, which is not installed on this server (run scripts/setup.sh, or "
              "apt-get install chromium fonts-noto-cjk). The HTML report works without it.",
        "zh": "生成 PDF 需要 Chromium 浏览器，但此服务器未安装（请运行 scripts/setup.sh，或执行 "
              "apt-get install chromium fonts-noto-cjk）。HTML 报告不受影响。",
    },
    "report.error.chromium_failed": {
        "en": "Chromium could not print the PDF ({detail}). The HTML report works; try again or print it from a browser.",
        "zh": "Chromium 未能生成 PDF（{detail}）。HTML 报告可用；请重试，或在浏览器中打印。",
    },
    "report.error.chromium_timeout": {
        "en": "Chromium took more than {seconds} s to print the PDF and was stopped. The HTML report works.",
        "zh": "Chromium 生成 PDF 超过 {seconds} 秒，已停止。HTML 报告可用。",
    },
    "report.error.no_customers": {
        "en": "No customers match the current filters, so there is nothing to report. Widen the date range or clear a filter.",
        "zh": "没有符合当前筛选条件的客户，无法生成报告。请扩大日期范围或清除筛选条件。",
    },
    "report.error.no_dataset": {"en": "No dataset named {name}.", "zh": "没有名为 {name} 的数据集。"},
    "report.error.no_preset": {"en": "No weight preset named {name}.", "zh": "没有名为 {name} 的权重方案。"},
    "report.written": {"en": "Wrote {file} ({size}) in {seconds} s.", "zh": "已写入 {file}（{size}），用时 {seconds} 秒。"},
    # cover
    "report.cover.dataset": {"en": "Dataset", "zh": "数据集"},
    "report.cover.period": {"en": "Period", "zh": "时间范围"},
    "report.cover.made": {"en": "Made", "zh": "生成时间"},
    "report.cover.language": {"en": "Language", "zh": "语言"},
    "report.cover.filters": {"en": "Filters", "zh": "筛选条件"},
    "report.cover.no_filters": {"en": "none (all customers)", "zh": "无（全部客户）"},
    "report.cover.weights": {"en": "Weights in use", "zh": "使用的权重"},
    "report.cover.preset": {"en": "Preset", "zh": "权重方案"},
    "report.cover.tiers": {"en": "Tiers", "zh": "分级"},
    "report.cover.tier_method.by_customer_share": {
        "en": "by share of customers: S top {S}, A next {A}, B next {B}, C the rest",
        "zh": "按客户数占比：S 前 {S}，A 其后 {A}，B 其后 {B}，C 为其余",
    },
    "report.cover.tier_method.by_value_share": {
        "en": "by cumulative value (ABC): S up to {S}, A the next {A}, B the next {B}, C the rest",
        "zh": "按累计价值（ABC 分析）：S 至 {S}，A 其后 {A}，B 其后 {B}，C 为其余",
    },
    "report.cover.lifetime": {"en": "Lifetime value", "zh": "客户终身价值"},
    "report.cover.lifetime_settings": {
        "en": "{months} months, {rate} discount a year, purchase model: {model}",
        "zh": "{months} 个月，年贴现率 {rate}，购买模型：{model}",
    },
    "report.contents": {"en": "Contents", "zh": "目录"},
    # sections
    "report.section.kpis": {"en": "Key figures", "zh": "核心指标"},
    "report.section.pyramid": {"en": "The customer pyramid", "zh": "客户金字塔"},
    "report.section.pareto": {"en": "The 80/20 rule", "zh": "二八原则"},
    "report.section.risk": {"en": "Dependence on the largest customers", "zh": "对大客户的依赖"},
    "report.section.whale": {"en": "The whale curve and loss-making customers", "zh": "鲸鱼曲线与亏损客户"},
    "report.section.tiers": {"en": "Strategy per tier", "zh": "分级客户策略"},
    "report.section.tier": {"en": "Tier {tier}", "zh": "{tier}"},
    "report.section.lifecycle": {"en": "Lifecycle stages", "zh": "客户生命周期"},
    "report.section.migration": {"en": "Tier migration", "zh": "客户等级迁移"},
    "report.section.watch": {"en": "Watch lists", "zh": "重点关注名单"},
    "report.section.lifetime": {"en": "The lifetime-value model", "zh": "客户终身价值模型"},
    "report.section.notes": {"en": "Notes and data caveats", "zh": "说明与数据注意事项"},
    # table headers and labels
    "report.col.tier": {"en": "Tier", "zh": "等级"},
    "report.col.customers": {"en": "Customers", "zh": "客户数"},
    "report.col.customer_share": {"en": "Share of customers", "zh": "客户占比"},
    "report.col.value_share": {"en": "Share of value", "zh": "价值占比"},
    "report.col.revenue_share": {"en": "Share of revenue", "zh": "销售额占比"},
    "report.col.gross_profit_share": {"en": "Share of gross profit", "zh": "毛利占比"},
    "report.col.value": {"en": "Value", "zh": "价值"},
    "report.col.stage": {"en": "Stage", "zh": "阶段"},
    "report.col.revenue_12m": {"en": "Revenue, last 12 months", "zh": "近 12 个月销售额"},
    "report.col.dimension": {"en": "Dimension", "zh": "维度"},
    "report.col.weight": {"en": "Weight share", "zh": "权重占比"},
    "report.col.file": {"en": "File", "zh": "文件"},
    "report.col.rows": {"en": "Rows imported", "zh": "导入行数"},
    "report.col.rejected": {"en": "Rows rejected", "zh": "拒收行数"},
    "report.col.skipped": {"en": "Rows skipped (already stored)", "zh": "跳过行数（已存在）"},
    "report.col.when": {"en": "When", "zh": "时间"},
    "report.tier_card": {
        "en": "{customers} customers ({customer_share}) bring {revenue_share} of revenue, {gross_profit_share} of gross "
              "profit and {value_share} of customer value; on average {avg_revenue} revenue and {avg_gross_profit} "
              "gross profit each.",
        "zh": "{customers} 个客户（{customer_share}）贡献 {revenue_share} 的销售额、{gross_profit_share} 的毛利和 "
              "{value_share} 的客户价值；平均每个客户销售额 {avg_revenue}，毛利 {avg_gross_profit}。",
    },
    "report.resource_share": {"en": "Suggested share of account resources: {share}.", "zh": "建议的客户资源投入占比：{share}。"},
    "report.top_customers": {"en": "Top customers by value", "zh": "价值最高的客户"},
    "report.largest": {"en": "The largest customers by revenue", "zh": "销售额最高的客户"},
    "report.loss_makers": {"en": "Loss-making customers ({shown} of {total} shown)", "zh": "亏损客户（显示 {shown} / 共 {total}）"},
    "report.measures": {"en": "Concentration measures", "zh": "集中度指标"},
    "report.watch_list": {"en": "{name} ({shown} of {total} shown)", "zh": "{name}（显示 {shown} / 共 {total}）"},
    "report.migration_summary": {
        "en": "From {before} to {after}: {upgrades} customers moved up a tier, {downgrades} moved down.",
        "zh": "从 {before} 到 {after}：{upgrades} 个客户等级上升，{downgrades} 个客户等级下降。",
    },
    "report.holdout": {
        "en": "Holdout check: fitted on the orders up to {date}, the model predicted {predicted} purchases afterwards; "
              "customers made {actual} (mean absolute error per customer {mae}).",
        "zh": "留出检验：用 {date} 之前的订单拟合，模型预测之后共有 {predicted} 次购买；实际为 {actual} 次"
              "（每个客户的平均绝对误差 {mae}）。",
    },
    "report.no_holdout": {"en": "No holdout check: {reason}", "zh": "未做留出检验：{reason}"},
    "report.note.filters": {
        "en": "Filters in use: {filters}. Key figures, pyramid, 80/20, dependence and the tier strategies cover the "
              "selected customers; lifecycle, migration, watch lists and the lifetime-value model cover the whole dataset.",
        "zh": "使用的筛选条件：{filters}。核心指标、金字塔、二八分析、依赖度和分级策略仅针对所选客户；"
              "生命周期、等级迁移、关注名单和客户终身价值模型针对整个数据集。",
    },
    "report.note.switched_off": {"en": "{dimension} is switched off: {reason}", "zh": "{dimension}已关闭：{reason}"},
    "report.note.source_missing": {
        "en": "{dimension}: the source {source} has no data ({reason}); the dimension uses its other sources.",
        "zh": "{dimension}：数据来源 {source} 没有数据（{reason}），该维度使用其他来源。",
    },
    "report.note.all_dimensions": {"en": "Every value dimension has data.", "zh": "所有价值维度都有数据。"},
    "report.note.rejected": {
        "en": "{rejected} rows were rejected on import and are not in these figures (see the upload history below).",
        "zh": "导入时共拒收 {rejected} 行，未计入本报告的数字（见下方上传记录）。",
    },
    "report.note.no_rejects": {"en": "No row was rejected on import.", "zh": "导入时没有拒收任何行。"},
    "report.note.uploads": {"en": "Upload history", "zh": "上传记录"},
    "report.note.rolled_back": {"en": "rolled back", "zh": "已撤销"},
    "report.footer": {
        "en": "Made by the customer value dashboard on {made}. Values in money are in the dataset's currency.",
        "zh": "由客户价值仪表板于 {made} 生成。金额单位为数据集所用货币。",
    },
    # key-account review
    "report.account.title": {"en": "Key-account review: {name}", "zh": "重点客户年度评估：{name}"},
    "report.account.make": {"en": "Key-account review (HTML)", "zh": "重点客户年度评估（HTML）"},
    "report.account.make_all": {
        "en": "Reviews of all S and A customers (zip)", "zh": "所有 S 级和 A 级客户的年度评估（zip）",
    },
    "report.account.download": {"en": "Download the review", "zh": "下载评估"},
    "report.account.download_all": {"en": "Download the reviews (zip)", "zh": "下载评估（zip）"},
    "report.account.history": {"en": "History by year", "zh": "逐年历史"},
    "report.account.year": {"en": "Year", "zh": "年份"},
    "report.account.orders": {"en": "Orders", "zh": "订单数"},
    "report.account.breakdown": {"en": "What makes up its value", "zh": "价值构成"},
    "report.account.standing": {"en": "Standing", "zh": "客户定位"},
    "report.account.tier_now": {"en": "Tier now", "zh": "当前等级"},
    "report.account.tier_before": {"en": "Tier on {date}", "zh": "{date} 的等级"},
    "report.account.not_yet": {"en": "not yet a customer", "zh": "尚未成为客户"},
    "report.account.stage": {"en": "Lifecycle stage", "zh": "生命周期阶段"},
    "report.account.lifetime": {"en": "Lifetime value", "zh": "客户终身价值"},
    "report.account.lifetime_value": {
        "en": "{clv} over the next {months} months ({profit} gross profit), {alive} likely still active.",
        "zh": "未来 {months} 个月 {clv}（毛利 {profit}），仍活跃的概率 {alive}。",
    },
    "report.account.no_lifetime": {"en": "No lifetime-value forecast: {reason}", "zh": "无终身价值预测：{reason}"},
    "report.account.relationship": {"en": "Relationship and recommended actions", "zh": "客户关系与建议措施"},
    "report.account.team": {"en": "Account team", "zh": "客户团队"},
    "report.account.per_head": {
        "en": "{team} people serve the account: {revenue} revenue and {profit} gross profit per head.",
        "zh": "客户团队 {team} 人：人均销售额 {revenue}，人均毛利 {profit}。",
    },
    "report.account.no_team": {
        "en": "No account team size is recorded, so revenue and profit per head cannot be shown.",
        "zh": "未记录客户团队人数，无法显示人均销售额和人均毛利。",
    },
    "report.account.return": {
        "en": "Return on account resources: {profit} gross profit on {cost} cost of service = {ratio}.",
        "zh": "客户资源投入回报：服务成本 {cost}，毛利 {profit}，回报率 {ratio}。",
    },
    "report.account.no_cost_of_service": {
        "en": "No cost of service is recorded for this customer (a customer-file column named cost_of_service), so "
              "the return on account resources cannot be shown.",
        "zh": "未记录该客户的服务成本（客户文件中名为 cost_of_service 的列），无法显示客户资源投入回报。",
    },
    "report.account.none": {"en": "There are no S or A customers.", "zh": "没有 S 级或 A 级客户。"},
    "report.account.index": {"en": "Key-account reviews", "zh": "重点客户年度评估"},
}
