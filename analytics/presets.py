"""Weight presets: one per strategic stage, shipped, and the user's own, kept in the store's settings;
and the shared settings every session starts from: weights, tier method and cut-offs, and the
concentration-risk and lifecycle-stage thresholds.

Which dimensions matter, and how much, follows the company's strategic stage (docs/DOMAIN_NOTES.md):
a company entering markets values networks and reach over this year's sales, a stable one values
realized profit. Shipped presets are shown as ``value.preset.<name>`` and cannot be changed.

A session's sliders are its own scratch set: moving them changes nothing for anyone else. What
executives see when they open the dashboard is the shared set, which a strategist (or admin)
publishes with ``publish_shared``. Every change here takes the acting user, is refused without the
right, and writes its audit row (with the weights before and after) in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

from analytics import audit
from analytics.auth import Actor, acting, require
from analytics.concentration import RiskThresholds
from analytics.dimensions import DIMENSIONS, DimensionScores
from analytics.lifecycle import StageThresholds
from analytics.store import Store
from analytics.tiering import DEFAULT_SHARES, TIER_METHODS, _validate_shares
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
SHARED_KEY = "shared:value_model"
# Thresholds a strategist publishes, by kind: the 80/20 view's risk levels and the lifecycle stage rules.
THRESHOLD_KINDS = {"risk": RiskThresholds, "stages": StageThresholds}
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


def _replace_setting(cur, actor: Actor, action: str, key: str, value, default=None, **details) -> None:
    """Put (or, with ``value`` None, remove) one setting and its audit row, before and after; before
    the first change, ``before`` is ``default``: what applied while nothing was stored."""
    found = cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchall()
    if value is None and not found:
        raise KeyError(f"no setting {key!r}")
    before = json.loads(found[0][0]) if found else default
    cur.execute("DELETE FROM settings WHERE key = ?", [key])
    if value is not None:
        cur.execute("INSERT INTO settings (key, value) VALUES (?, ?)", [key, json.dumps(value, ensure_ascii=False)])
    audit.record(cur, actor, action, before=before, after=value, **details)


def save_preset(store: Store, name: str, weights: Mapping[str, float], *, actor: Actor | None = None) -> None:
    """Save (or overwrite) a user preset; shipped presets are read-only."""
    actor = acting(actor)
    require(actor, "preset")
    name = _checked_preset_name(name)
    with store.transaction() as cur:
        _replace_setting(cur, actor, "preset_save", PRESET_PREFIX + name, validate_weights(weights), preset=name)


def delete_preset(store: Store, name: str, *, actor: Actor | None = None) -> None:
    actor = acting(actor)
    require(actor, "preset")
    name = _checked_preset_name(name)
    try:
        with store.transaction() as cur:
            _replace_setting(cur, actor, "preset_delete", PRESET_PREFIX + name, None, preset=name)
    except KeyError:
        raise KeyError(f"no preset named {name!r}") from None


@dataclass(frozen=True)
class SharedSettings:
    """What every session starts from: weights, tier method and its S, A, B cut-off shares."""

    weights: dict[str, float]
    tier_method: str
    shares: dict[str, float]


# What sessions start from while nobody has published: the balanced weights and the first tier method.
DEFAULT_SHARED = SharedSettings(dict(PRESETS["balanced"]), TIER_METHODS[0], dict(DEFAULT_SHARES[TIER_METHODS[0]]))


def shared_settings(store: Store) -> SharedSettings | None:
    """The published shared settings; None until someone publishes (the defaults apply)."""
    value = store.get_setting(SHARED_KEY)
    if value is None:
        return None
    return SharedSettings(validate_weights(value["weights"]), value["tier_method"],
                          _validate_shares(value["tier_method"], value["shares"]))


def publish_shared(store: Store, weights: Mapping[str, float], tier_method: str, shares: Mapping[str, float], *,
                   actor: Actor | None = None) -> SharedSettings:
    """Make these the settings every session starts from (strategists and admins)."""
    actor = acting(actor)
    require(actor, "publish")
    shared = SharedSettings(validate_weights(weights), tier_method, _validate_shares(tier_method, shares))
    with store.transaction() as cur:
        _replace_setting(cur, actor, "shared_publish", SHARED_KEY, shared.__dict__, default=DEFAULT_SHARED.__dict__)
    return shared


def shared_thresholds(store: Store, kind: str) -> RiskThresholds | StageThresholds | None:
    """The published thresholds of ``kind`` (a ``THRESHOLD_KINDS`` name); None until someone publishes."""
    value = store.get_setting(_thresholds_key(kind))
    if value is None:
        return None
    known = {item.name for item in fields(THRESHOLD_KINDS[kind])}
    return THRESHOLD_KINDS[kind](**{name: entry for name, entry in value.items() if name in known})


def publish_thresholds(store: Store, thresholds: RiskThresholds | StageThresholds, *,
                       actor: Actor | None = None) -> None:
    """Make these the thresholds of their kind every session starts from (strategists and admins)."""
    actor = acting(actor)
    require(actor, "publish")
    kind = next((name for name, cls in THRESHOLD_KINDS.items() if type(thresholds) is cls), None)
    if kind is None:
        raise TypeError(f"not a kind of thresholds: {type(thresholds).__name__}")
    value = {name: entry.item() if hasattr(entry, "item") else entry for name, entry in asdict(thresholds).items()}
    with store.transaction() as cur:
        _replace_setting(cur, actor, "thresholds_publish", _thresholds_key(kind), value,
                         default=asdict(THRESHOLD_KINDS[kind]()), thresholds=kind)


def _thresholds_key(kind: str) -> str:
    if kind not in THRESHOLD_KINDS:
        raise ValueError(f"unknown kind of thresholds {kind!r}; known: {', '.join(THRESHOLD_KINDS)}")
    return f"shared:{kind}_thresholds"


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
