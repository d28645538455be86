"""How a column writes its numbers and dates, decided from its values and never guessed.

``83,71`` is 83.71 in Germany and, read with a point decimal, 8371; ``05/01/2024`` is May or
January. Each column's values vote: a value only one reading can explain decides (``1.234,56``,
``0,5``, ``13/01/2024``); a column whose values fit both readings is ambiguous, and one with votes
for both is mixed. Ambiguous and mixed columns are shown to the person, who chooses; validation
then rejects every value that does not fit the chosen reading instead of misreading it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DECIMALS = ("point", "comma")  # 1,234.56 / 1.234,56
DATE_ORDERS = ("ymd", "dmy", "mdy")
AMBIGUOUS = "ambiguous"
MIXED = "mixed"

_CURRENCY = re.compile(r"[\s\u00a0'’¥￥$€£元]")
_NUMBER = re.compile(r"[+-]?\(?[+-]?[\d.,]*\d[\d.,]*\)?")
_NUMERIC_DATE = re.compile(r"\s*(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})(?:[T\s].*)?")
_CHINESE_DATE = re.compile(r"\s*\d{4}年\d{1,2}月\d{1,2}日?.*")


def _number_vote(value: str) -> str | None:
    """'point', 'comma', 'ambiguous' (1,234 or 1.234) or None (no separator, or not a number)."""
    text = _CURRENCY.sub("", value).strip("()+-")
    if not _NUMBER.fullmatch(text):
        return None
    if "." in text and "," in text:
        return "point" if text.rfind(".") > text.rfind(",") else "comma"
    for separator, alone, other in ((",", "comma", "point"), (".", "point", "comma")):
        if separator in text:
            whole, _, fraction = text.rpartition(separator)
            if text.count(separator) > 1:
                return other  # only thousands separators repeat
            if len(fraction) != 3 or whole in ("", "0") or len(whole) > 3:
                return alone
            return AMBIGUOUS
    return None


def detect_decimal(values: Iterable[str | None]) -> str | None:
    """'point', 'comma', 'ambiguous', 'mixed', or None when no value has a separator."""
    votes = {_number_vote(v) for v in values if v}
    decided = votes & set(DECIMALS)
    if len(decided) == 2:
        return MIXED
    if decided:
        return decided.pop()
    return AMBIGUOUS if AMBIGUOUS in votes else None


def _date_vote(value: str) -> str | None:
    if _CHINESE_DATE.fullmatch(value):
        return "ymd"
    match = _NUMERIC_DATE.fullmatch(value)
    if not match:
        return None
    first, second, third = match.groups()
    if len(first) == 4:
        return "ymd"
    if len(third) not in (2, 4):
        return None
    day_first, month_first = int(first) > 12, int(second) > 12
    if day_first and not month_first:
        return "dmy"
    if month_first and not day_first:
        return "mdy"
    if first == second or int(first) == int(second):
        return "either"
    return AMBIGUOUS if not (day_first or month_first) else None


def detect_date_order(values: Iterable[str | None]) -> str | None:
    """'ymd', 'dmy', 'mdy', 'ambiguous', 'mixed', or None when no value looks like a numeric date."""
    votes = {_date_vote(v) for v in values if v}
    decided = votes & set(DATE_ORDERS)
    if len(decided) > 1:
        return MIXED
    if decided:
        return decided.pop()
    if AMBIGUOUS in votes:
        return AMBIGUOUS
    return "dmy" if "either" in votes else None


def needs_choice(detected: str | None) -> bool:
    return detected in (AMBIGUOUS, MIXED)
