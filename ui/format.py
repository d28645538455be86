"""How numbers read on every page and figure, in English and Chinese.

One module so that a number looks the same everywhere: one missing-value marker, thousands
separators on counts and amounts, no "-0%", compact amounts in thousands and millions (K, M, B)
or in 万 and 亿, ISO dates, English plurals ("1 customer", "2 customers"), and the shipped demo
dataset's name in the language (sidebar, Data page and reports alike). Functions take the
language explicitly so figure builders (which have no session) use them too.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd

from analytics.demo import DEMO_NAME
from ui.i18n import translate


def _missing(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float | np.floating) and not math.isfinite(value))


def missing(lang: str) -> str:
    """The one marker for a value that is not known."""
    return translate("format.missing", lang)


def _unsigned_zero(value: float) -> float:
    return 0.0 if value == 0 else value  # -0.0 would print as "-0"


def count(value, lang: str) -> str:
    """A whole number with thousands separators."""
    return missing(lang) if _missing(value) else f"{int(value):,}"


def counted(value, noun: str, lang: str) -> str:
    """A count with its noun (``format.<noun>.one`` / ``.other``): "1 customer", "2 customers", "2 个客户"."""
    if _missing(value):
        return missing(lang)
    form = "one" if int(value) == 1 else "other"
    return translate(f"format.{noun}.{form}", lang, n=count(value, lang))


def number(value, lang: str, decimals: int = 1) -> str:
    return missing(lang) if _missing(value) else f"{_unsigned_zero(round(float(value), decimals)):,.{decimals}f}"


def percent(share, lang: str, decimals: int = 1) -> str:
    """A share (0.123) as a percentage with fixed decimals ("12.3%")."""
    if _missing(share):
        return missing(lang)
    return f"{_unsigned_zero(round(100.0 * float(share), decimals)):.{decimals}f}%"


def share(value, lang: str) -> str:
    """A share with the precision it needs: whole from 10% up, two significant digits below (2.1%, 0.37%)."""
    if _missing(value):
        return missing(lang)
    pct = 100.0 * float(value)
    if round(pct) == 0 and abs(pct) < 0.01:
        return "0%" if pct == 0 else "<0.01%"
    if abs(pct) >= 10.0:
        return f"{_unsigned_zero(round(pct)):.0f}%"
    return f"{_unsigned_zero(float(f'{pct:.2g}')):g}%"


def money(amount, lang: str) -> str:
    """An amount in whole units of the dataset's currency, thousands separated."""
    return missing(lang) if _missing(amount) else f"{_unsigned_zero(round(float(amount))):,.0f}"


def compact(amount, lang: str, trim: bool = False) -> str:
    """An amount short enough for a KPI card: 503M / 12.3K in English, 5.03亿 / 1.2万 in Chinese.

    The steps come from the ``format.scales`` translation, since languages group digits
    differently (thousands and millions; 万 and 亿). Three significant digits from a step up;
    ``trim`` drops trailing zeros (axis ticks: 2M, 2.5M).
    """
    if _missing(amount):
        return missing(lang)
    for step in translate("format.scales", lang).split("|"):
        power, suffix = step.split(" ", 1)
        scale = float(power)
        if abs(amount) >= scale:
            scaled = amount / scale
            if trim:
                return f"{scaled:.3g}{suffix}"
            decimals = max(0, 2 - int(np.floor(np.log10(abs(scaled)))))
            return f"{scaled:.{decimals}f}{suffix}"
    return money(amount, lang)


def dataset_name(name: str, is_demo: bool, lang: str) -> str:
    """A dataset's name as a person reads it: the shipped demo's in the language, unless someone
    renamed it. Renaming and deleting still go by the stored name."""
    return translate("app.demo_name", lang) if is_demo and name == DEMO_NAME else name


def listed(items, lang: str) -> str:
    """Items in a run of text: "a, b, c" in English, "a、b、c" in Chinese; the missing marker for none."""
    items = list(items)
    return translate("format.list_separator", lang).join(items) if items else missing(lang)


def labelled(label: str, text: str, lang: str) -> str:
    """A bold label before its text, with the language's colon: "**Label**: text", "**标签**：text"."""
    return f"**{label}**{translate('format.label_colon', lang)}{text}"


def sentences(parts, lang: str) -> str:
    """Sentences one after another: a space between them in English, none after Chinese ones
    (their full stop "。" leaves its own room)."""
    return ("" if lang == "zh" else " ").join(part for part in parts if part)


def day(value, lang: str) -> str:
    """A date as ISO text (2024-03-05), which reads the same in both languages."""
    if _missing(value):
        return missing(lang)
    if isinstance(value, datetime | pd.Timestamp):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else str(value)


def money_ticks(values, lang: str, ticks: int = 5) -> dict:
    """Axis settings that label money in the interface language's compact steps (K/M or 万/亿):
    plotly's own SI suffixes say "G" for billions and know no 万."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return {}
    low, high = float(min(finite.min(), 0.0)), float(max(finite.max(), 0.0))
    if low == high:
        return {}
    step = _nice_step((high - low) / ticks)
    positions = np.arange(math.floor(low / step), math.ceil(high / step) + 1) * step
    return {"tickvals": positions.tolist(), "ticktext": [compact(p, lang, trim=True) for p in positions]}


def _nice_step(raw: float) -> float:
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
