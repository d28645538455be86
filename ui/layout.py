"""Pieces every page shares."""

from __future__ import annotations

import streamlit as st

from ui import format as fmt
from ui.language import lang, t

PAGE_END_KEY = "page-end"
# Counts from here up are shown compact on a card: "100,000" was cut off in a card at 1400 px.
COMPACT_COUNT_FROM = 100_000


def page_end() -> None:
    """The last element of every page: a browser (or a test) that sees it knows the page is drawn."""
    st.container(key=PAGE_END_KEY, height=1, border=False)


def card_count(count: int) -> str:
    """A count as a card shows it: exact below ``COMPACT_COUNT_FROM``, compact from there up (100K, 10万)."""
    return fmt.count(count, lang()) if count < COMPACT_COUNT_FROM else fmt.compact(count, lang(), trim=True)


def count_card(slot, label: str, count: int, help_text: str | None = None) -> None:
    """A count on a bordered card (``card_count``), the exact count in its help when it is compact."""
    exact = None if count < COMPACT_COUNT_FROM else t("conc.kpi.exact", amount=fmt.count(count, lang()))
    slot.metric(label, card_count(count), help="\n\n".join(part for part in (help_text, exact) if part) or None,
                border=True)
