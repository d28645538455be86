"""Concentration analytics checked against answers worked out by hand."""

import numpy as np
import pandas as pd
import pytest

from analytics.concentration import (
    ConcentrationUndefined,
    RiskThresholds,
    concentration_risk,
    concentration_summary,
    customers_for_share,
    gini,
    hhi,
    left_out,
    pareto_curve,
    rank_column,
    rank_columns,
    rank_metric,
    share_of_top,
    top_n_shares,
    whale_curve,
)
from analytics.kpis import overview_kpis
from ui.strings.conc import STRINGS

# 20 customers with 80 each and 80 with 5 each: total 2,000, the top 20% bring 1,600 = 80%.
EIGHTY_TWENTY = [5.0] * 80 + [80.0] * 20


@pytest.mark.parametrize("n", [1, 2, 10, 1000])
def test_gini_is_zero_for_equal_values(n):
    assert gini(rank_metric(np.full(n, 7.5))) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("n", [1, 2, 4, 1000])
def test_gini_is_n_minus_one_over_n_when_one_customer_has_everything(n):
    values = np.zeros(n)
    values[n // 2] = 42.0
    assert gini(rank_metric(values)) == pytest.approx((n - 1) / n, abs=1e-12)


def test_gini_matches_mean_absolute_difference_definition():
    values = np.random.default_rng(3).lognormal(0.0, 1.5, size=300)
    by_definition = np.abs(values[:, None] - values[None, :]).sum() / (2 * values.size**2 * values.mean())
    assert gini(rank_metric(values)) == pytest.approx(by_definition, rel=1e-10)


def test_gini_on_the_80_20_example():
    # pairs across the two groups: 2 * 20 * 80 pairs differing by 75, over 2 * n^2 * mean
    assert gini(rank_metric(EIGHTY_TWENTY)) == pytest.approx(2 * 20 * 80 * 75 / (2 * 100**2 * 20))


def test_negative_values_count_as_zero_share():
    with_losses = rank_metric([10.0, -5.0, 0.0, -1.0])
    assert gini(with_losses) == pytest.approx(0.75)
    assert with_losses.total == 10.0
    assert hhi(with_losses) == pytest.approx(10_000.0)


def test_top_20_percent_bring_80_percent():
    ranked = rank_metric(EIGHTY_TWENTY)
    assert share_of_top(ranked, 0.2) == pytest.approx(0.8)
    assert share_of_top(ranked, 0.1) == pytest.approx(800 / 2000)
    assert share_of_top(ranked, 1.0) == pytest.approx(1.0)
    assert share_of_top(ranked, 0.0) == 0.0


def test_readout_interpolates_between_whole_customers():
    # 20.5 customers: the 20 large ones and half of the first small one
    assert share_of_top(rank_metric(EIGHTY_TWENTY), 0.205) == pytest.approx(1602.5 / 2000)


def test_inverse_readout():
    ranked = rank_metric(EIGHTY_TWENTY)
    assert customers_for_share(ranked, 0.8) == pytest.approx(0.2)
    assert customers_for_share(ranked, 0.5) == pytest.approx(12.5 / 100)  # 1,000 = 12.5 x 80
    assert customers_for_share(ranked, 0.0) == 0.0
    assert customers_for_share(ranked, 1.0) == pytest.approx(1.0)


def test_inverse_readout_stops_at_the_last_contributing_customer():
    assert customers_for_share(rank_metric([3.0, 1.0, 0.0, -2.0]), 1.0) == pytest.approx(0.5)


def test_readouts_are_inverse_of_each_other():
    ranked = rank_metric(np.random.default_rng(5).pareto(1.5, size=5000))
    for value_share in (0.1, 0.5, 0.8, 0.95):
        assert share_of_top(ranked, customers_for_share(ranked, value_share)) == pytest.approx(value_share)


def test_top_n_shares_and_hhi_by_hand():
    ranked = rank_metric([5.0, 30.0, 10.0, 50.0, 5.0, -20.0])
    assert top_n_shares(ranked) == pytest.approx({1: 0.5, 5: 1.0, 10: 1.0, 20: 1.0})
    assert top_n_shares(ranked, (2, 3)) == pytest.approx({2: 0.8, 3: 0.9})
    # squared percentage shares: 50^2 + 30^2 + 10^2 + 5^2 + 5^2
    assert hhi(ranked) == pytest.approx(3550.0)


def test_hhi_bounds():
    assert hhi(rank_metric(np.ones(100))) == pytest.approx(100.0)
    assert hhi(rank_metric([0.0, 9.0, 0.0])) == pytest.approx(10_000.0)


def test_summary_collects_the_measures():
    summary = concentration_summary(rank_metric(EIGHTY_TWENTY), ns=(1, 20))
    assert summary.n_customers == 100
    assert summary.total == 2000.0
    assert summary.top_shares == pytest.approx({1: 0.04, 20: 0.8})
    assert summary.top20_share == pytest.approx(0.8)
    assert summary.hhi == pytest.approx(20 * 4.0**2 + 80 * 0.25**2)


def test_whale_curve_peak_and_loss_makers():
    whale = whale_curve(rank_metric([10.0, -3.0, 0.0, 5.0, -2.0]))
    assert whale.total_profit == pytest.approx(10.0)
    assert whale.peak_share == pytest.approx(1.5)
    assert whale.peak_rank == 2
    assert whale.peak_customer_share == pytest.approx(0.4)
    assert whale.loss_makers == 2
    assert whale.profit_destroyed == pytest.approx(5.0)
    np.testing.assert_allclose(whale.curve.value_share, [0.0, 1.0, 1.5, 1.5, 1.3, 1.0])


def test_left_out_counts_the_negative_values_and_what_they_take_away():
    assert left_out(rank_metric([10.0, -3.0, 0.0, 5.0, -2.0])) == (2, pytest.approx(5.0))
    assert left_out(rank_metric([10.0, 0.0, 5.0])) == (0, 0.0)


def test_whale_curve_without_losses_peaks_at_100_percent():
    whale = whale_curve(rank_metric([4.0, 1.0, 5.0]))
    assert whale.peak_share == pytest.approx(1.0)
    assert (whale.loss_makers, whale.profit_destroyed) == (0, 0.0)


def test_whale_curve_needs_positive_total_profit():
    with pytest.raises(ConcentrationUndefined) as raised:
        whale_curve(rank_metric([5.0, -8.0]))
    assert raised.value.message_key == "conc.error.no_profit"


def test_curves_are_bounded_and_keep_required_points():
    n = 100_003
    ranked = rank_metric(np.random.default_rng(11).lognormal(0.0, 2.0, size=n) - 0.4)
    marks = (0.2, 0.37)
    curve = pareto_curve(ranked, max_points=200, marks=marks)
    assert curve.rank.size <= 200
    assert np.all(np.diff(curve.rank) > 0)
    assert curve.rank[0] == 0 and curve.rank[-1] == n
    assert {20_000, 20_001, 37_001, 37_002} <= set(curve.rank.tolist())
    for mark in marks:
        assert curve.share_at(mark) == pytest.approx(share_of_top(ranked, mark), rel=1e-12)
    assert curve.value_share[-1] == pytest.approx(1.0)

    whale = whale_curve(ranked, max_points=200, marks=(0.5,))
    assert whale.curve.rank.size <= 200
    assert {whale.peak_rank, 50_001, 50_002} <= set(whale.curve.rank.tolist())
    assert whale.curve.value_share.max() == pytest.approx(whale.peak_share)


def test_small_curves_keep_every_customer():
    assert pareto_curve(rank_metric(EIGHTY_TWENTY), max_points=500).rank.tolist() == list(range(101))


def test_curve_points_name_the_customer_at_that_rank():
    ranked = rank_metric([3.0, 9.0, 1.0, 5.0], labels=["c", "a", "d", "b"])
    assert pareto_curve(ranked).label.tolist() == ["", "a", "b", "c", "d"]
    assert pareto_curve(rank_metric([3.0, 9.0])).label is None


def test_equal_values_are_named_in_input_order():
    ranked = rank_metric([2.0, 5.0, 2.0, 0.0, 2.0, -0.0], labels=["b1", "a", "b2", "z1", "b3", "z2"])
    assert pareto_curve(ranked).label.tolist() == ["", "a", "b1", "b2", "b3", "z1", "z2"]
    rng = np.random.default_rng(5)
    values = np.round(rng.normal(1.0, 1.0, 5_000), 1)
    ranked = rank_metric(values)
    np.testing.assert_array_equal(ranked.values, np.sort(values)[::-1])
    ranks = np.arange(0, values.size, 13)
    np.testing.assert_array_equal(ranked.positions(ranks), np.argsort(-values, kind="stable")[ranks])


@pytest.mark.parametrize(
    "revenue, thresholds, expected",
    [
        ([12.0] * 5 + [1.0] * 40, RiskThresholds(), "high"),  # top 5 bring 60%, HHI 760
        ([10.0] * 5 + [1.0] * 50, RiskThresholds(), "high"),  # exactly 50%: the threshold counts
        ([6.0] * 5 + [1.0] * 70, RiskThresholds(), "moderate"),  # 30%, HHI 250
        ([1.0] * 100, RiskThresholds(), "low"),  # 5%, HHI 100
        ([12.0] * 5 + [1.0] * 40, RiskThresholds(top_share_moderate=0.9, top_share_high=0.95), "low"),
        (
            [12.0] * 5 + [1.0] * 40,
            RiskThresholds(top_share_moderate=0.9, top_share_high=0.95, hhi_moderate=700, hhi_high=800),
            "moderate",
        ),
    ],
)
def test_risk_levels_against_thresholds(revenue, thresholds, expected):
    assert concentration_risk(rank_metric(revenue), thresholds).level == expected


def test_risk_verdict_reports_both_signals():
    verdict = concentration_risk(rank_metric([12.0] * 5 + [1.0] * 40))
    assert verdict.top_share == pytest.approx(0.6)
    assert verdict.hhi == pytest.approx(760.0)
    assert (verdict.top_share_level, verdict.hhi_level) == ("high", "low")


def test_risk_with_fewer_customers_than_top_n():
    verdict = concentration_risk(rank_metric([3.0, 1.0]))
    assert (verdict.top_n, verdict.top_share, verdict.level) == (2, 1.0, "high")


@pytest.mark.parametrize(
    "bad",
    [
        {"top_share_moderate": 0.6, "top_share_high": 0.5},
        {"hhi_moderate": 3000.0},
        {"hhi_high": 20_000.0},
        {"top_n": 0},
    ],
)
def test_invalid_thresholds_are_rejected(bad):
    with pytest.raises(ValueError):
        RiskThresholds(**bad)


@pytest.mark.parametrize(
    "values, message_key",
    [
        ([], "conc.error.no_customers"),
        ([np.nan, np.nan], "conc.error.missing_metric"),
        ([0.0, -3.0], "conc.error.no_positive_total"),
    ],
)
def test_undefined_concentration_names_a_translated_message(values, message_key):
    with pytest.raises(ConcentrationUndefined) as raised:
        rank_metric(values)
    assert raised.value.message_key == message_key
    assert message_key in STRINGS
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    "call",
    [
        lambda: rank_metric([1.0, np.nan]),
        lambda: rank_metric([1.0, np.inf]),
        lambda: rank_metric([[1.0, 2.0]]),
        lambda: rank_metric([1.0, 2.0], labels=["a"]),
        lambda: share_of_top(rank_metric([1.0]), 1.5),
        lambda: customers_for_share(rank_metric([1.0]), -0.1),
        lambda: top_n_shares(rank_metric([1.0]), (0,)),
        lambda: pareto_curve(rank_metric([1.0]), max_points=5),
    ],
)
def test_malformed_input_is_a_plain_value_error(call):
    with pytest.raises(ValueError) as raised:
        call()
    assert not isinstance(raised.value, ConcentrationUndefined)


def _features(**columns):
    frame = {"revenue": [100.0, 50.0, 30.0, 20.0], "gross_profit": [30.0, 10.0, -5.0, 5.0],
             "recency_days": [0, 364, 365, 800]}
    return pd.DataFrame({**frame, **columns})


def test_overview_kpis_for_all_customers():
    row = overview_kpis(_features()).loc["all"]
    assert row["customers"] == 4
    assert row["active_customers"] == 2  # within the last 365 days: recency 0 to 364
    assert row["revenue"] == 200.0
    assert row["gross_profit"] == 40.0
    assert row["margin_pct"] == pytest.approx(20.0)
    assert row["top20_share"] == pytest.approx(0.8 * 100.0 / 200.0)  # 0.8 of the largest customer
    assert overview_kpis(_features(), active_days=800).loc["all", "active_customers"] == 3


def test_overview_kpis_per_tier_in_category_order():
    tiers = pd.Categorical(["A", "B", "A", None], categories=["S", "A", "B"])
    table = overview_kpis(_features(), tiers=tiers)
    assert table.index.tolist() == ["all", "S", "A", "B"]
    assert table.loc["A", "customers"] == 2
    assert table.loc["A", "revenue_share"] == pytest.approx(130.0 / 200.0)
    assert table.loc["A", "customer_share"] == pytest.approx(0.5)
    assert table.loc["B", "margin_pct"] == pytest.approx(20.0)
    assert table.loc["S", "customers"] == 0 and np.isnan(table.loc["S", "top20_share"])


def test_overview_kpis_without_cost_data():
    row = overview_kpis(_features(gross_profit=[np.nan] * 4)).loc["all"]
    assert np.isnan(row["gross_profit"]) and np.isnan(row["margin_pct"])


def test_overview_kpis_of_no_customers():
    with pytest.raises(ConcentrationUndefined) as raised:
        overview_kpis(_features().iloc[:0])
    assert raised.value.message_key == "conc.error.no_customers"


def test_rank_columns_ranks_each_column_as_rank_column_does_and_says_why_the_others_cannot_be():
    rng = np.random.default_rng(3)
    table = pd.DataFrame({"name": [f"c{i}" for i in range(1_000)], "revenue": rng.lognormal(5, 1, 1_000),
                          "gross_profit": rng.normal(10, 50, 1_000), "value": np.nan, "losses": -1.0})
    ranked, undefined = rank_columns(table, ["revenue", "gross_profit", "value", "losses"])
    assert list(ranked) == ["revenue", "gross_profit"]
    for column, metric in ranked.items():
        alone = rank_column(table, column)
        np.testing.assert_array_equal(metric.values, alone.values)
        np.testing.assert_array_equal(metric.block_totals, alone.block_totals)
        assert metric.positive == alone.positive
        assert list(metric.labels) == list(alone.labels)
    assert {column: error.message_key for column, error in undefined.items()} == {
        "value": "conc.error.missing_metric", "losses": "conc.error.no_positive_total"}


@pytest.mark.parametrize("positive", [3 * 4096, 3 * 4096 + 1_234])  # a whole number of blocks, and not
def test_measures_over_many_blocks_match_a_full_running_total(positive):
    """The running total is kept every few thousand customers and finished when read: every measure
    must read what a full running total of the clipped values (and of the signed ones) gives."""
    rng = np.random.default_rng(positive)
    gains = np.round(rng.lognormal(3, 1.5, positive), 1) + 0.05  # ties, all positive
    values = rng.permutation(np.concatenate([gains, np.zeros(500), -np.round(rng.lognormal(1, 1, 2_000), 1)]))
    n = values.size
    descending = np.sort(values)[::-1]
    clipped = np.cumsum(np.clip(descending, 0.0, None))
    signed = np.cumsum(descending)
    total = clipped[-1]
    ranked = rank_metric(values)

    def running(k):
        return clipped[k - 1] if k else 0.0

    for k in [0, 1, 4095, 4096, 4097, positive - 1, positive, positive + 1, n]:
        assert ranked.running_total(k) == pytest.approx(running(k), rel=1e-12)
        assert ranked.signed_total(k) == pytest.approx(signed[k - 1] if k else 0.0, rel=1e-12)
    for share in np.linspace(0.0, 1.0, 41):
        position = share * n
        whole = min(int(position), n - 1)
        expected = (running(whole) + (position - whole) * max(descending[whole], 0.0)) / total
        assert share_of_top(ranked, share) == pytest.approx(expected, rel=1e-12, abs=1e-15)
        whole = int(np.searchsorted(clipped, share * total, side="left"))
        expected = (whole + min(1.0, (share * total - running(whole)) / descending[whole])) / n
        assert customers_for_share(ranked, share) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert top_n_shares(ranked, (1, 4096, 5_000, n)) == pytest.approx(
        {1: clipped[0] / total, 4096: clipped[4095] / total, 5_000: clipped[4999] / total, n: 1.0}, rel=1e-12)
    assert gini(ranked) == pytest.approx((2.0 * clipped.sum() - (n + 1) * total) / (n * total), rel=1e-12)
    curve = pareto_curve(ranked)
    assert curve.value_share == pytest.approx(np.append(0.0, clipped)[curve.rank] / total, rel=1e-12)
    whale = whale_curve(ranked)
    assert whale.peak_rank == positive and whale.total_profit == pytest.approx(signed[-1], rel=1e-12)
    assert whale.curve.value_share == pytest.approx(np.append(0.0, signed)[whale.curve.rank] / signed[-1], rel=1e-12)
