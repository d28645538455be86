"""Pieces every page shares."""

from __future__ import annotations

import streamlit as st

PAGE_END_KEY = "page-end"


def page_end() -> None:
    """The last element of every page: a browser (or a test) that sees it knows the page is drawn."""
    st.container(key=PAGE_END_KEY, height=1, border=False)
