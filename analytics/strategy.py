"""Step three of the value model (docs/VALUE_MODEL.md): a strategy per tier, the pyramid and the
relationship matrix.

Everything here works on ``value_model.value_table`` (one row per customer with ``tier``,
``value`` in money, ``revenue``, ``gross_profit``, ``margin_pct``) and returns numbers plus
translation keys (``value.*`` in ``ui/strings/value.py``), never prose. Every share is a share
of money (or of customers); the value score is never shared out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.tiering import TIERS

# Kotler's five relationship levels, weakest first.
LEVELS = ("basic", "passive", "responsible", "proactive", "partner")
# Relationship-marketing level (bond) that keeps each relationship level.
BONDS = {
    "basic": "financial", "passive": "financial",
    "responsible": "social", "proactive": "social",
    "partner": "structural",
}
COUNT_LEVELS = ("many", "medium", "few")
MARGIN_LEVELS = ("high", "medium", "low")
# The level to aim for, by number of customers and profit margin (Kotler's grid, docs/DOMAIN_NOTES.md).
RELATIONSHIP_GRID = {
    "many": {"high": "responsible", "medium": "passive", "low": "basic"},
    "medium": {"high": "proactive", "medium": "responsible", "low": "passive"},
    "few": {"high": "partner", "medium": "proactive", "low": "responsible"},
}
# A group holding less than FEW_FACTOR x the equal share (1 / number of groups) of customers is
# "few", more than MANY_FACTOR x is "many", anything between is "medium".
FEW_FACTOR = 0.5
MANY_FACTOR = 1.5

# Target relationship level per tier as a (lowest, highest) range; the relationship matrix picks
# inside it. S and A are key accounts whatever their margin (partner, proactive); B is responsible
# unless its margin and size only support a passive relationship; C gets a basic one.
TIER_LEVEL_RANGE = {
    "S": ("partner", "partner"),
    "A": ("proactive", "proactive"),
    "B": ("passive", "responsible"),
    "C": ("basic", "basic"),
}
BOND_ACTIONS = {
    "financial": ("value.action.volume_pricing", "value.action.loyalty_discount"),
    "social": ("value.action.personalize", "value.action.cut_buying_costs"),
    "structural": ("value.action.customize", "value.action.co_design"),
}
TIER_ACTIONS = {
    "S": ("value.action.joint_plan", "value.action.dedicated_team", "value.action.annual_review",
          "value.action.measure_return", "value.action.watch_dependence"),
    "A": ("value.action.account_plan", "value.action.bring_improvements", "value.action.invest_in_growth"),
    "B": ("value.action.standard_service", "value.action.follow_up", "value.action.spot_potential"),
    "C": ("value.action.efficient_service", "value.action.review_cost_to_serve"),
}
TIER_KPIS = {
    "S": ("value.kpi.retention", "value.kpi.share_of_wallet", "value.kpi.gross_margin",
          "value.kpi.return_on_investment", "value.kpi.revenue_concentration"),
    "A": ("value.kpi.revenue_growth", "value.kpi.share_of_wallet", "value.kpi.satisfaction",
          "value.kpi.upgrade_rate"),
    "B": ("value.kpi.order_frequency", "value.kpi.gross_margin", "value.kpi.satisfaction",
          "value.kpi.upgrade_rate"),
    "C": ("value.kpi.cost_to_serve", "value.kpi.gross_margin", "value.kpi.order_frequency"),
}
# A tier holding at least this share of revenue with at most DEPENDENCE_CUSTOMER_SHARE of the
# customers makes the business dependent on a few accounts: concentration must be watched.
DEPENDENCE_REVENUE_SHARE = 0.5
DEPENDENCE_CUSTOMER_SHARE = 0.1


@dataclass(frozen=True, eq=False)
class StrategyCard:
    """Numbers and translation keys for one tier's strategy card."""

    tier: str
    customers: int
    customer_share: float
    revenue_share: float
    gross_profit_share: float
    value_share: float
    avg_revenue: float
    avg_gross_profit: float
    implied_level: str | None
    target_level: str
    bond: str
    actions: tuple[str, ...]
    kpis: tuple[str, ...]
    resource_share: float
    warnings: tuple[str, ...]
    top_customers: pd.DataFrame


def pyramid(table: pd.DataFrame) -> pd.DataFrame:
    """Per tier, S first: customers, value (money), revenue and gross profit, each with its share
    of the net total (negative for a tier that loses money; NaN when the total is not positive)."""
    tiers = pd.Categorical(table["tier"], categories=TIERS, ordered=True)
    grouped = table.assign(tier=tiers).groupby("tier", observed=False)
    result = pd.DataFrame({"customers": grouped.size()})
    for name in ("value", "revenue", "gross_profit"):
        result[name] = grouped[name].sum(min_count=1) if name in table.columns else np.nan
    result = result.reindex(list(TIERS)).rename_axis("tier").reset_index()
    result["customers"] = result["customers"].fillna(0).astype(int)
    result["customer_share"] = _share(result["customers"], result["customers"].sum())
    for name in ("value", "revenue", "gross_profit"):
        result[f"{name}_share"] = _share(result[name], result[name].sum(min_count=1))
    return result[["tier", "customers", "customer_share", "value", "value_share", "revenue",
                   "revenue_share", "gross_profit", "gross_profit_share"]]


def _share(part: pd.Series, total: float) -> pd.Series:
    """Part / total; NaN when the total is missing or not positive (a share of a loss means nothing)."""
    if not np.isfinite(total) or total <= 0:
        return pd.Series(np.nan, index=part.index)
    return part.fillna(0) / total


def relationship_grid() -> pd.DataFrame:
    """The 3x3 relationship grid: rows are count levels, columns margin levels, cells levels."""
    return pd.DataFrame(
        [[RELATIONSHIP_GRID[count][margin] for margin in MARGIN_LEVELS] for count in COUNT_LEVELS],
        index=pd.Index(COUNT_LEVELS, name="count_level"),
        columns=pd.Index(MARGIN_LEVELS, name="margin_level"),
    )


def margin_thresholds(table: pd.DataFrame) -> tuple[float, float] | None:
    """The margins (``margin_pct``) up to which a third and two thirds of the revenue is earned,
    customers taken from the lowest margin up: a group is low margin below the first and high above
    the second. None when no customer has a margin (no cost data).

    A group's margin is its gross profit over its revenue, a mean of its customers' margins weighted
    by revenue, so the bands it is read against weigh customers by revenue too. Terciles of customers
    counted alike sit above the margin of any large group wherever small customers earn higher
    margins (in the demo at 100,000 customers: 17.3% and 27.9%, the company's margin 15.3%).
    """
    if "margin_pct" not in table.columns:
        return None
    margins = pd.to_numeric(table["margin_pct"], errors="coerce").to_numpy(dtype=float)
    known = ~np.isnan(margins)  # a margin is known only where revenue is positive
    if not known.any():
        return None
    order = np.argsort(margins[known], kind="stable")
    ascending = margins[known][order]
    earned = np.cumsum(np.maximum(table["revenue"].to_numpy(dtype=float)[known][order], 0.0))
    low, high = ascending[np.searchsorted(earned, earned[-1] * np.array([1 / 3, 2 / 3]))]
    return float(low), float(high)


def place_in_matrix(
    table: pd.DataFrame, by: str = "tier", thresholds: tuple[float, float] | None = None
) -> pd.DataFrame:
    """Place each group (``tier`` or ``customer_type``) in the relationship matrix.

    Count level compares a group's customer share with the equal share (see ``FEW_FACTOR``);
    margin level compares the group's margin (gross profit / revenue) with ``thresholds``
    (default: ``margin_thresholds``). Level and bond are None without margin data.
    Groups without customers or without a group value are left out.
    """
    if by not in ("tier", "customer_type"):
        raise ValueError(f"by must be 'tier' or 'customer_type', got {by!r}")
    thresholds = margin_thresholds(table) if thresholds is None else thresholds
    if thresholds is not None and thresholds[0] > thresholds[1]:
        raise ValueError(f"thresholds must be (low, high) with low <= high, got {thresholds}")
    frame = table[[by, "revenue"]].copy()
    frame["gross_profit"] = table["gross_profit"] if "gross_profit" in table.columns else np.nan
    frame = frame.dropna(subset=[by])
    frame[by] = frame[by].astype(str)
    # Margin over customers that have a profit figure, so missing costs do not dilute it.
    frame["revenue_with_profit"] = frame["revenue"].where(frame["gross_profit"].notna())
    grouped = frame.groupby(by, sort=False)
    groups = pd.DataFrame({
        "customers": grouped.size(),
        "profit": grouped["gross_profit"].sum(min_count=1),
        "revenue_with_profit": grouped["revenue_with_profit"].sum(min_count=1),
    })
    order = list(TIERS) if by == "tier" else sorted(groups.index)
    groups = groups.reindex([g for g in order if g in groups.index])

    share = groups["customers"] / groups["customers"].sum()
    equal_share = 1 / len(groups) if len(groups) else np.nan
    count_level = np.where(share < FEW_FACTOR * equal_share, "few",
                           np.where(share > MANY_FACTOR * equal_share, "many", "medium"))
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(groups["revenue_with_profit"] > 0,
                          groups["profit"] / groups["revenue_with_profit"] * 100, np.nan)
    margin_level = [_margin_level(m, thresholds) for m in margin]
    level = [RELATIONSHIP_GRID[c][m] if m else None for c, m in zip(count_level, margin_level)]
    return pd.DataFrame({
        "group": groups.index.to_list(),
        "customers": groups["customers"].to_numpy(dtype=int),
        "customer_share": share.to_numpy(),
        "margin_pct": margin,
        "count_level": count_level,
        "margin_level": margin_level,
        "level": level,
        "bond": [BONDS[lv] if lv else None for lv in level],
    })


def _margin_level(margin: float, thresholds: tuple[float, float] | None) -> str | None:
    if thresholds is None or not np.isfinite(margin):
        return None
    low, high = thresholds
    return "low" if margin < low else "high" if margin > high else "medium"


def target_level(tier: str, implied_level: str | None) -> str:
    """The tier's level range (``TIER_LEVEL_RANGE``) clipped to the level the matrix implies;
    the range's top when the matrix cannot tell (no margin data)."""
    lowest, highest = (LEVELS.index(level) for level in TIER_LEVEL_RANGE[tier])
    if implied_level is None:
        return LEVELS[highest]
    return LEVELS[min(max(LEVELS.index(implied_level), lowest), highest)]


def strategy_cards(
    table: pd.DataFrame,
    blend: float = 1.0,
    top_n: int = 5,
    thresholds: tuple[float, float] | None = None,
) -> list[StrategyCard]:
    """One card per tier, S first.

    ``resource_share`` suggests the tier's share of account resources: ``blend`` x its share of
    value + (1 - blend) x its share of customers, so 1 follows value in money and 0 spreads
    resources per customer. A tier whose customers lose money together gets no resources for its
    value (its share of value is counted from zero), so the shares always add up to 100%; when no
    tier has a positive value, resources follow customers.
    """
    if not 0 <= blend <= 1:
        raise ValueError(f"blend must be in [0, 1], got {blend}")
    if top_n < 0:
        raise ValueError(f"top_n must be >= 0, got {top_n}")
    shares = pyramid(table).set_index("tier")
    resources = _resource_shares(shares, blend)
    implied = place_in_matrix(table, "tier", thresholds).set_index("group")["level"]
    top_columns = [c for c in ("customer_id", "name", "value", "revenue", "gross_profit") if c in table.columns]
    cards = []
    for tier in TIERS:
        row = shares.loc[tier]
        members = table[table["tier"] == tier]
        implied_level = implied.get(tier)
        if not isinstance(implied_level, str):  # pandas 3 keeps a missing level as NaN, not None
            implied_level = None
        level = target_level(tier, implied_level)
        bond = BONDS[level]
        # Rows are in customer_id order, so keep="first" breaks ties by customer_id.
        top = members.nlargest(top_n, "value", keep="first")
        cards.append(StrategyCard(
            tier=tier,
            customers=int(row["customers"]),
            customer_share=float(row["customer_share"]),
            revenue_share=float(row["revenue_share"]),
            gross_profit_share=float(row["gross_profit_share"]),
            value_share=float(row["value_share"]),
            avg_revenue=_mean(members, "revenue"),
            avg_gross_profit=_mean(members, "gross_profit"),
            implied_level=implied_level,
            target_level=level,
            bond=bond,
            actions=BOND_ACTIONS[bond] + TIER_ACTIONS[tier],
            kpis=TIER_KPIS[tier],
            resource_share=float(resources[tier]),
            warnings=_warnings(row, implied_level, level),
            top_customers=top[top_columns].reset_index(drop=True),
        ))
    return cards


def _resource_shares(shares: pd.DataFrame, blend: float) -> pd.Series:
    """Per tier, ``blend`` x share of the value counted from zero + (1 - blend) x share of customers."""
    value = shares["value"].fillna(0).clip(lower=0)
    by_value = value / value.sum() if value.sum() > 0 else shares["customer_share"]
    return blend * by_value + (1 - blend) * shares["customer_share"]


def _mean(members: pd.DataFrame, column: str) -> float:
    if column not in members.columns or members[column].isna().all():
        return float("nan")
    return float(members[column].mean())


def _warnings(row: pd.Series, implied_level: str | None, level: str) -> tuple[str, ...]:
    warnings = []
    if implied_level is not None and LEVELS.index(implied_level) < LEVELS.index(level):
        # Discounts that destroy profit are not customer value.
        warnings.append("value.warning.margin_below_level")
    if row["revenue_share"] >= DEPENDENCE_REVENUE_SHARE and row["customer_share"] <= DEPENDENCE_CUSTOMER_SHARE:
        warnings.append("value.warning.dependence")
    return tuple(warnings)


def tier_relationships(cards: list[StrategyCard]) -> pd.DataFrame:
    """Per tier: target level, bond and the first recommended action (for per-customer lists)."""
    return pd.DataFrame({
        "tier": [card.tier for card in cards],
        "relationship_level": [card.target_level for card in cards],
        "bond": [card.bond for card in cards],
        "action": [card.actions[0] for card in cards],
    })
