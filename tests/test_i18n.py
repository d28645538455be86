"""The translation table: complete in both languages, placeholders consistent."""

import string

import pytest

from ui.i18n import LANGUAGES, TABLE, translate


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TABLE))
def test_every_entry_is_complete_in_both_languages(key):
    entry = TABLE[key]
    assert set(entry) == set(LANGUAGES), key
    assert all(entry[lang].strip() for lang in LANGUAGES), key
    assert placeholders(entry["en"]) == placeholders(entry["zh"]), key


def test_translate_fills_placeholders_and_falls_back_to_english():
    assert translate("upload.error_empty_file", "zh", file="a.csv") == "a.csv 是空文件。"
    assert translate("upload.error_empty_file", "fr", file="a.csv") == "a.csv is empty."
