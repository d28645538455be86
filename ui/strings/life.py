"""Texts of the lifecycle page (stages, tier migration, watch lists) and the customer page."""

STRINGS = {
    # Lifecycle page
    "life.title": {"en": "Customer lifecycle", "zh": "客户生命周期"},
    "life.intro": {
        "en": "Customer value and the customer lifecycle are the two core layers of CRM: where each customer is in its life with the company, how customers moved between tiers, and whom to invest in ahead of time — look at today from the future.",
        "zh": "客户价值和客户生命周期是客户关系管理的两个核心层面：每个客户处在与公司关系的哪个阶段，客户在各等级之间如何流动，应提前在哪些客户身上投入——站在未来看现在。",
    },
    # Stages
    "life.stages_header": {"en": "Lifecycle stages", "zh": "生命周期阶段"},
    "life.section.pick": {"en": "Section shown", "zh": "显示的部分"},
    "life.switch.stages": {"en": "Stages", "zh": "生命周期阶段"},
    "life.switch.migration": {"en": "Tier migration", "zh": "等级迁移"},
    "life.switch.watch": {"en": "Watch lists", "zh": "重点关注名单"},
    "life.stage.new": {"en": "New", "zh": "新客户"},
    "life.stage.growing": {"en": "Growing", "zh": "成长期"},
    "life.stage.stable": {"en": "Stable", "zh": "稳定期"},
    "life.stage.declining": {"en": "Declining", "zh": "衰退期"},
    "life.stage.dormant": {"en": "Dormant", "zh": "休眠"},
    "life.stage.lost": {"en": "Lost", "zh": "流失"},
    "life.thresholds": {"en": "Stage rules and thresholds", "zh": "阶段划分规则与阈值"},
    "life.thresholds_help": {
        "en": "Each customer is judged against its own rhythm: its usual gap between orders, not a fixed calendar.",
        "zh": "以每个客户自身的购买节奏（通常的订货间隔）来判断，而不是统一的日历期限。",
    },
    "life.th.new_days": {"en": "New: first order at most this many days ago", "zh": "新客户：首次下单距今不超过（天）"},
    "life.th.trend_window_days": {
        "en": "Trend window (days): recent window compared with the one before",
        "zh": "趋势窗口（天）：比较最近一段与之前同样长度的一段",
    },
    "life.th.growth": {"en": "Growing: revenue trend at least (%)", "zh": "成长期：销售额趋势不低于（%）"},
    "life.th.decline": {"en": "Declining: revenue trend down by at least (%)", "zh": "衰退期：销售额趋势下降至少（%）"},
    "life.th.dormant_gap_multiple": {
        "en": "Dormant: no purchase for this many times the usual gap",
        "zh": "休眠：未购买时长超过通常间隔的倍数",
    },
    "life.th.lost_gap_multiple": {
        "en": "Lost: no purchase for this many times the usual gap",
        "zh": "流失：未购买时长超过通常间隔的倍数",
    },
    "life.th.min_dormant_days": {"en": "Dormant after at least (days)", "zh": "休眠的最短未购买天数"},
    "life.th.min_lost_days": {"en": "Lost after at least (days)", "zh": "流失的最短未购买天数"},
    "life.th.max_lost_days": {"en": "Lost after at most (days), whatever the rhythm", "zh": "无论节奏如何，超过该天数即视为流失"},
    "life.th.p_alive_dormant": {
        "en": "Model: dormant when the probability of being active is below",
        "zh": "模型：仍活跃概率低于该值视为休眠",
    },
    "life.th.p_alive_lost": {
        "en": "Model: lost when the probability of being active is below",
        "zh": "模型：仍活跃概率低于该值视为流失",
    },
    "life.thresholds_invalid": {
        "en": "These thresholds contradict each other (the lost multiple must be at least the dormant one, the day limits must rise from dormant to lost, and the model's lost probability must not exceed the dormant one). The last valid thresholds are used.",
        "zh": "这些阈值相互矛盾（流失倍数不能小于休眠倍数，天数下限须从休眠到流失递增，模型的流失概率阈值不能高于休眠阈值）。当前沿用上一组有效阈值。",
    },
    "life.rules_intro": {
        "en": "Rules, applied in this order (the first that matches decides):",
        "zh": "按以下顺序判断（先满足的规则决定阶段）：",
    },
    "life.rule.lost": {
        "en": "**Lost**: no purchase for more than {lost_gap_multiple}× the customer's usual gap between orders (at least {min_lost_days} days, at most {max_lost_days} days).",
        "zh": "**流失**：未购买时长超过该客户通常订货间隔的 {lost_gap_multiple} 倍（至少 {min_lost_days} 天，至多 {max_lost_days} 天）。",
    },
    "life.rule.dormant": {
        "en": "**Dormant**: no purchase for more than {dormant_gap_multiple}× the usual gap (at least {min_dormant_days} days).",
        "zh": "**休眠**：未购买时长超过通常订货间隔的 {dormant_gap_multiple} 倍（至少 {min_dormant_days} 天）。",
    },
    "life.rule.new": {
        "en": "**New**: first order at most {new_days} days ago (returns alone do not make a new customer).",
        "zh": "**新客户**：首次下单距今不超过 {new_days} 天（只有退货不算新客户）。",
    },
    "life.rule.growing": {
        "en": "**Growing**: revenue of the last {trend_window_days} days at least {growth}% above the {trend_window_days} days before (a shorter window, half the tenure, for younger customers); revenue after none before also counts.",
        "zh": "**成长期**：最近 {trend_window_days} 天的销售额比之前 {trend_window_days} 天至少高 {growth}%（合作时间较短的客户用合作时长的一半作为窗口）；之前无销售、最近有销售也算。",
    },
    "life.rule.declining": {
        "en": "**Declining**: the same revenue trend at least {decline}% down; net returns after no revenue before also count.",
        "zh": "**衰退期**：同一销售额趋势下降至少 {decline}%；之前无销售、最近只有净退货也算。",
    },
    "life.rule.stable": {"en": "**Stable**: everyone else.", "zh": "**稳定期**：其余客户。"},
    "life.rule.single_order": {
        "en": "The usual gap is the median number of days between a customer's purchase days (returns are not purchases). A customer with a single purchase gets the median usual gap of the repeat customers.",
        "zh": "通常订货间隔为该客户各购买日之间天数的中位数（退货不算购买）。只购买过一次的客户，使用复购客户通常间隔的中位数。",
    },
    "life.rule.p_alive": {
        "en": "With the lifetime value model switched on, an overdue customer (no purchase for longer than its usual gap) is also lost when its probability of being active is below {p_alive_lost}, dormant below {p_alive_dormant}.",
        "zh": "启用客户终身价值模型后，超过通常间隔未购买的客户，若仍活跃概率低于 {p_alive_lost} 也视为流失，低于 {p_alive_dormant} 视为休眠。",
    },
    "life.use_p_alive": {
        "en": "Use the lifetime value model's probability of being active",
        "zh": "使用客户终身价值模型的仍活跃概率",
    },
    "life.use_p_alive_help": {
        "en": "The purchase model of the Lifetime value page (BG/NBD or MBG/NBD) gives each customer's probability of still being active; it then informs the dormant and lost stages.",
        "zh": "“客户终身价值”页面的购买模型（BG/NBD 或 MBG/NBD）给出每个客户仍活跃的概率，用于辅助判断休眠和流失阶段。",
    },
    "life.p_alive_model": {
        "en": "The probability of being active comes from {model} (chosen on the Lifetime value page).",
        "zh": "仍活跃概率来自 {model}（在客户终身价值页面选择）。",
    },
    "life.p_alive_unavailable": {
        "en": "The lifetime value model cannot be fitted on this dataset (see the Lifetime value page); stages follow the order rhythm only.",
        "zh": "无法在当前数据集上拟合客户终身价值模型（详见“客户终身价值”页面），阶段仅按购买节奏判断。",
    },
    "life.stages_caption": {
        "en": "Stages as of {date}, the dataset's last order date. Revenue is that of the last 12 months.",
        "zh": "阶段截至 {date}（数据集最后一个订单日期）。销售额为近 12 个月的销售额。",
    },
    # Migration
    "life.migration_header": {"en": "Tier migration", "zh": "客户等级迁移"},
    "life.migration_help": {
        "en": "Tiers at two cut-off dates with the current weights and tier settings, scored as on the value page (potential value from the lifetime value model fitted on the history up to each date). Each period is as long as the time between the cut-offs; a customer belongs to a period when it bought in it. Customers buying only in the later period are entering (new or back), those buying only in the earlier one are leaving.",
        "zh": "按当前权重和等级设置计算两个截止日的客户等级，评分方法与价值模型页面相同（潜在价值来自按各截止日之前的历史拟合的客户终身价值模型）。每个期间的长度等于两个截止日之间的时长；客户在期间内有购买即属于该期间。只在后一期间购买的客户为“新进入”（新客户或回流），只在前一期间购买的为“流失离开”。",
    },
    "life.migration_one_day": {
        "en": "All orders of this dataset fall on one day ({date}), so there are no two periods to compare.",
        "zh": "当前数据集的所有订单都在同一天（{date}），无法划分两个期间进行比较。",
    },
    "life.cutoff_before": {"en": "First cut-off", "zh": "第一个截止日"},
    "life.cutoff_after": {"en": "Second cut-off", "zh": "第二个截止日"},
    "life.cutoffs_order": {
        "en": "The first cut-off must come before the second. Pick an earlier first date.",
        "zh": "第一个截止日必须早于第二个截止日，请选择更早的第一个日期。",
    },
    "life.no_weighted_dimension": {
        "en": "At one of the cut-offs none of the weighted dimensions has data, so no tiers can be computed. Move the first cut-off later or change the weights on the value model page.",
        "zh": "在其中一个截止日，有权重的维度都没有数据，无法计算等级。请把第一个截止日往后移，或在价值模型页面调整权重。",
    },
    "life.dimensions_differ": {
        "en": "At {date} some dimensions have no data yet ({dimensions}); the tiers then are computed from the other dimensions.",
        "zh": "在 {date} 部分维度尚无数据（{dimensions}），该日的等级由其余维度计算。",
    },
    "life.potential_differs": {
        "en": "The lifetime value model fits the history up to one cut-off but not the other, so potential value comes from the model at one date and from revenue growth at the other ({before}, {after}).",
        "zh": "客户终身价值模型只能在其中一个截止日之前的历史上拟合，因此两个日期（{before}、{after}）的潜在价值分别来自模型和销售额增长率。",
    },
    "life.no_customers_either": {
        "en": "No customer bought in either period (up to {before} and from then to {after}). Pick cut-offs inside the dataset's date range.",
        "zh": "两个期间（截至 {before}，以及此后至 {after}）都没有客户购买。请在数据集的日期范围内选择截止日。",
    },
    "life.no_customers_before": {
        "en": "No customer bought between {start} and {before}: every customer of the later period counts as entering.",
        "zh": "{start} 至 {before} 之间没有客户购买：后一期间的所有客户都计为新进入。",
    },
    "life.no_customers_after": {
        "en": "No customer bought between {before} and {after}: every customer of the earlier period counts as leaving.",
        "zh": "{before} 至 {after} 之间没有客户购买：前一期间的所有客户都计为流失离开。",
    },
    "life.state.entering": {"en": "Entering (new or back)", "zh": "新进入（新客户或回流）"},
    "life.state.leaving": {"en": "Leaving", "zh": "流失离开"},
    "life.matrix_kind": {"en": "Show", "zh": "显示"},
    "life.matrix_kind.counts": {"en": "Customers", "zh": "客户数"},
    "life.matrix_kind.values": {"en": "Revenue", "zh": "销售额"},
    "life.matrix_caption": {
        "en": "Rows: tier at {before}; columns: tier at {after}. Revenue is each customer's revenue in the later period; for leaving customers, that of the earlier period.",
        "zh": "行：{before} 的等级；列：{after} 的等级。销售额为客户在后一期间的销售额；流失离开的客户为前一期间的销售额。",
    },
    "life.retention_header": {"en": "Retention per tier", "zh": "各等级客户保持率"},
    "life.retention_help": {
        "en": "Share of the earlier period's customers of each tier that still bought in the later period, and their revenue then against before.",
        "zh": "前一期间各等级客户中，在后一期间仍有购买的比例，以及他们前后两个期间的销售额之比。",
    },
    "life.list_shown": {"en": "List shown", "zh": "显示的名单"},
    "life.moves_note": {
        "en": "Tiers rank customers against each other: a customer can move down while its value grows, "
              "when others grew more (and up while it shrinks).",
        "zh": "等级是客户之间的相对排名：当其他客户增长更多时，某客户的价值即使增长也可能降级（反之亦然）。",
    },
    "life.upgrades": {"en": "Moved up ({count})", "zh": "等级上升（{count}）"},
    "life.downgrades": {"en": "Moved down ({count})", "zh": "等级下降（{count}）"},
    # Watch lists
    "life.watch_header": {"en": "Watch lists", "zh": "重点关注名单"},
    "life.watch_help": {
        "en": "Whom to act on now: invest ahead in rising customers, keep key accounts that are slipping, and fix customers that cost more than they bring.",
        "zh": "现在需要采取行动的客户：提前投入正在上升的客户，挽留正在下滑的重点客户，整改得不偿失的客户。",
    },
    "life.watch_settings": {"en": "Watch list settings", "zh": "名单设置"},
    "life.ws.min_potential_score": {"en": "High potential: potential score at least", "zh": "高潜力：潜在价值得分不低于"},
    "life.ws.risk_stages": {"en": "Key accounts at risk in these stages", "zh": "处于以下阶段的重点客户视为有风险"},
    "life.ws.thin_margin_pct": {"en": "Thin margin: below (%)", "zh": "低毛利：毛利率低于（%）"},
    "life.ws.high_cost_quantile": {
        "en": "High cost to serve: team size or orders at or above this quantile",
        "zh": "高服务成本：服务团队人数或订单数不低于该分位数",
    },
    "life.watch.invest": {"en": "Invest ahead ({count})", "zh": "提前投入（{count}）"},
    "life.watch.at_risk": {"en": "Key accounts at risk ({count})", "zh": "有风险的重点客户（{count}）"},
    "life.watch.unprofitable": {"en": "Unprofitable ({count})", "zh": "不盈利客户（{count}）"},
    "life.watch.invest_help": {
        "en": "B and C customers with a potential score of at least {min_potential_score}, new, growing or stable (not declining, dormant or lost), and not losing money: candidates to invest in and move up.",
        "zh": "潜在价值得分不低于 {min_potential_score}、处于新客户、成长期或稳定期（非衰退、休眠或流失）且不亏损的 B、C 级客户：值得投入、有望升级的客户。",
    },
    "life.watch.at_risk_help": {
        "en": "S and A customers in these stages: {risk_stages}. The value at stake is their gross profit of the last 12 months (revenue when there is no cost data).",
        "zh": "处于以下阶段的 S、A 级客户：{risk_stages}。面临风险的价值为其近 12 个月的毛利（无成本数据时为销售额）。",
    },
    "life.watch.unprofitable_help": {
        "en": "Customers with negative gross profit, or a margin below {thin_margin_pct}% with a high cost to serve (account team size or number of orders at or above the {high_cost_quantile:.0%} quantile of all customers). Discounts that destroy profit are not customer value.",
        "zh": "毛利为负的客户，或毛利率低于 {thin_margin_pct}% 且服务成本高（服务团队人数或订单数不低于 {high_cost_quantile:.0%} 分位数）的客户。损害利润的折扣不是客户价值。",
    },
    "life.watch.no_potential": {
        "en": "The potential dimension has no data in this dataset (no lifetime value and no revenue growth), so high-potential customers cannot be found.",
        "zh": "当前数据集没有潜在价值维度的数据（既无终身价值也无销售额增长），无法识别高潜力客户。",
    },
    "life.watch.no_cost": {
        "en": "This dataset has no cost or gross profit data, so profitability cannot be judged.",
        "zh": "当前数据集没有成本或毛利数据，无法判断盈利情况。",
    },
    "life.watch.total_at_stake": {"en": "Total value at stake", "zh": "面临风险的价值合计"},
    "life.reason.loss": {"en": "Loss-making", "zh": "亏损"},
    "life.reason.thin_margin_high_cost": {"en": "Thin margin, high cost to serve", "zh": "毛利低且服务成本高"},
    "life.none_listed": {"en": "No customer on this list.", "zh": "该名单中没有客户。"},
    "life.select_to_open": {
        "en": "Select a row to open the customer's page.",
        "zh": "选择一行可打开该客户的详情页。",
    },
    "life.open_customer": {"en": "Open {name}", "zh": "打开 {name}"},
    # Table columns
    "life.col.tier": {"en": "Tier", "zh": "等级"},
    "life.col.customer_id": {"en": "Customer id", "zh": "客户编号"},
    "life.col.name": {"en": "Customer name", "zh": "客户名称"},
    "life.col.customers_before": {"en": "Customers (earlier period)", "zh": "客户数（前一期间）"},
    "life.col.retained": {"en": "Still buying", "zh": "仍在购买"},
    "life.col.retention": {"en": "Retention", "zh": "保持率"},
    "life.col.revenue_before": {"en": "Revenue, earlier period", "zh": "前一期间销售额"},
    "life.col.revenue_after": {"en": "Revenue, later period", "zh": "后一期间销售额"},
    "life.col.revenue_retention": {"en": "Revenue kept", "zh": "销售额保持率"},
    "life.col.tier_before": {"en": "Tier before", "zh": "之前等级"},
    "life.col.tier_after": {"en": "Tier after", "zh": "之后等级"},
    "life.col.value_before": {"en": "Value before", "zh": "之前价值（金额）"},
    "life.col.value_after": {"en": "Value after", "zh": "之后价值（金额）"},
    "life.col.score_potential": {"en": "Potential score", "zh": "潜在价值得分"},
    "life.col.growth": {"en": "Revenue growth (%)", "zh": "销售额增长率（%）"},
    "life.col.stage": {"en": "Stage", "zh": "阶段"},
    "life.col.revenue_last_12m": {"en": "Revenue, last 12 months", "zh": "近 12 个月销售额"},
    "life.col.gross_profit_last_12m": {"en": "Gross profit, last 12 months", "zh": "近 12 个月毛利"},
    "life.col.value_at_stake": {"en": "Value at stake", "zh": "面临风险的价值"},
    "life.col.reason": {"en": "Why", "zh": "原因"},
    "life.col.gross_profit": {"en": "Gross profit", "zh": "毛利"},
    "life.col.margin_pct": {"en": "Margin %", "zh": "毛利率 %"},
    "life.col.account_team_size": {"en": "Account team size", "zh": "服务团队人数"},
    "life.col.orders": {"en": "Orders", "zh": "订单数"},
    # Figures
    "life.fig.customers": {"en": "Customers", "zh": "客户数"},
    "life.fig.revenue_12m": {"en": "Revenue, last 12 months", "zh": "近 12 个月销售额"},
    "life.fig.unit_counts": {"en": "customers", "zh": "个客户"},
    "life.fig.unit_values": {"en": "revenue", "zh": "销售额"},
    "life.fig.matrix_hover": {
        "en": "%{y} → %{x}: %{z:,.0f} (%{customdata:.1f}% of the row)",
        "zh": "%{y} → %{x}：%{z:,.0f}（占该行 %{customdata:.1f}%）",
    },
    "life.fig.before_axis": {"en": "Tier at the first cut-off", "zh": "第一个截止日的等级"},
    "life.fig.after_axis": {"en": "Tier at the second cut-off", "zh": "第二个截止日的等级"},
    "life.fig.revenue": {"en": "Revenue", "zh": "销售额"},
    "life.fig.gross_profit": {"en": "Gross profit", "zh": "毛利"},
    "life.fig.orders": {"en": "orders", "zh": "笔订单"},
    "life.fig.amount": {"en": "Amount", "zh": "金额"},
    # Customer page
    "life.customer.title": {"en": "Customer", "zh": "客户详情"},
    "life.customer.search": {"en": "Search by customer id or name", "zh": "按客户编号或名称搜索"},
    "life.customer.no_match": {"en": "No customer id or name contains “{query}”.", "zh": "没有客户编号或名称包含“{query}”的客户。"},
    "life.customer.matches": {
        "en": "{shown} of {total} matching customers listed, largest revenue first",
        "zh": "共 {total} 个匹配客户，按销售额从高到低列出 {shown} 个",
    },
    "life.customer.pick": {"en": "Customer", "zh": "客户"},
    "life.customer.tier_now": {"en": "Tier now", "zh": "当前等级"},
    "life.customer.tier_before": {"en": "Tier at {date}", "zh": "{date} 的等级"},
    "life.customer.not_yet": {"en": "Not yet", "zh": "尚未成为客户"},
    "life.customer.not_yet_help": {"en": "No order up to {date}.", "zh": "截至 {date} 没有订单。"},
    "life.customer.no_tiers_then": {
        "en": "None of the weighted dimensions had data then, so there were no tiers.",
        "zh": "当时有权重的维度都没有数据，无法划分等级。",
    },
    "life.customer.value_rank": {"en": "Rank by value", "zh": "价值排名"},
    "life.customer.revenue_rank": {"en": "Rank by revenue", "zh": "销售额排名"},
    "life.customer.rank": {"en": "{rank} of {total}", "zh": "{rank} / {total}"},
    "life.customer.stage": {"en": "Lifecycle stage", "zh": "生命周期阶段"},
    "life.customer.rhythm": {
        "en": "Usual gap between orders: {gap} · last purchase {recency} ago · customer for {tenure}",
        "zh": "通常订货间隔：{gap} · 上次购买距今 {recency} · 合作 {tenure}",
    },
    "life.customer.rhythm_single": {
        "en": "A single purchase so far, {recency} ago · customer for {tenure} · judged against the repeat customers' usual gap",
        "zh": "目前只购买过一次，距今 {recency} · 合作 {tenure} · 按复购客户的通常订货间隔判断",
    },
    "life.customer.rhythm_returns_only": {
        "en": "No purchase, only returns: the last one {recency} ago · customer for {tenure}",
        "zh": "没有购买记录，只有退货：最近一次在 {recency} 前 · 合作 {tenure}",
    },
    "life.customer.history": {"en": "Order history", "zh": "购买历史"},
    "life.customer.period": {"en": "Per", "zh": "统计周期"},
    "life.period.month": {"en": "Month", "zh": "月"},
    "life.period.quarter": {"en": "Quarter", "zh": "季度"},
    "life.period.year": {"en": "Year", "zh": "年"},
    "life.customer.recent_orders": {"en": "Latest order lines", "zh": "最近的订单明细"},
    "life.customer.breakdown": {"en": "What makes up its value", "zh": "价值构成"},
    "life.customer.strategy": {"en": "Relationship and recommended actions", "zh": "客户关系与建议措施"},
}
