"""Tier migration: matrix totals against both periods, entering and leaving customers, the demo."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics import migration, potential, table_uploads
from analytics.dimensions import dimension_scores
from analytics.mapping import suggest_mapping
from analytics.migration import ENTERING, LEAVING
from analytics.potential import LifetimeSettings
from analytics.presets import PRESETS
from analytics.readers import open_upload
from analytics.store import Store
from analytics.table_uploads import validate_transactions
from analytics.tiering import TIERS
from ui.figures.lifecycle import migration_sankey_figure, transition_heatmap_figure

BEFORE, AFTER = date(2024, 12, 31), date(2025, 12, 31)
WEIGHTS = PRESETS["balanced"]


def load(store, rows: list[tuple]) -> int:
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "revenue"]).assign(cost=lambda f: f["revenue"] * 0.7)
    raw = open_upload("orders.csv", frame.to_csv(index=False).encode("utf-8"))
    return table_uploads.write_upload(store, validate_transactions(raw, suggest_mapping(list(raw.frame.columns))),
                               mode="new", digest=None)


def tiers_at(store, dataset_id: int, as_of: date, lifetime: LifetimeSettings | None = None) -> pd.DataFrame:
    """Tiers at a cut-off as the lifecycle page scores them: features as of it, with potential value
    from the lifetime-value models fitted up to it when ``lifetime`` is given."""
    features = potential.scoring_features_at(store, dataset_id, as_of, lifetime)
    return migration.tiers_from_scores(dimension_scores(features), WEIGHTS)


def migrate(store, dataset_id: int, before: date, after: date,
            lifetime: LifetimeSettings | None = None) -> migration.Migration:
    """Tiers at both cut-offs and the moves between them, composed as the lifecycle page does."""
    tiers = [tiers_at(store, dataset_id, cutoff, lifetime) for cutoff in (before, after)]
    return migration.build_migration(*tiers, migration.period_activity(store, dataset_id, before, after), before, after)


def orders(customer: str, start: date, count: int, amount: float, step: int = 30) -> list[tuple]:
    return [(customer, start + timedelta(days=step * i), amount) for i in range(count)]


# Periods: earlier (2023-12-31, 2024-12-31], later (2024-12-31, 2025-12-31].
ROWS = (
    [row for i in range(12) for row in orders(f"STAY{i:02d}", date(2024, 1, 10), 23, 100.0 * (i + 1))]
    + orders("LEAVE", date(2024, 2, 1), 6, 5000.0)  # earlier period only
    + orders("ENTER", date(2025, 3, 1), 5, 800.0)  # first order in the later period
    + orders("BACK", date(2022, 5, 1), 2, 300.0) + orders("BACK", date(2025, 6, 1), 2, 300.0)  # returns after a break
    + orders("GONE", date(2022, 1, 1), 3, 900.0)  # active in neither period
    + [("LEAVE", date(2025, 4, 1), -200.0)]  # a return is not activity
)


@pytest.fixture(scope="module")
def moves(module_store) -> migration.Migration:
    dataset_id = load(module_store, ROWS)
    return migrate(module_store, dataset_id, BEFORE, AFTER)


def active_in(start: date, end: date) -> set[str]:
    """Customers with a positive line in (start, end], straight from the rows."""
    return {c for c, day, revenue in ROWS if start < day <= end and revenue > 0}


def test_matrix_sums_to_the_customers_of_both_periods(store):
    dataset_id = load(store, ROWS)
    moves = migrate(store, dataset_id, BEFORE, AFTER)
    earlier, later = active_in(BEFORE - (AFTER - BEFORE), BEFORE), active_in(BEFORE, AFTER)
    tiers_before = tiers_at(store, dataset_id, BEFORE).set_index("customer_id")["tier"]
    tiers_after = tiers_at(store, dataset_id, AFTER).set_index("customer_id")["tier"]
    counts = moves.counts
    for tier in TIERS:
        assert counts.loc[tier].sum() == sum(tiers_before[c] == tier for c in earlier), tier
        assert counts[tier].sum() == sum(tiers_after[c] == tier for c in later), tier
    assert counts.loc[ENTERING].sum() == len(later - earlier) == 2
    assert counts[LEAVING].sum() == len(earlier - later) == 1
    assert counts.to_numpy().sum() == len(earlier | later) == 15
    assert (moves.customers_before, moves.customers_after) == (len(earlier), len(later))
    assert counts.loc[ENTERING, LEAVING] == 0


def test_absent_customers_enter_or_leave(moves):
    flows = moves.customers.set_index("customer_id")
    assert flows.loc["LEAVE", "tier_after"] == LEAVING and flows.loc["LEAVE", "tier_before"] in TIERS
    assert flows.loc["ENTER", "tier_before"] == ENTERING and flows.loc["ENTER", "tier_after"] in TIERS
    assert flows.loc["BACK", "tier_before"] == ENTERING  # known before, but did not buy in the earlier period
    assert "GONE" not in flows.index
    assert np.isnan(flows.loc["LEAVE", "value_after"]) and np.isnan(flows.loc["ENTER", "value_before"])


def test_value_matrix_holds_later_revenue_and_what_left(moves):
    values = moves.values
    assert values[LEAVING].sum() == pytest.approx(6 * 5000.0)  # LEAVE's earlier revenue (its return falls later)
    assert values.loc[ENTERING].sum() == pytest.approx(5 * 800.0 + 2 * 300.0)
    later_revenue = sum(r for c, day, r in ROWS if BEFORE < day <= AFTER and c != "LEAVE")
    assert values[list(TIERS)].to_numpy().sum() == pytest.approx(later_revenue)


def test_retention_and_tier_changes(moves):
    retention = moves.retention().set_index("tier")
    leave_tier = moves.customers.set_index("customer_id").loc["LEAVE", "tier_before"]
    assert retention["customers"].sum() == moves.customers_before
    assert retention["retained"].sum() == moves.customers_before - 1
    assert retention.loc[leave_tier, "retention"] < 1
    assert (retention.drop(index=leave_tier)["retention"].dropna() == 1).all()
    rank = {tier: i for i, tier in enumerate(TIERS)}
    for changes, rising in ((moves.upgrades(), True), (moves.downgrades(), False)):
        moved = changes["tier_before"].map(rank).astype(int) - changes["tier_after"].map(rank).astype(int)
        assert ((moved > 0) if rising else (moved < 0)).all()
        assert (changes["steps"] == moved.abs()).all()
        assert changes["steps"].is_monotonic_decreasing
    both = moves.customers[moves.customers["tier_before"].isin(TIERS) & moves.customers["tier_after"].isin(TIERS)]
    unchanged = (both["tier_before"] == both["tier_after"]).sum()
    assert len(moves.upgrades()) + len(moves.downgrades()) + unchanged == len(both)


def test_cutoffs_without_customers_give_empty_periods(store):
    dataset_id = load(store, ROWS)
    nobody = migrate(store, dataset_id, date(2019, 1, 1), date(2019, 6, 1))
    assert nobody.customers.empty and nobody.counts.to_numpy().sum() == 0
    all_new = migrate(store, dataset_id, date(2020, 1, 1), date(2022, 6, 1))
    assert all_new.customers_before == 0
    assert set(all_new.customers["tier_before"]) == {ENTERING}
    with pytest.raises(ValueError, match="before"):
        migrate(store, dataset_id, AFTER, BEFORE)


def test_default_cutoffs_are_a_year_apart():
    assert migration.default_cutoffs(date(2024, 2, 29)) == (date(2023, 2, 28), date(2024, 2, 29))


def test_demo_migration_matches_independent_counts(app_database):
    store = Store(app_database)
    try:
        before, after = migration.default_cutoffs(store.last_order_date(1))
        moves = migrate(store, 1, before, after, LifetimeSettings())
        lines = store.frame("SELECT customer_id, order_date, revenue FROM transactions WHERE revenue > 0")
        lines["order_date"] = lines["order_date"].dt.date
        earlier = set(lines.loc[(lines["order_date"] > before - (after - before)) & (lines["order_date"] <= before), "customer_id"])
        later = set(lines.loc[(lines["order_date"] > before) & (lines["order_date"] <= after), "customer_id"])
        scoring = potential.scoring_features_at(store, 1, after, LifetimeSettings())
        assert scoring["potential_value"].notna().any()  # the lifetime-value model fits the demo
        tiers_after = tiers_at(store, 1, after, LifetimeSettings()).set_index("customer_id")["tier"]
    finally:
        store.close()
    assert moves.counts.loc[list(TIERS)].to_numpy().sum() == len(earlier)
    assert moves.counts[list(TIERS)].to_numpy().sum() == len(later)
    assert moves.counts.loc[ENTERING].sum() == len(later - earlier)
    assert moves.counts[LEAVING].sum() == len(earlier - later)
    for tier in TIERS:
        assert moves.counts[tier].sum() == (tiers_after.loc[sorted(later)] == tier).sum()


def test_sankey_and_heatmap_draw_every_flow(moves):
    sankey = migration_sankey_figure(moves.counts, "zh").data[0]
    assert sum(sankey.link.value) == moves.counts.to_numpy().sum()
    assert "新进入（新客户或回流）" in sankey.node.label and "流失离开" in sankey.node.label
    counts = moves.counts.to_numpy()
    assert len(sankey.node.label) == (counts.sum(axis=1) > 0).sum() + (counts.sum(axis=0) > 0).sum()
    assert set(sankey.link.source) | set(sankey.link.target) == set(range(len(sankey.node.label)))
    heatmap = transition_heatmap_figure(moves.values, "en", "values").data[0]
    assert np.array_equal(np.asarray(heatmap.z), moves.values.to_numpy())
    with pytest.raises(ValueError, match="kind"):
        transition_heatmap_figure(moves.counts, "en", "shares")


def test_sankey_leaves_out_net_returns(moves):
    values = moves.values.copy()
    # A row whose net total is negative although one of its cells is positive (returns outweigh a purchase).
    values.loc[ENTERING] = 0.0
    values.loc[ENTERING, "C"], values.loc[ENTERING, "B"] = 100.0, -300.0
    sankey = migration_sankey_figure(values, "en", "values").data[0]
    assert min(sankey.link.value) > 0
    assert sum(sankey.link.value) == pytest.approx(values.clip(lower=0).to_numpy().sum())
    assert "Entering (new or back)" in sankey.node.label
