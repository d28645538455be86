"""Purchase models: BG/NBD's published CDNOW estimates, MBG/NBD against lifetimes, the choice between
them, recovery of simulated parameters, and the fits and predictions at the edges of the model."""

import numpy as np
import pandas as pd
import pytest
from clv_data import PAPER, cdnow_split
from clv_simulation import simulate_bgnbd

from analytics.clv.beta_geo import (
    BetaGeoModel,
    ModifiedBetaGeoModel,
    fit_bgnbd,
    fit_mbgnbd,
    fit_purchase_model,
)
from analytics.clv.fitting import MIN_REPEAT_CUSTOMERS, InsufficientDataError
from ui.i18n import translate


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory) -> pd.DataFrame:
    return cdnow_split(tmp_path_factory.mktemp("cdnow"))


def test_bgnbd_reproduces_fader_hardie_lee_2005(cdnow):
    model = fit_bgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    for name, published in PAPER.items():
        assert round(model.fit.params[name], 3) == published
    assert round(model.fit.log_likelihood, 1) == -9582.4
    assert model.fit.converged
    assert (model.fit.n_customers, model.fit.n_repeat_customers) == (2357, 946)


def test_mbgnbd_matches_lifetimes_on_cdnow(cdnow):
    """The same maximum-likelihood estimates, P(alive) and forecasts as lifetimes'
    ModifiedBetaGeoFitter on the CDNOW calibration period."""
    from lifetimes import ModifiedBetaGeoFitter

    x, t_x, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    ours = fit_mbgnbd(x, t_x, T)
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


def test_one_time_buyers_are_certainly_active_only_under_bgnbd(cdnow):
    x, t_x, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    one_time = (x == 0).to_numpy()
    bgnbd_alive = fit_bgnbd(x, t_x, T).probability_alive(x, t_x, T)
    mbgnbd_alive = fit_mbgnbd(x, t_x, T).probability_alive(x, t_x, T)
    assert (bgnbd_alive[one_time] == 1).all()
    assert (mbgnbd_alive[one_time] < 0.6).all()
    assert (mbgnbd_alive[~one_time] < 1).all()


def test_purchase_model_is_chosen_by_log_likelihood_or_by_the_user(cdnow):
    x, t_x, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    chosen, choice = fit_purchase_model(x, t_x, T)
    likelihoods = {"bgnbd": fit_bgnbd(x, t_x, T).fit.log_likelihood,
                   "mbgnbd": fit_mbgnbd(x, t_x, T).fit.log_likelihood}
    assert choice.log_likelihoods == pytest.approx(likelihoods)
    assert choice.chosen == max(likelihoods, key=likelihoods.get) == chosen.fit.model
    assert (choice.requested, round(likelihoods["bgnbd"], 1), round(likelihoods["mbgnbd"], 1)) == (
        "auto", -9582.4, -9582.1)
    picked, picked_choice = fit_purchase_model(x, t_x, T, "bgnbd")
    assert isinstance(picked, BetaGeoModel) and not isinstance(picked, ModifiedBetaGeoModel)
    assert (picked_choice.requested, picked_choice.chosen) == ("bgnbd", "bgnbd")
    assert picked_choice.log_likelihoods == pytest.approx({"bgnbd": likelihoods["bgnbd"]})  # only the one picked
    with pytest.raises(ValueError, match="unknown purchase model"):
        fit_purchase_model(x, t_x, T, "pareto_nbd")
    with pytest.raises(InsufficientDataError, match="too_few_repeat_customers"):
        fit_purchase_model([0, 0], [0.0, 0.0], [3.0, 4.0])


def test_fit_recovers_simulation_parameters():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 3.0}
    rng = np.random.default_rng(7)
    T = rng.integers(4, 104, 30_000).astype(float)
    sample = simulate_bgnbd(**truth, T=T, random_state=rng)
    model = fit_bgnbd(sample["frequency"], sample["recency"], sample["T"])
    for name, value in truth.items():
        assert model.fit.params[name] == pytest.approx(value, rel=0.12), name


def test_mbgnbd_fit_recovers_simulation_parameters():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.7, "b": 3.0}
    rng = np.random.default_rng(8)
    sample = simulate_bgnbd(**truth, T=rng.integers(4, 104, 30_000).astype(float),
                            dropout_at_first_purchase=True, random_state=rng)
    model = fit_mbgnbd(sample["frequency"], sample["recency"], sample["T"])
    for name, value in truth.items():
        assert model.fit.params[name] == pytest.approx(value, rel=0.12), name
    _, choice = fit_purchase_model(sample["frequency"], sample["recency"], sample["T"])
    assert choice.chosen == "mbgnbd"


def test_no_repeat_customers_raises_a_clear_error():
    with pytest.raises(InsufficientDataError) as raised:
        fit_bgnbd([0, 0, 0], [0, 0, 0], [5, 3, 1])
    assert raised.value.reason == "too_few_repeat_customers"
    assert raised.value.counts == {"customers": 3, "repeat_customers": 0, "required": MIN_REPEAT_CUSTOMERS}
    assert translate("clv.error.too_few_repeat_customers", "zh", **raised.value.counts).startswith("3 个客户")


def test_degenerate_fit_is_reported_not_returned():
    """25 repeat buyers who all bought once more on day 1 and never again: 'everyone drops out
    at once' is the optimum, and its predictions overflow."""
    T = np.random.default_rng(0).uniform(10, 50, 200)
    frequency = np.r_[np.ones(25), np.zeros(175)]
    with pytest.raises(InsufficientDataError) as raised:
        fit_bgnbd(frequency, frequency * 1.0, T)
    assert raised.value.reason == "fit_failed"
    assert raised.value.counts == {"customers": 200, "repeat_customers": 25}


def test_homogeneous_drop_out_is_fitted_not_failed():
    """Every customer drops out with the same probability: the likelihood keeps rising as the
    Beta of drop-out probabilities collapses to a point (a, b -> infinity at a fixed ratio)."""
    rng = np.random.default_rng(4)
    mean_dropout, concentration = 0.02, 1e9
    sample = simulate_bgnbd(0.8, 10.0, mean_dropout * concentration, (1 - mean_dropout) * concentration,
                            T=rng.uniform(1, 104, 20_000), random_state=rng)
    model = fit_bgnbd(sample["frequency"], sample["recency"], sample["T"])
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
        model = BetaGeoModel(r, 1.0, a, b, fit=None)
        alive = model.probability_alive(x, 0.0, 0.0)
        assert model.conditional_expected_purchases(c, x, 0.0, 0.0) / alive == pytest.approx(expected, rel=1e-9)

    r, alpha, mean_dropout, concentration = 2.2, 14.4, 0.003, 4.8e8  # a demo fit of mid 2025
    model = BetaGeoModel(r, alpha, mean_dropout * concentration, (1 - mean_dropout) * concentration, fit=None)
    x, t_x, T = np.array([0, 1, 20, 150.0]), np.array([0, 10, 50, 61.0]), np.full(4, 61.0)
    for t in (1, 52, 522):
        limit = (1 - ((alpha + T) / (alpha + T + mean_dropout * t)) ** (r + x)) / mean_dropout
        np.testing.assert_allclose(model.conditional_expected_purchases(t, x, t_x, T),
                                   limit * model.probability_alive(x, t_x, T), rtol=1e-5)

    below, above = (BetaGeoModel(r, alpha, a, 200.0, fit=None) for a in (20 - 1e-9, 20.0))
    np.testing.assert_allclose(below.conditional_expected_purchases(52, x, t_x, T),
                               above.conditional_expected_purchases(52, x, t_x, T), rtol=1e-9)


def test_invalid_histories_and_parameters_are_rejected():
    with pytest.raises(ValueError, match="between 0 and T"):
        fit_bgnbd([1], [5.0], [4.0])
    with pytest.raises(ValueError, match="0 when frequency is 0"):
        fit_bgnbd([0], [1.0], [4.0])
    with pytest.raises(ValueError, match="integers"):
        fit_bgnbd([1.5], [1.0], [4.0])
    with pytest.raises(ValueError, match="weights"):
        fit_bgnbd([1, 0], [1.0, 0.0], [4.0, 4.0], weights=[1, -1])
    for bad in (0.0, -1.0, np.nan, np.inf):
        with pytest.raises(ValueError, match="finite and positive"):
            ModifiedBetaGeoModel(0.2, 4.0, bad, 2.0, fit=None)


def test_pooled_weights_give_the_same_fit_as_one_row_per_customer(cdnow):
    rows = cdnow[["frequency", "recency", "T"]]
    pooled = rows.value_counts().reset_index()
    one_per_customer = fit_bgnbd(rows["frequency"], rows["recency"], rows["T"])
    weighted = fit_bgnbd(pooled["frequency"], pooled["recency"], pooled["T"], weights=pooled["count"])
    assert len(pooled) < len(rows)
    assert weighted.fit.params == pytest.approx(one_per_customer.fit.params, rel=1e-6)
    assert weighted.fit.log_likelihood == pytest.approx(one_per_customer.fit.log_likelihood)
    assert weighted.fit.n_customers == 2357
