"""The translation table: complete in both languages, placeholders consistent."""

import string

from ui.i18n import LANGUAGES, TABLE, translate


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_entry_is_complete_in_both_languages():
    """One test over the whole table, so a failure lists every key that needs work at once."""
    problems = []
    for key, entry in sorted(TABLE.items()):
        missing = sorted(set(LANGUAGES) - set(entry))
        if missing:
            problems.append(f"{key}: missing {', '.join(missing)}")
        if set(entry) - set(LANGUAGES):
            problems.append(f"{key}: unknown language {', '.join(sorted(set(entry) - set(LANGUAGES)))}")
        blank = [lang for lang in LANGUAGES if lang in entry and not entry[lang].strip()]
        if blank:
            problems.append(f"{key}: blank {', '.join(blank)}")
        if not missing and placeholders(entry["en"]) != placeholders(entry["zh"]):
            problems.append(f"{key}: placeholders en {sorted(placeholders(entry['en']))}"
                            f" != zh {sorted(placeholders(entry['zh']))}")
    assert TABLE, "no translations loaded"
    assert not problems, "\n".join(problems)


def test_translate_fills_placeholders_and_falls_back_to_english():
    assert translate("upload.error_empty_file", "zh", file="a.csv") == "a.csv 是空文件。"
    assert translate("upload.error_empty_file", "fr", file="a.csv") == "a.csv is empty."
