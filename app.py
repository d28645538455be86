"""Entry script: page config, sign-in (team mode), the sidebar (language, active dataset) and navigation."""

import os
from pathlib import Path

import streamlit as st

from analytics.external import SourceError
from analytics.presets import shared_settings, shared_thresholds
from ui import access, database, external, models, settings
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
ADMIN_PAGE = ("pages/admin.py", "nav.admin", ":material/admin_panel_settings:", False)
# Set by scripts/serve.py while its warm-up runs the app.
WARM_UP_ENV = "CVD_WARMING_UP"


def main() -> None:
    st.set_page_config(page_title=t("app.title"), page_icon=ICON, layout="wide")
    language_selector()
    problem = database.store_problem()
    if problem is not None:
        # Still a navigation: without one Streamlit would run the file of a page address by itself.
        st.navigation([_page(page) for page in PAGES])
        st.error(problem)
        return
    store = database.open_database()
    actor = access.current()
    if actor is None:  # team mode, not signed in: every address shows the sign-in form
        st.navigation(_sign_in_pages(), position="hidden").run()
        return
    access.sidebar(actor)
    if not settings.started_from_shared():
        settings.start_from_shared(shared_settings(store), risk=shared_thresholds(store, "risk"),
                                   stages=shared_thresholds(store, "stages"))
    if store.read_only:
        st.sidebar.warning(t("store.read_only_notice"))
    dataset = database.dataset_selector()
    if dataset.is_demo:
        st.sidebar.info(t("app.demo_notice"))
    navigation = st.navigation([_page(page) for page in PAGES + ([ADMIN_PAGE] if actor.can("users") else [])])
    try:
        with external.loading(dataset):  # an external source's first read can take minutes: say why
            external.source_line(dataset)
            navigation.run()
            if os.environ.get(WARM_UP_ENV) == "1":  # the server's warm-up run (scripts/serve.py)
                models.prefetch(dataset)
    except SourceError as error:  # unreachable, its file gone or being written
        st.error(external.error_text(error))
    except Exception as error:
        if not database.connection_lost(error):
            raise
        st.error(t("store.error.fatal"))


def _sign_in_pages() -> list[st.Page]:
    """The sign-in form under its own address and under every page's: a link to /data opened before
    signing in shows the form (not Streamlit's "page not found"), and the page once signed in."""
    sign_in = [st.Page(access.sign_in_page, title=t("auth.sign_in"), icon=":material/login:", url_path="sign_in",
                       default=True)]
    return sign_in + [st.Page(access.sign_in_page, title=t("auth.sign_in"), url_path=_url_path(path))
                      for path, *_ in PAGES + [ADMIN_PAGE]]


def _page(page: tuple) -> st.Page:
    path, title_key, icon, default = page
    return st.Page(path, title=t(title_key), icon=icon, default=default, url_path=_url_path(path))


def _url_path(path: str) -> str:
    return path.split("/")[-1][:-3]


main()
