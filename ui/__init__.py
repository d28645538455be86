"""The Streamlit side of the dashboard.

Every run must start in ``app.py``, which signs people in (team mode) before any page draws.
Streamlit still knows the older way of multipage apps: a fresh server, while ``st.navigation``
has not been called yet, runs a script from ``pages/`` on its own when the first request asks for
its address (``/data``), without ``app.py``. Every page imports this package first, so the first
such run switches that way off and starts again, through ``app.py``.
"""

from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    if get_script_run_ctx(suppress_warning=True) is not None:
        import streamlit as st

        st.rerun()
