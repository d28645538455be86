"""Report page: the executive report of the active dataset (HTML or PDF) under the overview's
filters and the weights, tiers and settings chosen on the other pages."""

import streamlit as st

from ui import database, filters
from ui.language import t
from ui.layout import page_end
from ui.report_actions import report_actions


def sections() -> None:
    dataset = database.active_dataset()
    selection = filters.customer_selection(dataset)
    if selection.features.empty:
        st.info(t("app.no_customers"))
        return
    report_actions(dataset, selection, "report_page")


def render() -> None:
    database.require_store()
    st.title(t("report.title"))
    st.caption(t("report.page_intro"))
    sections()
    page_end()


render()
