"""The server warms the shared cache in the background: after ``models.warm_defaults`` a first visit
to each page under the default settings computes none of the expensive results again."""

import time
from collections import Counter

import pytest
from app_harness import open_app

from analytics import lifecycle, migration, segments
from analytics.datasets import list_datasets
from ui import cache, database, models

PAGES = ("pages/overview.py", "pages/value_model.py", "pages/customer.py", "pages/lifecycle.py",
         "pages/lifetime_value.py", "pages/segments.py")


@pytest.fixture
def computed(monkeypatch) -> Counter:
    """How often each expensive computation behind ``ui.cache`` runs from now on."""
    counts: Counter = Counter()

    def counted(module, name):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            counts[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    for module, name in ((cache, "customer_features"), (cache, "fit_lifetime"), (cache, "scoring_features_at"),
                         (cache, "holdout"), (lifecycle, "customer_stages"), (migration, "period_activity"),
                         (segments, "segment_customers"), (segments, "projection_2d")):
        counted(module, name)
    return counts


def demo_dataset():
    return list_datasets(database.get_store())[0]


@pytest.mark.parametrize("page", PAGES)
def test_a_first_visit_after_warming_finds_everything_cached(app_database, computed, page):
    models.warm_defaults(demo_dataset())
    warmed = sum(computed.values())
    assert warmed >= 8, computed  # features, fit, scores a year ago and now, stages, activity, segments, map, holdout
    computed.clear()
    open_app(page)
    assert computed == Counter()


def test_the_warm_up_starts_once_per_dataset_version_and_only_under_a_real_server(app_database, monkeypatch):
    warmed = []
    monkeypatch.setattr(models, "warm_defaults", lambda dataset: warmed.append(dataset.dataset_id))
    open_app()  # AppTest: its runtime is a stand-in
    assert warmed == []

    class RealServer:
        @classmethod
        def instance(cls):
            return cls()

    monkeypatch.setattr(models, "Runtime", RealServer)
    app = open_app()
    app.run()  # the same dataset version again: no second warm-up
    deadline = time.monotonic() + 10
    while not warmed and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    assert warmed == [demo_dataset().dataset_id]
