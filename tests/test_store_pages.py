"""What a person sees when the database is busy, read-only or has failed: words, never a traceback."""

from __future__ import annotations

import pytest
from app_harness import open_app, rerun

from analytics.store import READ_ONLY_ENV, open_store
from ui.i18n import translate

PAGES = ["pages/overview.py", "pages/value_model.py", "pages/concentration.py", "pages/customer.py",
         "pages/lifecycle.py", "pages/lifetime_value.py", "pages/segments.py", "pages/report.py", "pages/data.py"]


def everything_shown(app) -> str:
    return "\n".join(str(element.value) for kind in ("error", "warning", "info", "markdown", "title")
                     for element in getattr(app, kind))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_database_held_by_another_server_gets_a_translated_message(locked_database, monkeypatch, lang):
    monkeypatch.setenv("CVD_DB_PATH", str(locked_database))
    app = open_app(lang=lang)
    assert [error.value for error in app.error] == [translate("store.error.locked", lang)]
    shown = everything_shown(app)
    assert str(locked_database.parent) not in shown and "PID" not in shown


def test_every_page_address_of_a_held_database_shows_the_message(locked_database, monkeypatch):
    """Without a navigation Streamlit would run a page file from pages/ itself, straight into the store."""
    monkeypatch.setenv("CVD_DB_PATH", str(locked_database))
    app = open_app()
    for page in PAGES:
        app.switch_page(page)
        rerun(app)
        assert [error.value for error in app.error] == [translate("store.error.locked")], page
        assert not app.exception, page


def test_a_viewer_is_not_told_to_start_read_only(locked_database, monkeypatch):
    monkeypatch.setenv("CVD_DB_PATH", str(locked_database))
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    app = open_app()
    assert [error.value for error in app.error] == [translate("store.error.locked_viewer")]
    assert "CVD_READ_ONLY=1" not in translate("store.error.locked_viewer")


def test_a_read_only_server_shows_every_page(app_database, monkeypatch):
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    app = open_app()
    assert translate("store.read_only_notice") in [warning.value for warning in app.sidebar.warning]
    for page in PAGES:
        app.switch_page(page)
        rerun(app)
        if page == "pages/value_model.py":
            assert app.button(key="value_preset_save").disabled
    # the Data page was the last: no uploader, and every write says why it is off
    assert translate("store.error.read_only") in [info.value for info in app.info]
    assert not app.get("file_uploader")
    app.segmented_control(key="data_section").set_value("datasets").run()
    assert all(app.button(key=key).disabled for key in ("manage_rename", "manage_delete", "manage_rollback"))
    assert open_store(str(app_database)).read_only


def test_a_store_that_failed_between_runs_is_reopened(app_database):
    app = open_app()
    open_store(str(app_database)).close()  # as DuckDB leaves it after a fatal error: every query fails
    rerun(app)
    assert "3,000" in [metric.value for metric in app.metric]
    assert open_store(str(app_database)).healthy()
