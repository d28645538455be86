"""Lifetime-value models: published CDNOW estimates, simulation recovery, SQL summary, errors."""

import string
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics import clv
from ui.figures.clv import holdout_figure, tier_value_figure
from ui.i18n import TABLE, translate

DATA = Path(__file__).parent / "data"
CDNOW_CALIBRATION_END = "1997-09-30"  # 39 weeks after the cohort's first day
CDNOW_OBSERVATION_END = "1998-06-30"  # 78 weeks
PAPER = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # Fader, Hardie & Lee (2005), CDNOW


def _transactions_db(path, rows):
    """A DuckDB file with the contract's transactions columns this module reads."""
    frame = pd.DataFrame(rows, columns=["dataset_id", "customer_id", "order_date", "revenue", "gross_profit"])
    connection = duckdb.connect(str(path))
    connection.execute(
        "CREATE TABLE transactions (dataset_id INTEGER, customer_id VARCHAR, order_date DATE,"
        " revenue DOUBLE, gross_profit DOUBLE)"
    )
    connection.register("new_rows", frame)
    connection.execute("INSERT INTO transactions SELECT * FROM new_rows")
    connection.unregister("new_rows")
    return connection


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory):
    """The 2,357-customer CDNOW sample loaded as dataset 1 (columns: master id, id, date, CDs, $)."""
    log = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None, dtype=str,
                      names=["master_id", "customer_id", "date", "cds", "revenue"])
    rows = zip([1] * len(log), log.customer_id, pd.to_datetime(log.date).dt.date,
               log.revenue.astype(float), [None] * len(log))
    connection = _transactions_db(tmp_path_factory.mktemp("cdnow") / "cdnow.duckdb", rows)
    yield connection.cursor()
    connection.close()


@pytest.fixture(scope="module")
def cdnow_split(cdnow):
    return clv.calibration_holdout_summary(cdnow, 1, CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END)


def test_rfm_summary_matches_the_published_cdnow_summary(cdnow):
    ours = clv.rfm_summary(cdnow, 1, calibration_end=CDNOW_CALIBRATION_END)
    published = pd.read_csv(DATA / "cdnow_customers_summary.csv", dtype={"ID": int}).set_index("ID")
    spend = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv").set_index("ID")
    ours.index = ours.index.astype(int)
    assert len(ours) == 2357
    published = published.loc[ours.index]
    assert (ours["frequency"] == published["frequency"]).all()
    np.testing.assert_allclose(ours["recency"], published["recency"], atol=0.005)  # file rounds to 0.01
    np.testing.assert_allclose(ours["T"], published["T"], atol=0.005)
    np.testing.assert_allclose(ours["monetary_value"], spend.loc[ours.index, "zbar"], atol=0.005)
    assert ours["margin"].isna().all()  # CDNOW has no cost data


def test_bgnbd_reproduces_fader_hardie_lee_2005(cdnow_split):
    model = clv.fit_bgnbd(cdnow_split["frequency"], cdnow_split["recency"], cdnow_split["T"])
    for name, published in PAPER.items():
        assert round(model.fit.params[name], 3) == published
    assert round(model.fit.log_likelihood, 1) == -9582.4
    assert model.fit.converged
    assert (model.fit.n_customers, model.fit.n_repeat_customers) == (2357, 946)


def test_mbgnbd_matches_lifetimes_on_cdnow(cdnow_split):
    """The same maximum-likelihood estimates, P(alive) and forecasts as lifetimes'
    ModifiedBetaGeoFitter on the CDNOW calibration period."""
    from lifetimes import ModifiedBetaGeoFitter

    x, t_x, T = cdnow_split["frequency"], cdnow_split["recency"], cdnow_split["T"]
    ours = clv.fit_mbgnbd(x, t_x, T)
    theirs = ModifiedBetaGeoFitter().fit(x, t_x, T)
    for name in ("r", "alpha", "a", "b"):
        assert ours.fit.params[name] == pytest.approx(theirs.params_[name], rel=1e-3), name
    assert ours.fit.converged and ours.fit.model == "mbgnbd"
    reference = ModifiedBetaGeoFitter()
    reference.params_ = pd.Series(ours.fit.params)  # their formulas at our estimates
    np.testing.assert_allclose(ours.probability_alive(x, t_x, T),
                               reference.conditional_probability_alive(x, t_x, T), rtol=1e-9)
    np.testing.assert_allclose(ours.conditional_expected_purchases(39, x, t_x, T),
                               reference.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T),
                               rtol=1e-9)
    np.testing.assert_allclose(ours.expected_purchases([39.0, 78.0]),
                               reference.expected_number_of_purchases_up_to_time(np.array([39.0, 78.0])), rtol=1e-9)


def test_one_time_buyers_are_certainly_active_only_under_bgnbd(cdnow_split):
    x, t_x, T = cdnow_split["frequency"], cdnow_split["recency"], cdnow_split["T"]
    one_time = (x == 0).to_numpy()
    bgnbd_alive = clv.fit_bgnbd(x, t_x, T).probability_alive(x, t_x, T)
    mbgnbd_alive = clv.fit_mbgnbd(x, t_x, T).probability_alive(x, t_x, T)
    assert (bgnbd_alive[one_time] == 1).all()
    assert (mbgnbd_alive[one_time] < 0.6).all()
    assert (mbgnbd_alive[~one_time] < 1).all()


def test_purchase_model_is_chosen_by_log_likelihood_or_by_the_user(cdnow_split):
    x, t_x, T = cdnow_split["frequency"], cdnow_split["recency"], cdnow_split["T"]
    chosen, choice = clv.fit_purchase_model(x, t_x, T)
    likelihoods = {"bgnbd": clv.fit_bgnbd(x, t_x, T).fit.log_likelihood,
                   "mbgnbd": clv.fit_mbgnbd(x, t_x, T).fit.log_likelihood}
    assert choice.log_likelihoods == pytest.approx(likelihoods)
    assert choice.chosen == max(likelihoods, key=likelihoods.get) == chosen.fit.model
    assert (choice.requested, round(likelihoods["bgnbd"], 1), round(likelihoods["mbgnbd"], 1)) == (
        "auto", -9582.4, -9582.1)
    picked, picked_choice = clv.fit_purchase_model(x, t_x, T, "bgnbd")
    assert isinstance(picked, clv.BetaGeoModel) and not isinstance(picked, clv.ModifiedBetaGeoModel)
    assert (picked_choice.requested, picked_choice.chosen) == ("bgnbd", "bgnbd")
    assert picked_choice.log_likelihoods == pytest.approx({"bgnbd": likelihoods["bgnbd"]})  # only the one picked
    with pytest.raises(ValueError, match="unknown purchase model"):
        clv.fit_purchase_model(x, t_x, T, "pareto_nbd")
    with pytest.raises(clv.InsufficientDataError, match="too_few_repeat_customers"):
        clv.fit_purchase_model([0, 0], [0.0, 0.0], [3.0, 4.0])


def test_gamma_gamma_reproduces_fader_hardie_lee_2005():
    summary = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    model = clv.fit_gamma_gamma(summary["x"], summary["zbar"])
    assert round(model.p, 2) == 6.25
    assert round(model.q, 2) == 3.74
    # The paper prints 15.44 (Excel Solver); the exact optimum is 15.4477 (lifetimes agrees).
    assert model.v == pytest.approx(15.44, abs=0.01)
    assert model.fit.n_customers == 946


def test_predictions_match_reference_values():
    """Reference values: lifetimes 0.11.3 and Hardie's spreadsheet (1.226) at the paper's estimates."""
    purchases = clv.BetaGeoModel(**PAPER, fit=None)
    spend = clv.GammaGammaModel(6.25, 3.74, 15.44, fit=None)
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
    value = clv.customer_lifetime_value(summary, purchases, spend, months=12,
                                        annual_discount_rate=1.01 ** 12 - 1,
                                        time_unit_days=clv.DAYS_PER_MONTH / 4.345)
    np.testing.assert_allclose(
        value["clv"], [8.3690043589, 20.8549727034, 36.2892111256, 207.168652472, 613.3492535054,
                       539.4527975355], rtol=1e-8)
    np.testing.assert_allclose(value["expected_gross_profit"], value["clv"] * summary["margin"])
    assert np.isnan(value["expected_gross_profit"][1])


def test_longer_horizon_and_lower_discount_give_more_value(cdnow_split):
    purchases = clv.BetaGeoModel(**PAPER, fit=None)
    spend = clv.GammaGammaModel(6.25, 3.74, 15.44, fit=None)
    one_year = clv.customer_lifetime_value(cdnow_split, purchases, spend, months=12)
    two_years = clv.customer_lifetime_value(cdnow_split, purchases, spend, months=24)
    undiscounted = clv.customer_lifetime_value(cdnow_split, purchases, spend, months=12,
                                               annual_discount_rate=0)
    assert (two_years["clv"] > one_year["clv"]).all()
    assert (undiscounted["clv"] > one_year["clv"]).all()
    np.testing.assert_allclose(undiscounted["clv"],
                               undiscounted["expected_purchases"] * undiscounted["expected_spend"])


def test_holdout_check_on_cdnow(cdnow_split):
    assert cdnow_split["duration_holdout"].eq(39).all()
    model = clv.fit_bgnbd(cdnow_split["frequency"], cdnow_split["recency"], cdnow_split["T"])
    check = clv.holdout_check(model, cdnow_split)
    table = check.by_calibration_purchases
    assert list(table.index) == list(range(8))
    assert table["customers"].sum() == 2357 and table.loc[0, "customers"] == 1411
    assert check.actual_total == 1882  # repeat purchases in weeks 40-78 (lifetimes counts the same)
    assert check.predicted_total == pytest.approx(1653.4, abs=0.5)
    np.testing.assert_allclose(table["difference"], table["predicted"] - table["actual"])
    assert (table["predicted"].diff().dropna() > 0).all()  # more past purchases, more expected
    assert 0 < check.mean_absolute_error < 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_holdout_figure_shows_both_series_by_bin(cdnow_split, lang):
    check = clv.holdout_check(clv.BetaGeoModel(**PAPER, fit=None), cdnow_split, max_bin=5)
    figure = holdout_figure(check, lang)
    actual, predicted = figure.data
    assert list(actual.x) == ["0", "1", "2", "3", "4", "5+"]
    np.testing.assert_allclose(actual.y, check.by_calibration_purchases["actual"])
    np.testing.assert_allclose(predicted.y, check.by_calibration_purchases["predicted"])
    assert predicted.name == translate("clv.holdout.predicted", lang)
    assert figure.layout.title.text == translate("clv.holdout.title", lang)


def test_fit_recovers_simulation_parameters():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 3.0}
    rng = np.random.default_rng(7)
    T = rng.integers(4, 104, 30_000).astype(float)
    sample = clv.simulate_bgnbd(**truth, T=T, random_state=rng)
    model = clv.fit_bgnbd(sample["frequency"], sample["recency"], sample["T"])
    for name, value in truth.items():
        assert model.fit.params[name] == pytest.approx(value, rel=0.12), name


def test_mbgnbd_fit_recovers_simulation_parameters():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 3.0}
    rng = np.random.default_rng(8)
    sample = clv.simulate_bgnbd(**truth, T=rng.integers(4, 104, 30_000).astype(float),
                                dropout_at_first_purchase=True, random_state=rng)
    model = clv.fit_mbgnbd(sample["frequency"], sample["recency"], sample["T"])
    for name, value in truth.items():
        assert model.fit.params[name] == pytest.approx(value, rel=0.12), name
    _, choice = clv.fit_purchase_model(sample["frequency"], sample["recency"], sample["T"])
    assert choice.chosen == "mbgnbd"


def test_mbgnbd_conditional_expectation_is_unbiased_on_simulation():
    truth = {"r": 0.8, "alpha": 10.0, "a": 0.5, "b": 2.0}
    rng = np.random.default_rng(5)
    sample = clv.simulate_bgnbd(**truth, T=rng.uniform(0, 52, 40_000), holdout=26,
                                dropout_at_first_purchase=True, random_state=rng)
    sample["duration_holdout"] = 26.0
    check = clv.holdout_check(clv.ModifiedBetaGeoModel(**truth, fit=None), sample, max_bin=4)
    assert check.predicted_total == pytest.approx(check.actual_total, rel=0.03)
    table = check.by_calibration_purchases
    assert (table["difference"].abs() < 0.1 * table["actual"] + 0.05).all()


def test_conditional_expectation_is_unbiased_on_simulation():
    """Averaged over customers, E[future purchases | history] equals the purchases that happen."""
    truth = {"r": 0.8, "alpha": 10.0, "a": 0.5, "b": 2.0}
    rng = np.random.default_rng(3)
    sample = clv.simulate_bgnbd(**truth, T=rng.uniform(0, 52, 40_000), holdout=26, random_state=rng)
    sample["duration_holdout"] = 26.0
    check = clv.holdout_check(clv.BetaGeoModel(**truth, fit=None), sample, max_bin=4)
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
    table = clv.value_by_tier(predictions, tiers)
    assert list(table.index) == ["S", "A", "B", "C"]
    assert table["customers"].tolist() == [2, 0, 0, 2]
    assert table["clv_total"].tolist() == [150.0, 0.0, 0.0, 50.0]
    assert table["clv_share"].tolist() == [0.75, 0.0, 0.0, 0.25]
    assert table.loc["S", "alive_mean"] == pytest.approx(0.7) and np.isnan(table.loc["A", "clv_mean"])
    assert (table["profit_total"] == 0).all()  # no cost data: the page hides the column
    assert clv.value_by_tier(predictions.assign(clv=0.0), tiers)["clv_share"].isna().all()
    for lang in ("en", "zh"):
        assert list(tier_value_figure(table, lang).data[0].x) == [translate(f"value.tier.{t}", lang) for t in "SABC"]


def test_expected_spend_shrinks_towards_population_mean():
    spend = clv.GammaGammaModel(6.25, 3.74, 15.44, fit=None)
    few, many = spend.expected_average_spend([1, 50], [100.0, 100.0])
    assert spend.population_mean_spend < few < many < 100


def test_simulated_heavy_tailed_spend_has_no_mean():
    rng = np.random.default_rng(0)
    frequency = rng.integers(1, 6, 3000)
    scale = rng.gamma(0.6, 1 / 20.0, 3000)  # q = 0.6 < 1: infinite population mean spend
    spend = np.array([rng.gamma(3.0, 1 / s, f).mean() for s, f in zip(scale, frequency)])
    with pytest.raises(clv.InsufficientDataError) as raised:
        clv.fit_gamma_gamma(frequency, spend)
    assert raised.value.reason == "spend_mean_undefined"
    assert "3000" in translate("clv.error.spend_mean_undefined", "en", **raised.value.counts)


def test_no_repeat_customers_raises_a_clear_error():
    with pytest.raises(clv.InsufficientDataError) as raised:
        clv.fit_bgnbd([0, 0, 0], [0, 0, 0], [5, 3, 1])
    assert raised.value.reason == "too_few_repeat_customers"
    assert raised.value.counts == {"customers": 3, "repeat_customers": 0,
                                   "required": clv.MIN_REPEAT_CUSTOMERS}
    assert translate("clv.error.too_few_repeat_customers", "zh", **raised.value.counts).startswith("3 个客户")
    with pytest.raises(clv.InsufficientDataError, match="too_few_repeat_customers"):
        clv.fit_gamma_gamma([0, 1, 2], [0.0, 0.0, -5.0])


def test_degenerate_fit_is_reported_not_returned():
    """25 repeat buyers who all bought once more on day 1 and never again: 'everyone drops out
    at once' is the optimum, and its predictions overflow."""
    T = np.random.default_rng(0).uniform(10, 50, 200)
    frequency = np.r_[np.ones(25), np.zeros(175)]
    with pytest.raises(clv.InsufficientDataError) as raised:
        clv.fit_bgnbd(frequency, frequency * 1.0, T)
    assert raised.value.reason == "fit_failed"
    assert raised.value.counts == {"customers": 200, "repeat_customers": 25}


def test_homogeneous_drop_out_is_fitted_not_failed():
    """Every customer drops out with the same probability: the likelihood keeps rising as the
    Beta of drop-out probabilities collapses to a point (a, b -> infinity at a fixed ratio)."""
    rng = np.random.default_rng(4)
    mean_dropout, concentration = 0.02, 1e9
    sample = clv.simulate_bgnbd(0.8, 10.0, mean_dropout * concentration, (1 - mean_dropout) * concentration,
                                T=rng.uniform(1, 104, 20_000), random_state=rng)
    model = clv.fit_bgnbd(sample["frequency"], sample["recency"], sample["T"])
    assert model.fit.converged
    assert model.a / (model.a + model.b) == pytest.approx(mean_dropout, rel=0.25)
    assert model.a + model.b > 1e3
    ten_years = model.conditional_expected_purchases(522, sample["frequency"], sample["recency"], sample["T"])
    assert np.isfinite(ten_years).all() and (ten_years > 0).all()


def test_expected_purchases_where_the_closed_form_overflows():
    """Large a or b with long horizons: the hypergeometric form under- or overflows, the Gauss rule
    takes over. References: mpmath at 60 digits, and the homogeneous limit for a + b -> infinity."""
    reference = [  # (r, a, b, x, c = t / (alpha + T), E[purchases | alive])
        (0.1, 0.1332, 5.127e5, 648, 1506.0, 898686.0072796935),  # closed form not finite
        (0.1, 0.06144, 1.238e4, 457, 70.04, 30574.03831902421),  # closed form
    ]
    for r, a, b, x, c, expected in reference:
        model = clv.BetaGeoModel(r, 1.0, a, b, fit=None)
        alive = model.probability_alive(x, 0.0, 0.0)
        assert model.conditional_expected_purchases(c, x, 0.0, 0.0) / alive == pytest.approx(expected, rel=1e-9)

    r, alpha, mean_dropout, concentration = 2.2, 14.4, 0.003, 4.8e8  # a demo fit of mid 2025
    model = clv.BetaGeoModel(r, alpha, mean_dropout * concentration, (1 - mean_dropout) * concentration, fit=None)
    x, t_x, T = np.array([0, 1, 20, 150.0]), np.array([0, 10, 50, 61.0]), np.full(4, 61.0)
    for t in (1, 52, 522):
        limit = (1 - ((alpha + T) / (alpha + T + mean_dropout * t)) ** (r + x)) / mean_dropout
        np.testing.assert_allclose(model.conditional_expected_purchases(t, x, t_x, T),
                                   limit * model.probability_alive(x, t_x, T), rtol=1e-5)

    below, above = (clv.BetaGeoModel(r, alpha, a, 200.0, fit=None) for a in (20 - 1e-9, 20.0))
    np.testing.assert_allclose(below.conditional_expected_purchases(52, x, t_x, T),
                               above.conditional_expected_purchases(52, x, t_x, T), rtol=1e-9)


def test_demo_fits_at_every_split_date(demo_database):
    """Splits in mid 2025 used to fail: the drop-out Beta ran off to infinity."""
    connection = duckdb.connect(str(demo_database), read_only=True)
    try:
        for split in pd.date_range("2024-06-01", "2026-06-01", freq="3MS"):
            summary = clv.calibration_holdout_summary(connection.cursor(), 1, split)
            model = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
            check = clv.holdout_check(model, summary)
            assert check.predicted_total == pytest.approx(check.actual_total, rel=0.25), split
    finally:
        connection.close()


def test_invalid_histories_are_rejected():
    with pytest.raises(ValueError, match="between 0 and T"):
        clv.fit_bgnbd([1], [5.0], [4.0])
    with pytest.raises(ValueError, match="0 when frequency is 0"):
        clv.fit_bgnbd([0], [1.0], [4.0])
    with pytest.raises(ValueError, match="integers"):
        clv.fit_bgnbd([1.5], [1.0], [4.0])
    with pytest.raises(ValueError, match="weights"):
        clv.fit_bgnbd([1, 0], [1.0, 0.0], [4.0, 4.0], weights=[1, -1])


def test_pooled_weights_give_the_same_fit_as_one_row_per_customer(cdnow_split):
    rows = cdnow_split[["frequency", "recency", "T"]]
    pooled = rows.value_counts().reset_index()
    one_per_customer = clv.fit_bgnbd(rows["frequency"], rows["recency"], rows["T"])
    weighted = clv.fit_bgnbd(pooled["frequency"], pooled["recency"], pooled["T"], weights=pooled["count"])
    assert len(pooled) < len(rows)
    assert weighted.fit.params == pytest.approx(one_per_customer.fit.params, rel=1e-6)
    assert weighted.fit.log_likelihood == pytest.approx(one_per_customer.fit.log_likelihood)
    assert weighted.fit.n_customers == 2357


def _hand_example(tmp_path):
    d = pd.Timestamp
    rows = [
        # A: two lines on day 1; day 10 is a return only; days 15 and 29 are purchases.
        (1, "A", d("2024-01-01").date(), 60.0, 20.0),
        (1, "A", d("2024-01-01").date(), 40.0, 10.0),
        (1, "A", d("2024-01-10").date(), -30.0, -10.0),
        (1, "A", d("2024-01-15").date(), 50.0, 15.0),
        (1, "A", d("2024-01-29").date(), 70.0, None),
        (1, "A", d("2024-01-29").date(), -20.0, None),
        (1, "A", d("2024-02-05").date(), 30.0, 9.0),   # holdout purchase
        (1, "A", d("2024-02-06").date(), -30.0, -9.0),  # holdout return: not a purchase
        # B: a single free first order, then a holdout purchase.
        (1, "B", d("2024-01-22").date(), 0.0, None),
        (1, "B", d("2024-02-12").date(), 25.0, None),
        # C: only a return before the split: not a customer of the calibration period.
        (1, "C", d("2024-01-05").date(), -10.0, None),
        # D: first purchase after the split: left out.
        (1, "D", d("2024-02-02").date(), 10.0, 3.0),
        # Another dataset is ignored.
        (2, "A", d("2024-01-20").date(), 999.0, 0.0),
    ]
    return _transactions_db(tmp_path / "hand.duckdb", rows).cursor()


def test_calibration_holdout_split_on_a_hand_example(tmp_path):
    cursor = _hand_example(tmp_path)
    split = clv.calibration_holdout_summary(cursor, 1, "2024-01-29", time_unit_days=1)
    assert list(split.index) == ["A", "B"]
    a, b = split.loc["A"], split.loc["B"]
    assert (a["frequency"], a["recency"], a["T"]) == (2, 28, 28)
    assert a["monetary_value"] == pytest.approx((50 + 50) / 2)
    assert a["margin"] == pytest.approx((20 + 10 - 10 + 15) / (60 + 40 - 30 + 50))
    assert a["frequency_holdout"] == 1 and b["frequency_holdout"] == 1
    assert (b["frequency"], b["recency"], b["T"], b["monetary_value"]) == (0, 0, 7, 0)
    assert np.isnan(b["margin"])
    assert split["duration_holdout"].eq(14).all()  # the dataset's last order is 2024-02-12

    weekly = clv.rfm_summary(cursor, 1, calibration_end="2024-01-29")
    assert weekly.loc["A", "T"] == pytest.approx(4) and "frequency_holdout" not in weekly
    assert clv.rfm_summary(cursor, 1).loc["A", "frequency"] == 3  # default end: last order


def test_split_without_holdout_or_purchases_raises(tmp_path):
    cursor = _hand_example(tmp_path)
    with pytest.raises(clv.InsufficientDataError) as raised:
        clv.calibration_holdout_summary(cursor, 1, "2024-02-12")
    assert raised.value.reason == "no_holdout_period"
    assert "2024-02-12" in translate("clv.error.no_holdout_period", "en", **raised.value.counts)
    with pytest.raises(clv.InsufficientDataError) as raised:
        clv.calibration_holdout_summary(cursor, 1, "2023-12-31")
    assert raised.value.reason == "no_purchases"
    assert clv.rfm_summary(cursor, 99).empty


def _placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("reason", clv.InsufficientDataError.REASONS)
def test_every_error_reason_has_a_message_in_both_languages(reason):
    key = f"clv.error.{reason}"
    assert set(TABLE[key]) >= {"en", "zh"}
    assert _placeholders(TABLE[key]["en"]) == _placeholders(TABLE[key]["zh"])
    counts = dict.fromkeys(_placeholders(TABLE[key]["en"]), 1)
    for lang in ("en", "zh"):
        assert translate(key, lang, **counts)


def test_every_clv_and_segment_key_is_translated():
    keys = [key for key in TABLE if key.startswith(("clv.", "seg."))]
    assert len(keys) > 30
    for key in keys:
        assert TABLE[key].get("en") and TABLE[key].get("zh"), key
        assert _placeholders(TABLE[key]["en"]) == _placeholders(TABLE[key]["zh"]), key
