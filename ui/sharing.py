"""Publishing a session's choices for everyone, and going back to the published ones.

A session's sliders and inputs are its own scratch set; what every new session starts from is
what a strategist (or admin) publishes (``analytics.presets``). Each page that sets shared
choices draws the same two buttons; a callback's outcome is kept for the rerun it triggers
(callbacks run before the page) and shown by ``show_flash``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from analytics import presets
from analytics.auth import PermissionDenied
from ui import access, database, settings
from ui.language import t

FLASH_KEY = "shared_flash"


def flash(kind: str, text: str) -> None:
    st.session_state[FLASH_KEY] = (kind, text)


def show_flash() -> None:
    if message := st.session_state.pop(FLASH_KEY, None):
        kind, text = message
        getattr(st, kind)(text)


def publish(write: Callable[[], None], success: str) -> None:
    """Run a publishing ``write`` and keep its outcome: ``success`` or why the role may not."""
    try:
        write()
    except PermissionDenied as error:
        flash("error", access.denied_text(error.code, error.actor.role))
        return
    flash("success", success)


def buttons(key: str, on_publish: Callable[[], None], on_load: Callable[[], None], load_label: str) -> None:
    """"Publish for everyone" (disabled, with the reason, for a role that cannot) and the way back."""
    reason = access.blocked("publish")
    row = st.container(horizontal=True)  # wraps when the labels do not fit side by side (columns cut them)
    row.button(t("value.shared_publish"), key=f"{key}_publish", on_click=on_publish, disabled=reason is not None,
               help=reason)
    row.button(load_label, key=f"{key}_load", on_click=on_load)


def thresholds_panel(kind: str) -> None:
    """Publish this session's thresholds of ``kind`` (``presets.THRESHOLD_KINDS``) for everyone, or
    go back to the published ones."""
    st.caption(t("shared.thresholds_help"))
    buttons(f"{kind}_thresholds", partial(_publish_thresholds, kind), partial(_load_thresholds, kind),
            t("shared.thresholds_load"))
    show_flash()


def _entered(kind: str):
    """The thresholds as entered on the page, None while they contradict each other."""
    if kind == "stages":
        return settings.entered_stage_thresholds()
    thresholds, valid = settings.risk_thresholds()
    return thresholds if valid else None


def _entries(kind: str, thresholds) -> dict:
    return settings.stage_entries(thresholds) if kind == "stages" else settings.risk_entries(thresholds)


def _publish_thresholds(kind: str) -> None:
    thresholds = _entered(kind)
    if thresholds is None:
        flash("error", t("shared.thresholds_invalid"))
        return
    publish(lambda: presets.publish_thresholds(database.get_store(), thresholds, actor=access.actor()),
            t("shared.thresholds_published"))


def _load_thresholds(kind: str) -> None:
    shared = presets.shared_thresholds(database.get_store(), kind)
    settings.set_entries(_entries(kind, shared or presets.THRESHOLD_KINDS[kind]()))
    flash("success", t("shared.thresholds_loaded"))
