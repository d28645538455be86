"""Translations of the 80/20 view: concentration of customer value (二八原则)."""

STRINGS = {
    # metrics
    "conc.metric.revenue": {"en": "Revenue", "zh": "销售额"},
    "conc.metric.gross_profit": {"en": "Gross profit", "zh": "毛利"},
    "conc.metric.value": {"en": "Customer value", "zh": "客户价值"},
    "conc.metric_phrase.revenue": {"en": "revenue", "zh": "销售额"},
    "conc.metric_phrase.gross_profit": {"en": "gross profit", "zh": "毛利"},
    "conc.metric_phrase.value": {"en": "customer value", "zh": "客户价值"},
    # the Pareto curve
    "conc.pareto.title": {
        "en": "The 80/20 rule: who brings the value",
        "zh": "二八原则：价值来自哪些客户",
    },
    "conc.pareto.x_axis": {
        "en": "Share of customers, largest first",
        "zh": "客户占比（按贡献从高到低排序）",
    },
    "conc.pareto.y_axis": {"en": "Cumulative share of the total", "zh": "累计贡献占比"},
    "conc.pareto.equality": {"en": "Equal shares", "zh": "完全平均线"},
    "conc.pareto.mark": {"en": "Top {customers} bring {share}", "zh": "前 {customers} 的客户贡献 {share}"},
    "conc.readout.top": {
        "en": "The top {customers} of customers bring {share} of {metric}.",
        "zh": "排名前 {customers} 的客户贡献了 {share} 的{metric}。",
    },
    "conc.readout.inverse": {
        "en": "{share} of {metric} comes from the top {customers} of customers.",
        "zh": "{share} 的{metric}来自排名前 {customers} 的客户。",
    },
    # hover labels
    "conc.hover.customer": {"en": "Customer", "zh": "客户"},
    "conc.hover.rank": {"en": "Rank", "zh": "排名"},
    "conc.hover.customers": {"en": "Share of customers", "zh": "客户占比"},
    "conc.hover.share": {"en": "Cumulative share", "zh": "累计占比"},
    # the whale curve
    "conc.whale.title": {
        "en": "Whale curve: cumulative gross profit, most to least profitable customer",
        "zh": "鲸鱼曲线：按毛利从高到低累计的毛利",
    },
    "conc.whale.y_axis": {"en": "Cumulative gross profit, share of total", "zh": "累计毛利占总毛利的比例"},
    "conc.whale.total_line": {"en": "Total gross profit (100%)", "zh": "总毛利（100%）"},
    "conc.whale.peak": {
        "en": "Peak {peak} of total profit, at the top {customers} of customers",
        "zh": "峰值：总毛利的 {peak}，出现在前 {customers} 的客户处",
    },
    "conc.whale.loss_zone": {"en": "{count} loss-making customers", "zh": "{count} 个毛利为负的客户"},
    "conc.whale.summary": {
        "en": "{count} customers lose money and destroy {amount} of gross profit; "
        "without them profit would be {peak} of today's.",
        "zh": "{count} 个客户毛利为负，共侵蚀毛利 {amount}；没有他们，毛利将是现在的 {peak}。",
    },
    "conc.whale.no_losses": {
        "en": "No customer loses money: every customer adds gross profit.",
        "zh": "没有毛利为负的客户：每个客户都在贡献毛利。",
    },
    # summary measures
    "conc.kpi.active_customers": {
        "en": "Active customers (ordered in the last {days} days)",
        "zh": "活跃客户（最近 {days} 天内有订单）",
    },
    "conc.kpi.revenue": {"en": "Revenue", "zh": "销售额"},
    "conc.kpi.gross_profit": {"en": "Gross profit", "zh": "毛利"},
    "conc.kpi.margin_pct": {"en": "Gross margin", "zh": "毛利率"},
    "conc.kpi.gini": {"en": "Gini coefficient", "zh": "基尼系数"},
    "conc.kpi.gini_help": {
        "en": "0 when every customer brings the same, close to 1 when one customer brings everything.",
        "zh": "所有客户贡献相同时为 0；一个客户贡献全部时接近 1。",
    },
    "conc.kpi.hhi": {"en": "Herfindahl-Hirschman index (HHI)", "zh": "赫芬达尔-赫希曼指数（HHI）"},
    "conc.kpi.hhi_help": {
        "en": "Sum of the squared percentage shares of customers, from 0 to 10,000 (one customer has "
        "everything). Antitrust practice: below 1,500 unconcentrated, above 2,500 highly concentrated.",
        "zh": "各客户份额（百分数）的平方和，范围 0 到 10,000（一个客户占全部）。反垄断惯例："
        "低于 1,500 为不集中，高于 2,500 为高度集中。",
    },
    # concentration risk
    "conc.risk.title": {"en": "Concentration risk", "zh": "客户集中度风险"},
    "conc.risk.gauge": {
        "en": "Revenue share of the top {n} customers: {level}",
        "zh": "前 {n} 名客户的销售额占比：{level}",
    },
    "conc.risk.level.low": {"en": "low", "zh": "低"},
    "conc.risk.level.moderate": {"en": "moderate", "zh": "中"},
    "conc.risk.level.high": {"en": "high", "zh": "高"},
    "conc.risk.sentence.low": {
        "en": "Top {n} customers bring {share} of revenue (HHI {hhi}): low dependency.",
        "zh": "前 {n} 名客户贡献了 {share} 的销售额（HHI {hhi}）：对大客户的依赖度低。",
    },
    "conc.risk.sentence.moderate": {
        "en": "Top {n} customers bring {share} of revenue (HHI {hhi}): moderate dependency.",
        "zh": "前 {n} 名客户贡献了 {share} 的销售额（HHI {hhi}）：对大客户有一定依赖。",
    },
    "conc.risk.sentence.high": {
        "en": "Top {n} customers bring {share} of revenue (HHI {hhi}): high dependency.",
        "zh": "前 {n} 名客户贡献了 {share} 的销售额（HHI {hhi}）：对大客户的依赖度高。",
    },
    "conc.risk.note": {
        "en": "Concentration cuts both ways: such customers rarely fail and bring large, stable "
        "contracts, but losing one of them, or being replaced by a competitor, hurts badly. "
        "Watch it.",
        "zh": "集中是一把双刃剑：这些大客户很少出问题，能带来大额、稳定的合同；但失去其中任何一个"
        "或被竞争对手取代，损失都会很大。必须持续关注客户集中度。",
    },
    "conc.risk.with_note": {"en": "{sentence} {note}", "zh": "{sentence}{note}"},
    "conc.risk.thresholds": {
        "en": "Thresholds: top {n} share from {share_moderate} moderate, from {share_high} high; "
        "HHI from {hhi_moderate} moderate, from {hhi_high} high.",
        "zh": "阈值：前 {n} 名占比达到 {share_moderate} 为中、达到 {share_high} 为高；"
        "HHI 达到 {hhi_moderate} 为中、达到 {hhi_high} 为高。",
    },
    # why a measure cannot be shown
    "conc.error.no_customers": {
        "en": "There are no customers in this selection.",
        "zh": "当前选择中没有客户。",
    },
    "conc.error.missing_metric": {
        "en": "This dataset has no values for this measure (for gross profit: no cost data).",
        "zh": "该数据集没有这一指标的数据（毛利需要成本数据）。",
    },
    "conc.error.no_positive_total": {
        "en": "No customer has a positive value for this measure, so there is nothing to share out.",
        "zh": "没有客户在该指标上为正值，无法计算集中度。",
    },
    "conc.error.no_profit": {
        "en": "Total gross profit is zero or negative, so the whale curve (share of total profit) "
        "cannot be drawn.",
        "zh": "总毛利为零或负数，无法绘制鲸鱼曲线（占总毛利的比例）。",
    },
    # amounts: "<power of ten> <suffix>" steps, largest first, so each language groups digits its way
    "conc.metric_note": {"en": "{metric}: {note}", "zh": "{metric}：{note}"},
    # the shared filters
    "conc.filters.dates": {"en": "Order dates", "zh": "订单日期"},
    "conc.filters.dates_help": {
        "en": "Only orders in this range count; recency and active customers are measured at its end.",
        "zh": "只统计该日期范围内的订单；最近购买时间和活跃客户以范围的截止日期计算。",
    },
    "conc.filters.all": {"en": "All", "zh": "全部"},
    # KPI cards
    "conc.kpi.active": {"en": "Active", "zh": "活跃客户"},  # short: a KPI card's label has no room
    "conc.kpi.top20": {"en": "Top 20%'s revenue", "zh": "前 20% 销售额占比"},  # of revenue, not of value
    "conc.kpi.top20_help": {
        "en": "Share of revenue brought by the 20% of customers who buy the most.",
        "zh": "购买额最高的 20% 客户贡献的销售额占比。",
    },
    "conc.kpi.margin_help": {"en": "Gross profit over revenue.", "zh": "毛利除以销售额。"},
    "conc.kpi.exact": {"en": "Exactly {amount}", "zh": "精确值：{amount}"},
    # the overview
    "conc.overview.pyramid": {"en": "Customer pyramid", "zh": "客户金字塔"},
    "conc.overview.pyramid_share": {"en": "Right-hand side shows", "zh": "右侧显示"},
    "conc.overview.curve": {"en": "Who brings the value", "zh": "价值来自哪些客户"},
    "conc.overview.dependency": {"en": "Dependency on the largest customers", "zh": "对大客户的依赖"},
    "conc.overview.largest": {"en": "The {n} largest customers", "zh": "最大的 {n} 个客户"},
    "conc.overview.strategy": {"en": "Strategy per tier", "zh": "各等级的客户策略"},
    "conc.overview.strategy_line": {
        "en": "**{tier}**: {customers}, {revenue_share} of revenue. {level}. First step: {action}.",
        "zh": "**{tier}**：{customers}，贡献 {revenue_share} 的销售额。{level}。首要措施：{action}。",
    },
    # the 80/20 page
    "conc.section.pick": {"en": "Section shown", "zh": "显示的部分"},
    "conc.page.positive_total": {
        "en": "{metric}: shares here are of {total}, what the customers with a positive figure bring; the {count} with a negative one (together -{lost}) count as zero.",
        "zh": "{metric}：此处占比以取值为正的客户合计 {total} 为基数，{count} 个取值为负的客户（合计 -{lost}）按零计。",
    },
    "conc.page.whale_counts_losses": {
        "en": "The whale curve under {section} counts their losses, so its shares are of the net total.",
        "zh": "“{section}”中的鲸鱼曲线计入其亏损，占比以净额为基数。",
    },
    "conc.section.curves": {"en": "80/20 curves", "zh": "80/20 曲线"},
    "conc.section.profit": {"en": "Profit and losses", "zh": "利润与亏损"},
    "conc.section.risk": {"en": "Dependency risk", "zh": "依赖风险"},
    "conc.page.readouts": {"en": "Read the curves", "zh": "读取曲线"},
    "conc.page.top_slider": {"en": "Top share of customers (X)", "zh": "头部客户占比（X）"},
    "conc.page.share_slider": {"en": "Share of the total (Y)", "zh": "贡献占比（Y）"},
    "conc.page.measures": {"en": "Concentration measures", "zh": "集中度指标"},
    "conc.page.measure": {"en": "Measure", "zh": "指标"},
    "conc.page.measures_help": {
        "en": "{gini}: {gini_help} {hhi}: {hhi_help}",
        "zh": "{gini}：{gini_help}{hhi}：{hhi_help}",
    },
    "conc.page.whale": {"en": "Where profit is made and given back", "zh": "利润在哪里产生、又在哪里流失"},
    "conc.page.thresholds": {"en": "Risk thresholds", "zh": "风险阈值"},
    "conc.page.bad_thresholds": {
        "en": "Each moderate threshold must not exceed its high threshold; the default thresholds are used.",
        "zh": "“中”阈值不能高于对应的“高”阈值；已改用默认阈值。",
    },
    "conc.page.top_customers": {"en": "Top {n} customers by revenue", "zh": "销售额最高的 {n} 个客户"},
    "conc.page.loss_makers": {"en": "Loss-making customers", "zh": "毛利为负的客户"},
    "conc.page.loss_makers_shown": {
        "en": "The {shown} largest losses of {total} loss-making customers.",
        "zh": "共 {total} 个毛利为负的客户，显示亏损最多的 {shown} 个。",
    },
    "conc.risk.input.top_n": {"en": "Top customers counted (N)", "zh": "计入的头部客户数（N）"},
    "conc.risk.input.top_share_moderate": {"en": "Top-N share, moderate from (%)", "zh": "前 N 名占比达到（%）为中"},
    "conc.risk.input.top_share_high": {"en": "Top-N share, high from (%)", "zh": "前 N 名占比达到（%）为高"},
    "conc.risk.input.hhi_moderate": {"en": "HHI, moderate from", "zh": "HHI 达到此值为中"},
    "conc.risk.input.hhi_high": {"en": "HHI, high from", "zh": "HHI 达到此值为高"},
    # table columns
    "conc.col.revenue_share": {"en": "Share of revenue", "zh": "销售额占比"},
    "conc.col.cumulative_share": {"en": "Cumulative share", "zh": "累计占比"},
}
