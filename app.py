"""Entry script: page config, the sidebar (language, active dataset) and navigation."""

import streamlit as st

from analytics.store import is_fatal
from ui import state

st.set_page_config(page_title=state.t("app.title"), page_icon=":material/insights:", layout="wide")

state.language_selector()
store = state.open_database()
if store.read_only:
    st.sidebar.warning(state.t("store.read_only_notice"))
dataset = state.dataset_selector()
if dataset.is_demo:
    st.sidebar.info(state.t("app.demo_notice"))

PAGES = [
    ("pages/overview.py", "nav.overview", ":material/home:", True),
    ("pages/value_model.py", "nav.value_model", ":material/tune:", False),
    ("pages/concentration.py", "nav.concentration", ":material/stacked_line_chart:", False),
    ("pages/customer.py", "nav.customer", ":material/person_search:", False),
    ("pages/lifecycle.py", "nav.lifecycle", ":material/autorenew:", False),
    ("pages/lifetime_value.py", "nav.lifetime_value", ":material/hourglass_top:", False),
    ("pages/segments.py", "nav.segments", ":material/bubble_chart:", False),
    ("pages/data.py", "nav.data", ":material/upload_file:", False),
]
navigation = st.navigation([
    st.Page(path, title=state.t(title_key), icon=icon, default=default, url_path=path.split("/")[-1][:-3])
    for path, title_key, icon, default in PAGES
])
try:
    navigation.run()
except Exception as error:
    if not is_fatal(error):
        raise
    # DuckDB gave up on the connection mid-run; the next run reopens it (state.open_database).
    st.error(state.t("store.error.fatal"))

