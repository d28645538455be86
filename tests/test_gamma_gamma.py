"""Spend model: Gamma-Gamma's published CDNOW estimates, shrinkage towards the population mean, and
the data it cannot value."""

import numpy as np
import pandas as pd
import pytest
from clv_data import DATA, PAPER_SPEND

from analytics.clv.fitting import InsufficientDataError
from analytics.clv.gamma_gamma import GammaGammaModel, fit_gamma_gamma
from ui.i18n import translate


def test_gamma_gamma_reproduces_fader_hardie_lee_2005():
    summary = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    model = fit_gamma_gamma(summary["x"], summary["zbar"])
    assert round(model.p, 2) == 6.25
    assert round(model.q, 2) == 3.74
    # The paper prints 15.44 (Excel Solver); the exact optimum is 15.4477 (lifetimes agrees).
    assert model.v == pytest.approx(15.44, abs=0.01)
    assert model.fit.n_customers == 946


def test_expected_spend_shrinks_towards_population_mean():
    spend = GammaGammaModel(*PAPER_SPEND, fit=None)
    few, many = spend.expected_average_spend([1, 50], [100.0, 100.0])
    assert spend.population_mean_spend < few < many < 100


def test_simulated_heavy_tailed_spend_has_no_mean():
    rng = np.random.default_rng(0)
    frequency = rng.integers(1, 6, 3000)
    scale = rng.gamma(0.6, 1 / 20.0, 3000)  # q = 0.6 < 1: infinite population mean spend
    spend = np.array([rng.gamma(3.0, 1 / s, f).mean() for s, f in zip(scale, frequency)])
    with pytest.raises(InsufficientDataError) as raised:
        fit_gamma_gamma(frequency, spend)
    assert raised.value.reason == "spend_mean_undefined"
    assert "3000" in translate("clv.error.spend_mean_undefined", "en", **raised.value.counts)


def test_too_few_repeat_customers_with_a_spend_raise_a_clear_error():
    with pytest.raises(InsufficientDataError, match="too_few_repeat_customers"):
        fit_gamma_gamma([0, 1, 2], [0.0, 0.0, -5.0])
    with pytest.raises(ValueError, match="same length"):
        fit_gamma_gamma([1, 2], [10.0])
    with pytest.raises(ValueError, match="finite and positive"):
        GammaGammaModel(6.25, -3.74, 15.44, fit=None)
