"""Texts of the per-tier strategy cards and the warnings they carry."""

STRINGS = {
    "value.card.target_level": {"en": "Target relationship: {level}", "zh": "目标关系层次：{level}"},
    "value.card.implied_level": {
        "en": "Customer count and margin call for: {level}",
        "zh": "客户数量与利润率所支持的关系层次：{level}",
    },
    "value.card.bond": {"en": "Relationship marketing: {bond}", "zh": "关系营销层次：{bond}"},
    "value.card.resource_share": {
        "en": "Suggested share of account resources: {share}",
        "zh": "建议的客户资源分配比例：{share}",
    },
    "value.card.actions": {"en": "Recommended actions", "zh": "建议措施"},
    "value.card.kpis": {"en": "KPIs to watch", "zh": "关注指标"},
    "value.card.top_customers": {"en": "Top customers of each tier by value", "zh": "各等级价值最高的客户"},
    "value.card.resource_blend": {
        "en": "Allocate resources by value (1) or per customer (0)",
        "zh": "按价值（1）或按客户数（0）分配资源",
    },
    "value.action.volume_pricing": {
        "en": "Volume pricing: the more the customer buys, the lower the price",
        "zh": "数量折扣：买得越多越便宜",
    },
    "value.action.loyalty_discount": {
        "en": "Loyalty discounts, and lower prices for customers who give up some services",
        "zh": "忠诚折扣；对放弃部分服务的客户给予更低价格",
    },
    "value.action.personalize": {"en": "Personalized products and services", "zh": "提供个性化的产品和服务"},
    "value.action.cut_buying_costs": {
        "en": "Lower the customer's total cost of buying and using: ordering, storage, handling",
        "zh": "降低客户的购买和使用总成本：订货、储存和搬运成本",
    },
    "value.action.customize": {
        "en": "Customization: the right solution at the right time",
        "zh": "定制化：在正确的时间提供正确的解决方案",
    },
    "value.action.co_design": {
        "en": "Partnership: co-design, synchronized market operations, business integration",
        "zh": "伙伴关系：共同设计、同步市场运作、业务整合",
    },
    "value.action.joint_plan": {"en": "Long-term joint plan with stage goals", "zh": "制定长期合作规划和阶段目标"},
    "value.action.dedicated_team": {
        "en": "Dedicated account team that knows the customer's business, market, customers and competitors",
        "zh": "专属客户团队，深入了解客户的业务、市场、客户和竞争对手",
    },
    "value.action.annual_review": {"en": "Review the account's finances every year", "zh": "每年审查该客户的财务状况"},
    "value.action.measure_return": {
        "en": "Measure the return on what is invested in the customer",
        "zh": "衡量在该客户上投入的回报",
    },
    "value.action.watch_dependence": {
        "en": "Watch dependence: plan for losing or being replaced at a large account",
        "zh": "关注依赖风险：为大客户流失或被替代预先做好准备",
    },
    "value.action.account_plan": {
        "en": "Account plan; allocate resources by value and potential",
        "zh": "制定客户计划；按价值和潜力分配资源",
    },
    "value.action.bring_improvements": {
        "en": "Keep bringing improvements and new products",
        "zh": "持续提供改进建议和新产品",
    },
    "value.action.invest_in_growth": {
        "en": "Invest ahead in customers whose business is growing",
        "zh": "对业务正在增长的客户提前投入",
    },
    "value.action.standard_service": {"en": "Standard, efficient service", "zh": "标准化、高效率的服务"},
    "value.action.follow_up": {"en": "Follow up after each sale", "zh": "售后主动跟进回访"},
    "value.action.spot_potential": {
        "en": "Spot growing customers that could move up a tier",
        "zh": "识别有望升级的成长型客户",
    },
    "value.action.efficient_service": {"en": "Low-cost channels and self-service", "zh": "低成本渠道和自助服务"},
    "value.action.review_cost_to_serve": {
        "en": "Check the cost to serve; no discounts that destroy profit",
        "zh": "核查服务成本；不做损害利润的折扣",
    },
    "value.kpi.retention": {"en": "Retention rate", "zh": "客户保持率"},
    "value.kpi.share_of_wallet": {"en": "Share of the customer's purchases", "zh": "客户采购份额"},
    "value.kpi.gross_margin": {"en": "Gross margin", "zh": "毛利率"},
    "value.kpi.return_on_investment": {"en": "Return on account investment", "zh": "客户投入回报率"},
    "value.kpi.revenue_concentration": {"en": "Revenue concentration", "zh": "销售额集中度"},
    "value.kpi.revenue_growth": {"en": "Revenue growth", "zh": "销售额增长率"},
    "value.kpi.satisfaction": {"en": "Satisfaction", "zh": "客户满意度"},
    "value.kpi.upgrade_rate": {"en": "Customers moving up a tier", "zh": "升级客户比例"},
    "value.kpi.order_frequency": {"en": "Order frequency", "zh": "购买频次"},
    "value.kpi.cost_to_serve": {"en": "Cost to serve", "zh": "服务成本"},
    "value.warning.margin_below_level": {
        "en": "The margin does not support this relationship level: check the cost to serve.",
        "zh": "该等级的利润率不足以支撑目标关系层次，请核查服务成本。",
    },
    "value.warning.dependence": {
        "en": "A few customers bring most of the revenue: losing one would hurt badly.",
        "zh": "少数客户贡献了大部分销售额，一旦流失影响巨大。",
    },
}
