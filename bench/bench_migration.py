"""Benchmark: the Lifecycle page's tier migration over 1,000,000 transactions.

Timed is what the page computes for its migration section, without Streamlit's caches: dimension
scores at both cut-offs as ``ui.state.scores_at`` builds them (features as of each cut-off, potential
value from the purchase model chosen once on the whole history, fitted up to the cut-off, today's
value per referral), tiers under the page's weights, the period activity and the count and value
matrices. The target is 2 s. Also timed, for information: the rerun after a weight or tier-setting
change, when the page's caches hold the scores and the activity and only tiers and matrices are
redone. The database is the demo business scaled up to about a million transaction lines, written
through the upload path into a temporary file.

Run: .venv/bin/python bench/bench_migration.py [--transactions N] [--repeats R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.clv.summary import rfm_summary
from analytics.datasets import list_datasets
from analytics.demo import generate_demo
from analytics.dimensions import DimensionScores, dimension_scores
from analytics.features import customer_features
from analytics.migration import Migration, build_migration, default_cutoffs, period_activity, tiers_from_scores
from analytics.potential import LifetimeSettings, fit_lifetime, potential_values, scoring_features_at, with_potential
from analytics.potential import lifetime_values as predict_lifetime_values
from analytics.presets import PRESETS
from analytics.store import Store
from analytics.table_uploads import write_upload

TARGET_SECONDS = 2.0
DEMO_LINES_PER_CUSTOMER = 16.5  # a little under the demo generator's mean at this scale (16.8): at least N lines
WEIGHTS = PRESETS["balanced"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        upload = generate_demo(n_customers=round(args.transactions / DEMO_LINES_PER_CUSTOMER))
        store = Store(Path(folder) / "bench.duckdb")
        dataset_id = write_upload(store, upload, mode="new", digest=None, dataset_name="bench")
        print(f"built {len(upload.transactions):,} transactions of {len(upload.customers):,} customers "
              f"in {time.perf_counter() - start:.1f} s")

        # Shared with the other pages and cached before the migration is drawn: today's fit and scores.
        settings = LifetimeSettings()
        today = fit_lifetime(rfm_summary(store, dataset_id), settings.purchase_model)
        settings = LifetimeSettings(purchase_model=today.choice.chosen)
        potential = potential_values(predict_lifetime_values(today, settings))
        referral_value = dimension_scores(with_potential(customer_features(store, dataset_id), potential)).referral_value
        dataset = next(d for d in list_datasets(store) if d.dataset_id == dataset_id)
        before, after = default_cutoffs(dataset.date_max)
        before = max(before, dataset.date_min)  # as the page's first date input

        migration, timings = timed(args.repeats, page_migration, store, dataset_id, before, after, settings,
                                   referral_value)
        scores = [cutoff_scores(store, dataset_id, cutoff, settings, referral_value) for cutoff in (before, after)]
        activity = period_activity(store, dataset_id, before, after)
        _, rerun_timings = timed(args.repeats, migration_from_cache, scores, activity, before, after)
        store.close()

    print(f"cut-offs {migration.before} -> {migration.after}, {migration.customers_before:,} customers before, "
          f"{migration.customers_after:,} after; purchase model {settings.purchase_model}")
    median = statistics.median(timings)
    print(f"migration section, {args.repeats} runs: best {min(timings):.3f} s, median {median:.3f} s; "
          f"median / {TARGET_SECONDS:.0f} s target = {median / TARGET_SECONDS:.2f}")
    print(f"rerun after a weight change (scores and activity cached), {args.repeats} runs: "
          f"median {statistics.median(rerun_timings):.3f} s")


def cutoff_scores(store: Store, dataset_id: int, cutoff, settings: LifetimeSettings,
                  referral_value: float | None) -> DimensionScores:
    """``ui.state.scores_at`` without its cache."""
    return dimension_scores(scoring_features_at(store, dataset_id, cutoff, settings), referral_value)


def migration_from_cache(scores: list[DimensionScores], activity, before, after) -> Migration:
    """The page's part after its caches: tiers at both cut-offs and the matrices."""
    tiers = [tiers_from_scores(cutoff, WEIGHTS) for cutoff in scores]
    return build_migration(*tiers, activity, before, after)


def page_migration(store: Store, dataset_id: int, before, after, settings: LifetimeSettings,
                   referral_value: float | None) -> Migration:
    """Everything the migration section computes on its first run at these cut-offs."""
    scores = [cutoff_scores(store, dataset_id, cutoff, settings, referral_value) for cutoff in (before, after)]
    return migration_from_cache(scores, period_activity(store, dataset_id, before, after), before, after)


def timed(repeats: int, function, *args):
    """The last result and the wall times of ``repeats`` calls after a warm-up call."""
    result = function(*args)
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(*args)
        timings.append(time.perf_counter() - start)
    return result, timings


if __name__ == "__main__":
    main()
