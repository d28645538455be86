"""The report actions of the Overview, Report and Customer pages: the session's settings and
selection handed to ``ui.report``, the file made on a click and offered for download.

A report is made only when asked (a click), kept in the session with what it was made from, and
offered for download while those choices hold; a changed filter or setting asks for a new one.
"""

from __future__ import annotations

import datetime as dt
import time

import streamlit as st

from analytics.concentration import ConcentrationUndefined
from analytics.datasets import Dataset
from analytics.report import account as review
from analytics.report.data import ReportSettings, Selection
from ui import cache, filters, report, settings
from ui.language import lang, t
from ui.report import account
from ui.report.pdf import PdfUnavailable, chromium_path

BUILT_KEY = "report_built"


class CachedSource:
    """``analytics.report.data.Source`` over the app's shared cache, the dataset bound."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    def __getattr__(self, name: str):
        function = getattr(cache, name)
        return lambda *args: function(self.dataset, *args)


def session_settings(dataset: Dataset) -> ReportSettings:
    """The weights, tiers, lifetime-value, stage and risk settings this session uses on every page."""
    method, shares = settings.tier_settings()
    thresholds, use_model = settings.stage_settings()
    risk, _ = settings.risk_thresholds()
    return ReportSettings(weights=settings.active_weights(), tier_method=method, tier_shares=shares,
                          lifetime=settings.lifetime_settings(), referral_value=settings.referral_value(dataset),
                          stage_thresholds=thresholds, use_p_alive=use_model, risk=risk)


def _selection(selection: filters.CustomerSelection) -> Selection:
    return Selection(selection.start, selection.end, selection.choices, selection.features)


def _offer(kind: str, fingerprint: tuple, key: str) -> None:
    """The download button of the file last made here, while what it was made from holds."""
    built = st.session_state.get(BUILT_KEY)
    if built and built["kind"] == kind and built["fingerprint"] == fingerprint:
        st.success(t("report.ready", size=f"{len(built['content']) / 1e6:.2f} MB", seconds=f"{built['seconds']:.1f}"))
        st.download_button(t(built["label"]), built["content"], file_name=built["name"], mime=built["mime"],
                           key=f"{key}_download", type="primary", on_click="ignore", icon=":material/download:")


def _make(kind: str, fingerprint: tuple, label: str, name: str, mime: str, build) -> None:
    """Make a file with ``build()`` and keep it for ``_offer``; failures said in words."""
    started = time.perf_counter()
    try:
        with st.spinner(t("report.making")):
            content = build()
    except ConcentrationUndefined:
        st.info(t("report.error.no_customers"))
        return
    except PdfUnavailable as error:
        st.error(t(f"report.error.{error.code}", **error.details))
        return
    st.session_state[BUILT_KEY] = {"kind": kind, "fingerprint": fingerprint, "content": content, "label": label,
                                   "name": name, "mime": mime, "seconds": time.perf_counter() - started}


def report_actions(dataset: Dataset, selection: filters.CustomerSelection, key: str) -> None:
    """The two buttons that make the report (HTML, PDF) under this session's choices, and its download.
    The PDF button is off, with the reason, where there is no Chromium to print with."""
    choices = session_settings(dataset)
    chosen = _selection(selection)
    fingerprint = (dataset.dataset_id, dataset.version, lang(), repr(choices), chosen.start, chosen.end, chosen.choices)
    no_pdf = None if chromium_path() else t("report.error.chromium_missing")
    html_slot, pdf_slot = st.columns(2)
    for slot, file_format in ((html_slot, "html"), (pdf_slot, "pdf")):
        if slot.button(t(f"report.make_{file_format}"), key=f"{key}_make_{file_format}", icon=":material/description:",
                       disabled=file_format == "pdf" and no_pdf is not None, help=no_pdf if file_format == "pdf" else None):
            _make(f"report_{file_format}", fingerprint, f"report.download_{file_format}",
                  report.file_name(dataset.name, file_format, dt.date.today()), report.MIME[file_format],
                  lambda f=file_format: report.make_report(CachedSource(dataset), dataset, choices, lang(), f, chosen))
    if no_pdf:
        st.caption(no_pdf)
    for file_format in report.FORMATS:
        _offer(f"report_{file_format}", fingerprint, f"{key}_{file_format}")


def account_actions(dataset: Dataset, customer_id: str) -> None:
    """The key-account review of one customer, and the zip of the reviews of all S and A customers."""
    choices = session_settings(dataset)
    fingerprint = (dataset.dataset_id, dataset.version, lang(), repr(choices), customer_id)
    one, every = st.columns(2)
    if one.button(t("report.account.make"), key="account_make", icon=":material/description:"):
        _make("account", fingerprint, "report.account.download",
              account.review_file_name(customer_id), report.MIME["html"],
              lambda: account.review_html(review.context(CachedSource(dataset), dataset, choices), customer_id,
                                          lang()).encode("utf-8"))
    if every.button(t("report.account.make_all"), key="account_make_all", icon=":material/folder_zip:"):
        _make("accounts", fingerprint[:-1], "report.account.download_all",
              report.file_name(dataset.name, "zip", dt.date.today()).replace("report", "key-accounts"),
              report.MIME["zip"],
              lambda: account.reviews_zip(review.context(CachedSource(dataset), dataset, choices), lang()))
    _offer("account", fingerprint, "account")
    _offer("accounts", fingerprint[:-1], "accounts")
