"""Entry script: page config, the sidebar (language, active dataset) and navigation."""

import streamlit as st

from analytics.store import is_fatal
from ui import database
from ui.language import language_selector, t

PAGES = [
    ("pages/overview.py", "nav.overview", ":material/home:", True),
    ("pages/value_model.py", "nav.value_model", ":material/tune:", False),
    ("pages/concentration.py", "nav.concentration", ":material/stacked_line_chart:", False),
    ("pages/customer.py", "nav.customer", ":material/person_search:", False),
    ("pages/lifecycle.py", "nav.lifecycle", ":material/autorenew:", False),
    ("pages/lifetime_value.py", "nav.lifetime_value", ":material/hourglass_top:", False),
    ("pages/segments.py", "nav.segments", ":material/bubble_chart:", False),
    ("pages/report.py", "nav.report", ":material/description:", False),
    ("pages/data.py", "nav.data", ":material/upload_file:", False),
]


def main() -> None:
    st.set_page_config(page_title=t("app.title"), page_icon=":material/insights:", layout="wide")
    language_selector()
    store = database.open_database()
    if store.read_only:
        st.sidebar.warning(t("store.read_only_notice"))
    if database.dataset_selector().is_demo:
        st.sidebar.info(t("app.demo_notice"))
    navigation = st.navigation([
        st.Page(path, title=t(title_key), icon=icon, default=default, url_path=path.split("/")[-1][:-3])
        for path, title_key, icon, default in PAGES
    ])
    try:
        navigation.run()
    except Exception as error:
        if not is_fatal(error):
            raise
        # DuckDB gave up on the connection mid-run; the next run reopens it (database.open_database).
        st.error(t("store.error.fatal"))


main()
