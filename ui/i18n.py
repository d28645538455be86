"""One translation table for every user-facing string, English and Chinese.

Each feature area keeps its entries in a module under ``ui/strings`` (``STRINGS = {key: {"en":
..., "zh": ...}}``) so areas can grow independently; they are merged here into one table, and a
test checks that every key has both languages and that no two areas define the same key.
"""

from __future__ import annotations

import importlib
import pkgutil

from ui import strings as _strings_pkg

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"


def _load_table() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for module_info in sorted(pkgutil.iter_modules(_strings_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"ui.strings.{module_info.name}")
        for key, entry in module.STRINGS.items():
            if key in table:
                raise KeyError(f"translation key {key!r} defined twice (ui/strings/{module_info.name}.py)")
            table[key] = entry
    return table


TABLE = _load_table()


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text for ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    entry = TABLE[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
