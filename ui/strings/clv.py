"""Texts of the lifetime-value (``clv.``) and customer-segment (``seg.``) pages."""

STRINGS = {
    # ------------------------------------------------------------------ lifetime value
    "clv.title": {"en": "Lifetime value", "zh": "客户终身价值"},
    "clv.intro": {
        "en": "Potential value: what each customer is expected to buy from now on if the "
              "relationship continues. A purchase model (BG/NBD or MBG/NBD) estimates how many purchases "
              "are still to come and whether the customer is still active; a spend model (Gamma-Gamma) "
              "estimates the amount per purchase.",
        "zh": "潜在价值：若客户关系继续，客户今后预计带来的购买。购买模型（BG/NBD 或 MBG/NBD）估计客户"
              "未来的购买次数以及客户是否仍然活跃；消费模型（Gamma-Gamma）估计每次购买的金额。",
    },
    "clv.returns_rule": {
        "en": "A purchase is a day with net revenue of zero or more. Days on which returns outweigh "
              "purchases are treated as returns, not purchases; they still lower the margin.",
        "zh": "净销售额大于或等于零的一天记为一次购买。退货多于购买的日子视为退货而非购买，但仍计入毛利率。",
    },
    "clv.horizon_months": {"en": "Horizon (months)", "zh": "预测期（月）"},
    "clv.discount_rate": {"en": "Annual discount rate (%)", "zh": "年折现率（%）"},
    "clv.horizon_help": {
        "en": "How far ahead future purchases are counted. The value model's potential value follows this setting.",
        "zh": "计算未来购买的时间跨度。价值模型中的潜在价值随此设置变化。",
    },
    "clv.discount_help": {
        "en": "Money in the future is worth less than money today: each month's expected value is "
              "discounted at this yearly rate.",
        "zh": "未来的钱不如今天的钱值钱：每个月的预期价值按此年利率折现。",
    },
    "clv.fitting": {"en": "Fitting the purchase and spend models…", "zh": "正在拟合购买模型和消费模型……"},
    "clv.checking": {"en": "Checking the model against what customers bought after the split…",
                     "zh": "正在用分割日后的实际购买检验模型……"},
    "clv.measure.expected_gross_profit": {"en": "expected gross profit", "zh": "预期毛利"},
    "clv.measure.clv": {"en": "discounted expected revenue", "zh": "折现后的预期销售额"},
    "clv.source.model": {
        "en": "The value model's potential value now comes from the lifetime value model ({model}): each "
              "customer's {measure} over the next {months} months, discounted at {rate:.1%} a year.",
        "zh": "价值模型中的潜在价值现由客户终身价值模型（{model}）给出：每个客户未来 {months} 个月的{measure}，"
              "按年折现率 {rate:.1%} 折现。",
    },
    "clv.source.proxy": {
        "en": "The value model keeps using revenue growth as a proxy for potential value. {reason}",
        "zh": "价值模型继续以销售额增长率作为潜在价值的替代指标。{reason}",
    },
    "clv.section.fit": {"en": "Model fit", "zh": "模型拟合"},
    "clv.section.validation": {"en": "Does the model predict well?", "zh": "模型预测是否可靠？"},
    "clv.section.distribution": {"en": "Lifetime value and activity across customers",
                                 "zh": "客户终身价值与活跃概率的分布"},
    "clv.section.tiers": {"en": "Expected future value by tier", "zh": "各等级的预期未来价值"},
    "clv.section.top": {"en": "Top customers by lifetime value", "zh": "终身价值最高的客户"},
    "clv.split_date": {"en": "Split date (calibration / holdout)", "zh": "分割日期（校准期 / 检验期）"},
    "clv.split_help": {
        "en": "The model is fitted on purchases up to this date and compared with what customers "
              "bought afterwards.",
        "zh": "模型用该日期及之前的购买来拟合，再与客户在该日期之后的实际购买对比。",
    },
    "clv.col.probability_alive": {"en": "Probability still active", "zh": "仍活跃概率"},
    "clv.col.expected_purchases": {"en": "Expected purchases", "zh": "预期购买次数"},
    "clv.col.clv": {"en": "Lifetime value (discounted revenue)", "zh": "终身价值（折现销售额）"},
    "clv.col.expected_gross_profit": {"en": "Expected gross profit", "zh": "预期毛利"},
    "clv.model.bgnbd": {"en": "Purchase model (BG/NBD)", "zh": "购买模型（BG/NBD）"},
    "clv.model.mbgnbd": {"en": "Purchase model (MBG/NBD)", "zh": "购买模型（MBG/NBD）"},
    "clv.purchase_model": {"en": "Purchase model", "zh": "购买模型"},
    "clv.purchase_model.auto": {"en": "Best fit (automatic)", "zh": "按拟合优度自动选择"},
    "clv.purchase_model.bgnbd": {"en": "BG/NBD", "zh": "BG/NBD"},
    "clv.purchase_model.mbgnbd": {"en": "MBG/NBD", "zh": "MBG/NBD"},
    "clv.purchase_model_help": {
        "en": "BG/NBD lets a customer drop out only after a repeat purchase; MBG/NBD also right after the "
              "first purchase. Automatic keeps the one with the higher log-likelihood on the data it is fitted on.",
        "zh": "BG/NBD 假设客户只会在重复购买后流失；MBG/NBD 还允许客户在首次购买后立即流失。"
              "自动选择保留在拟合数据上对数似然更高的模型。",
    },
    "clv.choice.auto": {
        "en": "In use: {model}, the better fit on this data (log-likelihood BG/NBD {bgnbd}, MBG/NBD {mbgnbd}).",
        "zh": "当前使用：{model}，在本数据上拟合更好（对数似然：BG/NBD {bgnbd}，MBG/NBD {mbgnbd}）。",
    },
    "clv.choice.picked": {
        "en": "In use: {model}, as picked (log-likelihood {log_likelihood}); the automatic choice compares both models.",
        "zh": "当前使用：{model}（手动选择；对数似然 {log_likelihood}）；自动选择会比较两个模型。",
    },
    "clv.choice.not_fitted": {"en": "could not be fitted", "zh": "无法拟合"},
    "clv.alive_note.bgnbd": {
        "en": "Under BG/NBD a customer can only drop out after a repeat purchase, so every one-time buyer "
              "({one_time:,} customers here) has a probability of 100% of still being active, however long "
              "ago it bought. Read it as \"the model cannot tell\", not as \"certainly active\".",
        "zh": "在 BG/NBD 中，客户只会在重复购买后流失，因此每个只购买过一次的客户（此处共 {one_time:,} 个）"
              "无论多久以前购买，仍活跃概率都是 100%。这表示“模型无从判断”，而不是“一定仍活跃”。",
    },
    "clv.alive_note.mbgnbd": {
        "en": "Under MBG/NBD a customer may drop out right after its first purchase, so a one-time buyer "
              "({one_time:,} customers here) who has been quiet for long is probably gone: its probability "
              "of still being active falls with the time since that purchase.",
        "zh": "在 MBG/NBD 中，客户可能在首次购买后立即流失，因此只购买过一次且长期未再购买的客户"
              "（此处共 {one_time:,} 个）很可能已流失：其仍活跃概率随距首次购买的时间增加而下降。",
    },
    "clv.model.gamma_gamma": {"en": "Spend model (Gamma-Gamma)", "zh": "消费模型（Gamma-Gamma）"},
    "clv.fit.item": {"en": "Item", "zh": "项目"},
    "clv.fit.value": {"en": "Value", "zh": "数值"},
    "clv.fit.yes": {"en": "Yes", "zh": "是"},
    "clv.fit.no": {"en": "No", "zh": "否"},
    "clv.fit.log_likelihood": {"en": "Log-likelihood", "zh": "对数似然"},
    "clv.fit.customers": {"en": "Customers", "zh": "客户数"},
    "clv.fit.repeat_customers": {"en": "Repeat customers", "zh": "重复购买客户数"},
    "clv.fit.converged": {"en": "Converged", "zh": "已收敛"},
    "clv.fit.iterations": {"en": "Iterations", "zh": "迭代次数"},
    "clv.param.r": {"en": "r: shape of purchase rates across customers",
                    "zh": "r：客户购买率分布的形状参数"},
    "clv.param.alpha": {"en": "alpha: scale of purchase rates (time unit)",
                        "zh": "alpha：购买率分布的尺度参数（时间单位）"},
    "clv.param.a": {"en": "a: drop-out probability, first shape", "zh": "a：流失概率分布的第一形状参数"},
    "clv.param.b": {"en": "b: drop-out probability, second shape", "zh": "b：流失概率分布的第二形状参数"},
    "clv.param.mean_dropout": {"en": "a/(a+b): mean drop-out probability", "zh": "a/(a+b)：平均流失概率"},
    "clv.param.p": {"en": "p: shape of spend per purchase", "zh": "p：单次消费额分布的形状参数"},
    "clv.param.q": {"en": "q: shape of mean spend across customers",
                    "zh": "q：客户平均消费额分布的形状参数"},
    "clv.param.v": {"en": "v (γ): scale of mean spend across customers",
                    "zh": "v（即 γ）：客户平均消费额分布的尺度参数"},
    "clv.error.no_purchases": {
        "en": "No purchases were found up to the chosen date.",
        "zh": "截至所选日期没有找到任何购买。",
    },
    "clv.error.too_few_repeat_customers": {
        "en": "{repeat_customers} of {customers} customers bought more than once; the models need at "
              "least {required} who did.",
        "zh": "{customers} 个客户中有 {repeat_customers} 个重复购买，模型至少需要 {required} 个。",
    },
    "clv.advice.later_split": {
        "en": "A later split date leaves more history to fit the models on.",
        "zh": "选择更晚的分割日期，可留出更多历史数据用于拟合模型。",
    },
    "clv.error.no_holdout_period": {
        "en": "There are no purchases after {calibration_end}: choose an earlier split date.",
        "zh": "{calibration_end} 之后没有购买记录：请选择更早的分割日期。",
    },
    "clv.error.fit_failed": {
        "en": "The model could not be fitted to these {customers} customers ({repeat_customers} "
              "repeat buyers): their purchase pattern does not fit its assumptions.",
        "zh": "无法用这 {customers} 个客户（其中 {repeat_customers} 个重复购买客户）拟合模型："
              "其购买模式不符合模型假设。",
    },
    "clv.error.spend_mean_undefined": {
        "en": "Spend per purchase of the {repeat_customers} repeat customers is too dispersed to "
              "give an average; expected value cannot be computed, purchase forecasts still can.",
        "zh": "{repeat_customers} 个重复购买客户的单次消费额离散过大，无法得到平均值；"
              "无法计算预期价值，但仍可预测购买次数。",
    },
    "clv.holdout.title": {"en": "Predicted and actual purchases after the split date",
                          "zh": "分割日后的预测购买与实际购买"},
    "clv.holdout.x": {"en": "Repeat purchases before the split date", "zh": "分割日前的重复购买次数"},
    "clv.holdout.y": {"en": "Purchases per customer after the split date", "zh": "分割日后人均购买次数"},
    "clv.holdout.actual": {"en": "Actual", "zh": "实际"},
    "clv.holdout.predicted": {"en": "Predicted", "zh": "预测"},
    "clv.holdout.customers": {"en": "Customers", "zh": "客户数"},
    "clv.holdout.mae": {"en": "Mean absolute error per customer", "zh": "每个客户的平均绝对误差"},
    "clv.holdout.actual_total": {"en": "Actual purchases after the split", "zh": "分割日后实际购买次数"},
    "clv.holdout.predicted_total": {"en": "Predicted purchases after the split", "zh": "分割日后预测购买次数"},
    "clv.dist.value_title": {"en": "Lifetime value per customer", "zh": "每个客户的终身价值"},
    "clv.dist.alive_title": {"en": "Probability that the customer is still active",
                             "zh": "客户仍然活跃的概率"},
    "clv.dist.customers": {"en": "Customers", "zh": "客户数"},
    "clv.dist.clipped": {
        "en": "The value chart leaves out the top 1% of customers (above {limit}) so that the rest stay readable.",
        "zh": "为便于阅读，终身价值分布图未显示价值最高的 1% 客户（高于 {limit}）。",
    },
    "clv.tier.note": {"en": "Tiers as graded on the Value Model page.", "zh": "客户等级以价值模型页的划分为准。"},
    "clv.tier.left_out": {
        "en": "{count} customers have only returns, no purchase day, so the lifetime-value model leaves them out of these counts.",
        "zh": "{count} 位客户只有退货、没有购买日，终身价值模型未将其计入这些统计。",
    },
    "clv.tier.tier": {"en": "Tier", "zh": "客户等级"},
    "clv.tier.customers": {"en": "Customers", "zh": "客户数"},
    "clv.tier.clv_total": {"en": "Total lifetime value", "zh": "终身价值合计"},
    "clv.tier.clv_mean": {"en": "Mean lifetime value", "zh": "平均终身价值"},
    "clv.tier.clv_share": {"en": "Share of lifetime value", "zh": "终身价值占比"},
    "clv.tier.profit_total": {"en": "Total expected gross profit", "zh": "预期毛利合计"},
    "clv.tier.alive_mean": {"en": "Mean probability still active", "zh": "平均仍活跃概率"},
    "clv.tier.title": {"en": "Lifetime value by tier", "zh": "各等级的终身价值"},
    # ------------------------------------------------------------------ segments
    "seg.title": {"en": "Customer segments", "zh": "客户细分"},
    "seg.intro": {
        "en": "Customers are grouped by behaviour and value (recency, orders, revenue, margin, "
              "tenure, growth, potential value). Tiers say how valuable customers are; segments "
              "say how they behave, so each group can get its own strategy.",
        "zh": "按行为与价值（最近购买、订单数、销售额、毛利率、合作时长、增长、潜在价值）对客户分组。"
              "等级说明客户有多大价值，细分说明客户的行为方式，以便为每组客户制定相应策略。",
    },
    "seg.method": {"en": "Method", "zh": "方法"},
    "seg.method.kmeans": {"en": "K-means", "zh": "K 均值聚类"},
    "seg.method.gmm": {"en": "Gaussian mixture", "zh": "高斯混合模型"},
    "seg.n_clusters": {"en": "Number of segments", "zh": "细分数量"},
    "seg.n_clusters.auto": {"en": "Automatic (best silhouette)", "zh": "自动（轮廓系数最优）"},
    "seg.computing": {"en": "Finding segments…", "zh": "正在划分客户细分……"},
    "clv.section.pick": {"en": "Section shown", "zh": "显示的部分"},
    "clv.switch.validation": {"en": "Holdout check", "zh": "留出期检验"},
    "clv.switch.distribution": {"en": "Distributions", "zh": "分布"},
    "clv.switch.tiers": {"en": "Value by tier", "zh": "各等级价值"},
    "clv.switch.top": {"en": "Top customers", "zh": "价值最高的客户"},
    "seg.section.choice": {"en": "How many segments", "zh": "细分数量"},
    "seg.section.profiles": {"en": "Who is in each segment", "zh": "各细分的客户构成"},
    "seg.section.map": {"en": "How the segments differ", "zh": "各细分之间的差异"},
    "seg.section.tiers": {"en": "Segments and tiers", "zh": "细分与客户等级"},
    "seg.section.traits": {"en": "What sets each segment apart", "zh": "各细分的特征"},
    "seg.section.pick": {"en": "Figure shown", "zh": "显示的图表"},
    "seg.switch.map": {"en": "Segment map", "zh": "细分分布图"},
    "seg.switch.traits": {"en": "Traits", "zh": "特征"},
    "seg.switch.tiers": {"en": "Segments and tiers", "zh": "细分与客户等级"},
    "seg.silhouette_title": {"en": "Silhouette by number of segments", "zh": "不同细分数量的轮廓系数"},
    "seg.potential.used": {
        "en": "Potential value from the lifetime-value model is one of the clustering features.",
        "zh": "客户终身价值模型给出的潜在价值是聚类特征之一。",
    },
    "seg.potential.not_used": {
        "en": "Potential value is not among the clustering features: the lifetime-value model could not be fitted.",
        "zh": "潜在价值未参与聚类：客户终身价值模型无法拟合。",
    },
    "seg.col.mean": {"en": "{feature} (mean)", "zh": "{feature}（均值）"},
    "seg.crosstab.note": {
        "en": "Tiers as graded on the Value Model page. One tier can hold customers who behave very "
              "differently, and each group may need its own approach.",
        "zh": "客户等级以价值模型页的划分为准。同一等级中的客户行为可能差异很大，各组客户可能需要不同的策略。",
    },
    "seg.silhouette": {"en": "Silhouette (higher means better separated)",
                       "zh": "轮廓系数（越高分组越清晰）"},
    "seg.chosen": {"en": "{clusters} segments, silhouette {score:.2f}",
                   "zh": "{clusters} 个细分，轮廓系数 {score:.2f}"},
    "seg.feature.recency_days": {"en": "Days since last order", "zh": "距最近订单天数"},
    "seg.feature.orders": {"en": "Orders", "zh": "订单数"},
    "seg.feature.revenue": {"en": "Revenue", "zh": "销售额"},
    "seg.feature.margin_pct": {"en": "Margin %", "zh": "毛利率 %"},
    "seg.feature.tenure_days": {"en": "Tenure (days)", "zh": "合作时长（天）"},
    "seg.feature.growth": {"en": "Revenue growth", "zh": "销售额增长"},
    "seg.feature.potential_value": {"en": "Potential value", "zh": "潜在价值"},
    "seg.feature.gross_profit": {"en": "Gross profit", "zh": "毛利"},
    "seg.col.segment": {"en": "Segment", "zh": "细分"},
    "seg.col.customers": {"en": "Customers", "zh": "客户数"},
    "seg.col.share": {"en": "Share of customers", "zh": "客户占比"},
    "seg.col.revenue_share": {"en": "Share of revenue", "zh": "销售额占比"},
    "seg.col.gross_profit_share": {"en": "Share of gross profit", "zh": "毛利占比"},
    "seg.col.potential_value_share": {"en": "Share of potential value", "zh": "潜在价值占比"},
    "seg.name.new": {"en": "New", "zh": "新客户"},
    "seg.name.lapsed": {"en": "Lapsed", "zh": "流失客户"},
    "seg.name.at_risk": {"en": "Valuable, at risk", "zh": "高价值待挽回"},
    "seg.name.high_value_low_margin": {"en": "High sales, low margin", "zh": "高销售低毛利"},
    "seg.name.loyal_high_value": {"en": "Loyal, high value", "zh": "忠诚高价值"},
    "seg.name.high_potential": {"en": "High potential", "zh": "高潜力"},
    "seg.name.growing": {"en": "Growing", "zh": "成长型"},
    "seg.name.occasional_low_value": {"en": "Occasional, low value", "zh": "偶发低价值"},
    "seg.name.regular": {"en": "Regular", "zh": "常规客户"},
    "seg.name_numbered": {"en": "{name} {number}", "zh": "{name} {number}"},
    "seg.projection.title": {"en": "Map of customers by segment", "zh": "客户细分分布图"},
    "seg.projection.axis": {"en": "Component {number} ({share:.0%} of variation)",
                            "zh": "主成分 {number}（解释 {share:.0%} 的差异）"},
    "seg.projection.note": {"en": "Showing {shown:,} of {total:,} customers.",
                            "zh": "显示 {total:,} 个客户中的 {shown:,} 个。"},
    "seg.hover.customer": {"en": "Customer", "zh": "客户"},
    "seg.profile.title": {"en": "Segment profiles", "zh": "细分画像"},
    "seg.profile.colorbar": {"en": "Std. dev. from average", "zh": "偏离均值（标准差）"},
    "seg.profile.mean": {"en": "Average", "zh": "平均值"},
    "seg.crosstab.title": {"en": "Customers by segment and tier", "zh": "各细分与等级的客户数"},
    "seg.crosstab.tier": {"en": "Tier", "zh": "等级"},
    "seg.error.too_few_customers": {
        "en": "Segments need at least {required} customers; this dataset has {customers}.",
        "zh": "客户细分至少需要 {required} 个客户，当前数据集只有 {customers} 个。",
    },
    "seg.error.no_usable_features": {
        "en": "None of the {customers} customers' features varies enough to form segments.",
        "zh": "{customers} 个客户的各项特征差异都不足以形成细分。",
    },
}
