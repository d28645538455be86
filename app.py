"""Entry script: page config, the sidebar (language, active dataset) and navigation."""

from pathlib import Path

import streamlit as st

from ui import database
from ui.language import language_selector, t

# A local file: a Material icon or emoji as page icon makes every browser fetch it from Google's servers.
ICON = str(Path(__file__).resolve().parent / "ui" / "assets" / "icon.png")
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
    st.set_page_config(page_title=t("app.title"), page_icon=ICON, layout="wide")
    language_selector()
    problem = database.store_problem()
    if problem is None:
        if database.open_database().read_only:
            st.sidebar.warning(t("store.read_only_notice"))
        if database.dataset_selector().is_demo:
            st.sidebar.info(t("app.demo_notice"))
    # Always a navigation, even when the database cannot be opened: without one Streamlit would run
    # the file of a page address from pages/ by itself, straight into the store.
    navigation = st.navigation([
        st.Page(path, title=t(title_key), icon=icon, default=default, url_path=path.split("/")[-1][:-3])
        for path, title_key, icon, default in PAGES
    ])
    if problem is not None:
        st.error(problem)
        return
    try:
        navigation.run()
    except Exception as error:
        if not database.connection_lost(error):
            raise
        st.error(t("store.error.fatal"))

main()
