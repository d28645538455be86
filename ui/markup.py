"""User text (customer names, regions, file, dataset and preset names) shown as text, never as markup.

Streamlit renders Markdown in st.markdown, captions, alerts, headers, widget labels, radio options,
tabs and expanders; plotly renders a subset of HTML in every label, hover text and tick. A
supplier's spreadsheet can therefore carry ``![x](http://host/p.png)`` (a tracking pixel every
viewer's browser fetches), a link, a LaTeX formula or a coloured directive. Wrap user text with
``md`` before it joins Markdown and with ``plot_text`` before it joins a figure.
"""

from __future__ import annotations

import html
import re

# CommonMark lets a backslash escape any ASCII punctuation, which covers Streamlit's
# ``:color[...]`` directives and ``$`` maths too. GFM autolinks (``http://``, ``www.``, e-mail
# addresses) are found in the text after escapes are resolved, so an invisible word joiner goes
# where they would start.
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_AUTOLINK_START = re.compile(r"(?i)(https?|ftp|mailto|www)(?=\\[:.])|(?<=\\@)")
_WORD_JOINER = "\u2060"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def md(text: object) -> str:
    """``text`` escaped for a Markdown context: it renders exactly as typed, on one line."""
    escaped = _ASCII_PUNCTUATION.sub(r"\\\1", _CONTROL.sub(" ", str(text)))
    return _AUTOLINK_START.sub(lambda match: (match.group(1) or "") + _WORD_JOINER, escaped)


def plot_text(text: object) -> str:
    """``text`` escaped for plotly labels: tags such as ``<a href>`` show as typed."""
    return html.escape(_CONTROL.sub(" ", str(text)), quote=False)
