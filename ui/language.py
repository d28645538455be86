"""The interface language of this session and the translated text pages show.

The language is a session choice (the sidebar picker); ``t`` reads it on every call, so a page
draws in the language chosen for this run.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from ui.settings import widget

LANGUAGE_KEY = "lang"


def lang() -> str:
    return st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)


def t(key: str, **values) -> str:
    """The current language's text for ``key``."""
    return translate(key, lang(), **values)


def option_labels(prefix: str) -> Callable[[object], str]:
    """A ``format_func`` for option widgets: ``prefix + option`` translated in the current language.

    The language is bound now, not looked up at call time: Streamlit's test harness calls format
    functions outside the script run, where the session (and so the chosen language) is unknown.
    """
    language = lang()
    return lambda option: translate(f"{prefix}{option}", language)


_TRANSLATED_OPTION_KEYS: set[str] = set()


def translated_options(key: str) -> str:
    """Register the key of an option widget whose labels are translated, and return it.

    Streamlit keeps such a widget's choice as its label text, which a language switch would
    orphan: the widget would show no choice. The switch re-assigns these widgets' choices.
    """
    _TRANSLATED_OPTION_KEYS.add(key)
    return key


def translated_choice(key: str, default) -> dict:
    """Keyword arguments for an option widget with translated labels (``translated_options``) that
    starts at ``default``. The choice goes in through the session only: a language switch hands it
    back there, and a widget given an index as well makes Streamlit log a stack trace."""
    st.session_state.setdefault(translated_options(key), default)
    return {"key": key}


def _switch_language() -> None:
    """Carry every translated option widget's choice over to the new language.

    Reading a choice here still decodes it with the old labels; assigning it back makes
    Streamlit encode it with the new labels and send it to the browser on the next run.
    """
    for key in _TRANSLATED_OPTION_KEYS & set(st.session_state.keys()):
        st.session_state[key] = st.session_state[key]


def language_selector() -> None:
    """The sidebar's language choice; the picker's own key holds it for the whole session."""
    st.sidebar.selectbox(
        translate("app.language", lang()), list(LANGUAGES), format_func=LANGUAGES.get, on_change=_switch_language,
        **widget(LANGUAGE_KEY, DEFAULT_LANGUAGE),
    )
