"""Placeholder until this page lands."""

import streamlit as st

from ui import state

st.title(state.t("nav.segments"))
