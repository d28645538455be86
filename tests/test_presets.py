"""Weight presets: shipped ones per strategic stage, read-only; the user's own, kept in the store."""

from __future__ import annotations

import pytest

from analytics.dimensions import DIMENSIONS
from analytics.presets import PRESETS, delete_preset, list_presets, load_preset, save_preset
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
