"""Weight presets: shipped ones per strategic stage, read-only; the user's own, kept in the store."""

from __future__ import annotations

import json

import pytest

from analytics.cli import published_thresholds
from analytics.concentration import RiskThresholds
from analytics.dimensions import DIMENSIONS
from analytics.lifecycle import StageThresholds
from analytics.presets import (
    PRESETS,
    delete_preset,
    list_presets,
    load_preset,
    publish_thresholds,
    save_preset,
    shared_thresholds,
)
from analytics.report.data import ReportSettings
from analytics.store import Store

BALANCED = PRESETS["balanced"]


def test_presets_round_trip_through_the_store(tmp_path):
    path = tmp_path / "t.duckdb"
    store = Store(path)
    weights = {"economic": 2.5, "satisfaction": 1.0}
    save_preset(store, "Growth 2025 增长", weights)
    assert load_preset(store, "Growth 2025 增长") == {d: weights.get(d, 0.0) for d in DIMENSIONS}
    save_preset(store, "Growth 2025 增长", {"potential": 1.0})
    store.close()

    reopened = Store(path)
    assert load_preset(reopened, "Growth 2025 增长")["potential"] == 1.0
    presets = list_presets(reopened)
    assert [p.name for p in presets] == [*PRESETS, "Growth 2025 增长"]
    assert [p.shipped for p in presets] == [True] * len(PRESETS) + [False]
    delete_preset(reopened, "Growth 2025 增长")
    assert [p.name for p in list_presets(reopened)] == list(PRESETS)
    with pytest.raises(KeyError):
        load_preset(reopened, "Growth 2025 增长")
    reopened.close()


def test_shipped_presets_cannot_be_changed(tmp_path):
    store = Store(tmp_path / "t.duckdb")
    for name in PRESETS:
        with pytest.raises(ValueError, match="shipped"):
            save_preset(store, name, BALANCED)
        with pytest.raises(ValueError, match="shipped"):
            delete_preset(store, name)
        assert load_preset(store, name) == PRESETS[name]
    with pytest.raises(ValueError):
        save_preset(store, "  ", BALANCED)
    with pytest.raises(ValueError):
        save_preset(store, "bad", {"economic": float("nan")})
    store.close()


def test_shipped_presets_weigh_known_dimensions():
    for weights in PRESETS.values():
        assert set(weights) == set(DIMENSIONS) and sum(weights.values()) > 0
    assert PRESETS["expansion"]["strategic"] == max(PRESETS["expansion"].values())
    assert PRESETS["profit_focus"]["economic"] == max(PRESETS["profit_focus"].values())


def test_published_thresholds_round_trip_each_kind_on_its_own_with_before_and_after(tmp_path):
    path = tmp_path / "t.duckdb"
    store = Store(path)
    assert shared_thresholds(store, "risk") is None and shared_thresholds(store, "stages") is None
    risk = RiskThresholds(top_n=3, top_share_moderate=0.2, top_share_high=0.4, hhi_moderate=1000.0, hhi_high=2000.0)
    publish_thresholds(store, risk)
    publish_thresholds(store, StageThresholds(new_days=90))
    publish_thresholds(store, StageThresholds(new_days=120, growth=0.3))
    store.close()

    reopened = Store(path)
    assert shared_thresholds(reopened, "risk") == risk
    assert shared_thresholds(reopened, "stages") == StageThresholds(new_days=120, growth=0.3)
    changes = [json.loads(details) for (details,) in reopened.rows(
        "SELECT details FROM audit_log WHERE action = 'thresholds_publish' ORDER BY audit_id")]
    assert [change["thresholds"] for change in changes] == ["risk", "stages", "stages"]
    assert changes[0]["before"]["top_n"] == RiskThresholds().top_n and changes[0]["after"]["top_n"] == 3
    assert changes[1]["before"]["new_days"] == StageThresholds().new_days  # the defaults applied until then
    assert (changes[2]["before"]["new_days"], changes[2]["after"]["new_days"]) == (90, 120)
    reopened.close()


def test_thresholds_are_checked_when_published_and_when_read(tmp_path):
    store = Store(tmp_path / "t.duckdb")
    with pytest.raises(TypeError, match="not a kind of thresholds"):
        publish_thresholds(store, {"top_n": 3})
    with pytest.raises(ValueError, match="unknown kind"):
        shared_thresholds(store, "weights")
    # A field a later release dropped is ignored; a contradiction stored by hand is refused, not used.
    store.put_setting("shared:risk_thresholds", {"top_n": 4, "retired_field": 1})
    assert shared_thresholds(store, "risk") == RiskThresholds(top_n=4)
    store.put_setting("shared:stages_thresholds", {"min_lost_days": 10, "min_dormant_days": 60})
    with pytest.raises(ValueError, match="min_dormant_days"):
        shared_thresholds(store, "stages")
    store.close()


def test_the_command_line_report_follows_the_published_thresholds(tmp_path):
    store = Store(tmp_path / "t.duckdb")
    assert published_thresholds(store) == {}  # nothing published: the report's defaults
    publish_thresholds(store, RiskThresholds(top_n=3))
    assert published_thresholds(store) == {"risk": RiskThresholds(top_n=3)}
    publish_thresholds(store, StageThresholds(new_days=90))
    assert ReportSettings(**published_thresholds(store)).stage_thresholds.new_days == 90
    store.close()
