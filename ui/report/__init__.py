"""The board pack as files: the executive report (HTML and PDF) and the key-account reviews.

``analytics.report`` gathers every number; here they are written: ``document`` (the HTML writer
and page), ``sections`` and ``lifecycle`` (the report's sections), ``account`` (the review of one
key account and the zip of all S and A customers), ``pdf`` (the HTML printed by headless
Chromium). Pure (no Streamlit): the pages (``ui.report_actions``) and the command line only call
``make_report``, ``file_name`` and ``account``.
"""

from __future__ import annotations

from analytics.report.data import ReportData, ReportSettings, Selection, Source, gather
from ui import format as fmt
from ui.report import lifecycle, sections
from ui.report.document import Writer, document
from ui.report.pdf import html_to_pdf

FORMATS = ("html", "pdf")
MIME = {"html": "text/html", "pdf": "application/pdf", "zip": "application/zip"}


def render_report(data: ReportData, lang: str) -> str:
    """The report of ``data`` in ``lang`` as one self-contained HTML document."""
    w = Writer(lang)
    for section in (sections.cover, sections.kpis, sections.pyramid, sections.pareto, sections.risk, sections.whale,
                    sections.tiers, lifecycle.lifecycle, lifecycle.tier_migration, lifecycle.watch,
                    lifecycle.lifetime, lifecycle.notes):
        section(w, data)
    w.p(w.t("report.footer", made=data.made.isoformat(sep=" ")), "caption")
    return document(w.t("report.title") + " · " + fmt.dataset_name(data.dataset.name, data.dataset.is_demo, lang), "".join(w.parts), lang, charts=w.charts > 0)


def make_report(source: Source, dataset, settings: ReportSettings, lang: str, file_format: str = "html",
                selection: Selection | None = None) -> bytes:
    """The report of ``dataset`` as HTML or PDF bytes. Raises ``ConcentrationUndefined`` when no
    customer is selected and ``pdf.PdfUnavailable`` when Chromium cannot print."""
    if file_format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {file_format!r}")
    document = render_report(gather(source, dataset, settings, selection or Selection()), lang)
    return document.encode("utf-8") if file_format == "html" else html_to_pdf(document)


def file_name(dataset_name: str, file_format: str, made) -> str:
    """A download name from the dataset's name: letters, digits and CJK kept, the rest as ``-``."""
    safe = "".join(c if c.isalnum() else "-" for c in dataset_name).strip("-")[:60] or "dataset"
    return f"customer-value-report-{safe}-{made:%Y-%m-%d}.{file_format}"
