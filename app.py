"""Entry script: page config, the sidebar (language, active dataset) and navigation."""

import streamlit as st

from ui import state

st.set_page_config(page_title="Customer value dashboard", page_icon="📊", layout="wide")

state.language_selector()
dataset = state.dataset_selector()
if dataset.is_demo:
    st.sidebar.info(state.t("app.demo_notice"))

PAGES = [
    ("pages/overview.py", "nav.overview", "🏠", True),
    ("pages/value_model.py", "nav.value_model", "⚖️", False),
    ("pages/concentration.py", "nav.concentration", "📈", False),
    ("pages/customer.py", "nav.customer", "🔎", False),
    ("pages/lifecycle.py", "nav.lifecycle", "🔄", False),
    ("pages/lifetime_value.py", "nav.lifetime_value", "⏳", False),
    ("pages/segments.py", "nav.segments", "🧩", False),
    ("pages/data.py", "nav.data", "🗂️", False),
]
navigation = st.navigation([
    st.Page(path, title=state.t(title_key), icon=icon, default=default, url_path=path.split("/")[-1][:-3])
    for path, title_key, icon, default in PAGES
])
navigation.run()
