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
    "conc.kpi.customers": {"en": "Customers", "zh": "客户数"},
    "conc.kpi.active_customers": {
        "en": "Active customers (ordered in the last {days} days)",
        "zh": "活跃客户（最近 {days} 天内有订单）",
    },
    "conc.kpi.revenue": {"en": "Revenue", "zh": "销售额"},
    "conc.kpi.gross_profit": {"en": "Gross profit", "zh": "毛利"},
    "conc.kpi.margin_pct": {"en": "Gross margin", "zh": "毛利率"},
    "conc.kpi.top20_share": {"en": "Share of the top 20% of customers", "zh": "前 20% 客户的贡献占比"},
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
    "conc.kpi.top_n": {"en": "Top {n} customers", "zh": "前 {n} 名客户"},
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
}
