"""Opening the dashboard in Streamlit's AppTest, shared by the page tests.

In AppTest the sidebar that app.py draws is not in the element tree after a page switch, so
page tests preset session values (language, active dataset) instead of clicking the sidebar.
"""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.settings import slider_weights, weight_key

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_app(page: str | None = None, **session) -> AppTest:
    """The app run once with ``session`` values preset, then switched to ``page`` if given."""
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in session.items():
        app.session_state[key] = value
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    assert_clean(app)
    return app


def rerun(app: AppTest) -> AppTest:
    app.run()
    assert_clean(app)
    return app


def assert_clean(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]


def weight_keys(weights: dict[str, float]) -> dict[str, float]:
    """Session values that set the weight sliders (``ui.settings``) to ``weights``."""
    return {weight_key(dimension): weight for dimension, weight in slider_weights(weights).items()}


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def column_types(table) -> dict[str, dict]:
    """A drawn table's column settings by column label (format, step: how its numbers are shown)."""
    return {label: config.get("type_config", {}) for label, config in json.loads(table.proto.columns or "{}").items()}
