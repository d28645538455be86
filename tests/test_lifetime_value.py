"""Lifetime value and the holdout check: reference predictions, horizon and discounting, unbiased
forecasts on simulated customers, value per tier, and the demo checked at every split date."""

import numpy as np
import pandas as pd
import pytest
from clv_data import PAPER, PAPER_SPEND, cdnow_split
from clv_simulation import simulate_bgnbd

from analytics.clv.beta_geo import BetaGeoModel, ModifiedBetaGeoModel, fit_bgnbd
from analytics.clv.gamma_gamma import GammaGammaModel
from analytics.clv.lifetime_value import DAYS_PER_MONTH, customer_lifetime_value, holdout_check, value_by_tier
from analytics.clv.summary import calibration_holdout_summary
from analytics.store import Store
from ui.figures.clv import holdout_figure, tier_value_figure
from ui.i18n import translate


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory) -> pd.DataFrame:
    return cdnow_split(tmp_path_factory.mktemp("cdnow"))


def test_predictions_match_reference_values():
    """Reference values: lifetimes 0.11.3 and Hardie's spreadsheet (1.226) at the paper's estimates."""
    purchases = BetaGeoModel(**PAPER, fit=None)
    spend = GammaGammaModel(*PAPER_SPEND, fit=None)
    x = np.array([0, 0, 2, 7, 26, 60])
    t_x = np.array([0, 0, 30.43, 35.0, 30.86, 38.0])
    T = np.array([38.86, 10.0, 38.86, 38.86, 31.0, 38.5])
    m = np.array([0, 0, 22.35, 40.0, 25.0, 11.0])
    np.testing.assert_allclose(
        purchases.conditional_expected_purchases(39, x, t_x, T),
        [0.195098052, 0.4994592529, 1.2260281748, 4.3874878545, 20.7497261409, 40.8837888797], rtol=1e-8)
    np.testing.assert_allclose(
        purchases.probability_alive(x, t_x, T),
        [1, 1, 0.7265785701, 0.8437678219, 0.9689156497, 0.974512281], rtol=1e-8)
    np.testing.assert_allclose(purchases.expected_purchases([39, 78]), [1.1967231933, 1.8605190579], rtol=1e-8)
    np.testing.assert_allclose(
        spend.expected_average_spend(x, m),
        [35.2189781022, 35.2189781022, 24.6637139108, 39.7182189718, 25.1694504962, 11.1756763912], rtol=1e-8)
    # lifetimes' customer_lifetime_value(time=12, discount_rate=0.01 monthly, freq="W", 4.345 weeks/month)
    summary = pd.DataFrame({"frequency": x, "recency": t_x, "T": T, "monetary_value": m,
                            "margin": [0.5, np.nan, 0.2, 0.1, -0.1, 0.3]})
    value = customer_lifetime_value(summary, purchases, spend, months=12, annual_discount_rate=1.01 ** 12 - 1,
                                    time_unit_days=DAYS_PER_MONTH / 4.345)
    np.testing.assert_allclose(
        value["clv"], [8.3690043589, 20.8549727034, 36.2892111256, 207.168652472, 613.3492535054,
                       539.4527975355], rtol=1e-8)
    np.testing.assert_allclose(value["expected_gross_profit"], value["clv"] * summary["margin"])
    assert np.isnan(value["expected_gross_profit"][1])


def test_longer_horizon_and_lower_discount_give_more_value(cdnow):
    purchases = BetaGeoModel(**PAPER, fit=None)
    spend = GammaGammaModel(*PAPER_SPEND, fit=None)
    one_year = customer_lifetime_value(cdnow, purchases, spend, months=12)
    two_years = customer_lifetime_value(cdnow, purchases, spend, months=24)
    undiscounted = customer_lifetime_value(cdnow, purchases, spend, months=12, annual_discount_rate=0)
    assert (two_years["clv"] > one_year["clv"]).all()
    assert (undiscounted["clv"] > one_year["clv"]).all()
    np.testing.assert_allclose(undiscounted["clv"],
                               undiscounted["expected_purchases"] * undiscounted["expected_spend"])


def test_lifetime_value_checks_its_inputs(cdnow):
    purchases, spend = BetaGeoModel(**PAPER, fit=None), GammaGammaModel(*PAPER_SPEND, fit=None)
    with pytest.raises(ValueError, match="monetary_value"):
        customer_lifetime_value(cdnow.drop(columns="monetary_value"), purchases, spend)
    with pytest.raises(ValueError, match="time_unit_days"):
        customer_lifetime_value(cdnow, purchases, spend, time_unit_days=0)
    with pytest.raises(ValueError, match="duration_holdout"):
        holdout_check(purchases, cdnow.drop(columns="duration_holdout"))


def test_holdout_check_on_cdnow(cdnow):
    assert cdnow["duration_holdout"].eq(39).all()
    model = fit_bgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    check = holdout_check(model, cdnow)
    table = check.by_calibration_purchases
    assert list(table.index) == list(range(8))
    assert table["customers"].sum() == 2357 and table.loc[0, "customers"] == 1411
    assert check.actual_total == 1882  # repeat purchases in weeks 40-78 (lifetimes counts the same)
    assert check.predicted_total == pytest.approx(1653.4, abs=0.5)
    np.testing.assert_allclose(table["difference"], table["predicted"] - table["actual"])
    assert (table["predicted"].diff().dropna() > 0).all()  # more past purchases, more expected
    assert 0 < check.mean_absolute_error < 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_holdout_figure_shows_both_series_by_bin(cdnow, lang):
    check = holdout_check(BetaGeoModel(**PAPER, fit=None), cdnow, max_bin=5)
    figure = holdout_figure(check, lang)
    actual, predicted = figure.data
    assert list(actual.x) == ["0", "1", "2", "3", "4", "5+"]
    np.testing.assert_allclose(actual.y, check.by_calibration_purchases["actual"])
    np.testing.assert_allclose(predicted.y, check.by_calibration_purchases["predicted"])
    assert predicted.name == translate("clv.holdout.predicted", lang)
    assert figure.layout.title.text == translate("clv.holdout.title", lang)


@pytest.mark.parametrize("model_class, seed", [(BetaGeoModel, 3), (ModifiedBetaGeoModel, 5)])
def test_conditional_expectation_is_unbiased_on_simulation(model_class, seed):
    """Averaged over customers, E[future purchases | history] equals the purchases that happen."""
    truth = {"r": 0.8, "alpha": 10.0, "a": 0.5, "b": 2.0}
    rng = np.random.default_rng(seed)
    sample = simulate_bgnbd(**truth, T=rng.uniform(0, 52, 40_000), holdout=26,
                            dropout_at_first_purchase=model_class is ModifiedBetaGeoModel, random_state=rng)
    sample["duration_holdout"] = 26.0
    check = holdout_check(model_class(**truth, fit=None), sample, max_bin=4)
    assert check.predicted_total == pytest.approx(check.actual_total, rel=0.03)
    table = check.by_calibration_purchases
    assert (table["difference"].abs() < 0.1 * table["actual"] + 0.05).all()


def test_value_by_tier_lists_every_tier_and_shares_the_total():
    predictions = pd.DataFrame({
        "clv": [100.0, 50.0, 30.0, 20.0, 7.0], "expected_gross_profit": [np.nan] * 5,
        "probability_alive": [0.9, 0.5, 0.7, 0.3, 1.0],
    }, index=["a", "b", "c", "d", "x"])
    tiers = pd.Series(pd.Categorical(["S", "S", "C", "C", "B"], categories=["S", "A", "B", "C"]),
                      index=["a", "b", "c", "d", "e"])  # "x" has no tier, "e" no prediction
    table = value_by_tier(predictions, tiers)
    assert list(table.index) == ["S", "A", "B", "C"]
    assert table["customers"].tolist() == [2, 0, 0, 2]
    assert table["clv_total"].tolist() == [150.0, 0.0, 0.0, 50.0]
    assert table["clv_share"].tolist() == [0.75, 0.0, 0.0, 0.25]
    assert table.loc["S", "alive_mean"] == pytest.approx(0.7) and np.isnan(table.loc["A", "clv_mean"])
    assert (table["profit_total"] == 0).all()  # no cost data: the page hides the column
    assert value_by_tier(predictions.assign(clv=0.0), tiers)["clv_share"].isna().all()
    for lang in ("en", "zh"):
        assert list(tier_value_figure(table, lang).data[0].x) == [translate(f"value.tier.{t}", lang) for t in "SABC"]


def test_demo_fits_at_every_split_date(demo_database):
    """Splits in mid 2025 used to fail: the drop-out Beta ran off to infinity."""
    store = Store(demo_database, read_only=True)
    try:
        for split in pd.date_range("2024-06-01", "2026-06-01", freq="3MS"):
            summary = calibration_holdout_summary(store, 1, split)
            model = fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
            check = holdout_check(model, summary)
            assert check.predicted_total == pytest.approx(check.actual_total, rel=0.25), split
    finally:
        store.close()
