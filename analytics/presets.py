"""Weight presets: one per strategic stage, shipped, and the user's own, kept in the store's settings.

Which dimensions matter, and how much, follows the company's strategic stage (docs/DOMAIN_NOTES.md):
a company entering markets values networks and reach over this year's sales, a stable one values
realized profit. Shipped presets are shown as ``value.preset.<name>`` and cannot be changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from analytics.dimensions import DIMENSIONS, DimensionScores
from analytics.store import Store
from analytics.value_model import validate_weights

PRESETS: dict[str, dict[str, float]] = {
    "balanced": {dimension: 1.0 for dimension in DIMENSIONS},
    # Stable stage: realized profit and the team's productivity come first.
    "profit_focus": {
        "economic": 5.0, "potential": 1.0, "influence": 0.5, "strategic": 0.5, "social": 0.5,
        "per_head": 2.0, "satisfaction": 1.0,
    },
    # Entering markets: networks, reach and growth matter more than this year's sales.
    "expansion": {
        "economic": 1.0, "potential": 3.0, "influence": 1.5, "strategic": 4.0, "social": 2.0,
        "per_head": 0.0, "satisfaction": 0.5,
    },
    # Key accounts: customers that support the account team, keep growing and stay content.
    "key_account": {
        "economic": 2.0, "potential": 3.0, "influence": 0.5, "strategic": 1.0, "social": 0.5,
        "per_head": 3.0, "satisfaction": 2.5,
    },
}
PRESET_PREFIX = "preset:"
MAX_PRESET_NAME_LENGTH = 60


@dataclass(frozen=True)
class Preset:
    """A named set of weights; ``shipped`` presets come with the dashboard and are read-only."""

    name: str
    weights: dict[str, float]
    shipped: bool


def list_presets(store: Store) -> list[Preset]:
    """Shipped presets first (in ``PRESETS`` order), then saved ones by name."""
    shipped = [Preset(name, dict(weights), True) for name, weights in PRESETS.items()]
    saved = [
        Preset(key[len(PRESET_PREFIX):], validate_weights(weights), False)
        for key, weights in sorted(store.settings_with_prefix(PRESET_PREFIX).items())
    ]
    return shipped + saved


def load_preset(store: Store, name: str) -> dict[str, float]:
    if name in PRESETS:
        return dict(PRESETS[name])
    weights = store.get_setting(PRESET_PREFIX + name)
    if weights is None:
        raise KeyError(f"no preset named {name!r}")
    return validate_weights(weights)


def save_preset(store: Store, name: str, weights: Mapping[str, float]) -> None:
    """Save (or overwrite) a user preset; shipped presets are read-only."""
    name = _checked_preset_name(name)
    store.put_setting(PRESET_PREFIX + name, validate_weights(weights))


def delete_preset(store: Store, name: str) -> None:
    name = _checked_preset_name(name)
    if store.get_setting(PRESET_PREFIX + name) is None:
        raise KeyError(f"no preset named {name!r}")
    store.delete_setting(PRESET_PREFIX + name)


def _checked_preset_name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a preset needs a non-empty name")
    name = name.strip()
    if len(name) > MAX_PRESET_NAME_LENGTH:
        raise ValueError(f"preset names are at most {MAX_PRESET_NAME_LENGTH} characters")
    if name in PRESETS:
        raise ValueError(f"{name!r} is a shipped preset and cannot be changed")
    return name


def weighs_any(weights: Mapping[str, float], scores: DimensionScores) -> bool:
    """Whether ``weights`` put weight on a dimension ``scores`` have."""
    return any(weights.get(dimension, 0) > 0 for dimension in scores.dimensions)


def effective_weights(weights: Mapping[str, float], scores: DimensionScores) -> dict[str, float]:
    """``weights``, or the balanced preset when they weigh no dimension these scores have
    (weights chosen on another dataset can, and a model needs at least one weighted dimension)."""
    return dict(weights) if weighs_any(weights, scores) else dict(PRESETS["balanced"])
