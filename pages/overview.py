"""Executive overview: the landing page."""

import streamlit as st

from ui import state

st.title(state.t("nav.overview"))
features = state.features()
st.metric(state.t("data.col_customers"), f"{len(features):,}")
