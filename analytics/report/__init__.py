"""The board pack: the executive report (HTML and PDF) and the key-account reviews.

``data`` gathers every number (the pages' own analytics under one set of settings), ``html``
writes the offline HTML file, ``pdf`` prints it with headless Chromium, ``account`` writes the
review of one key account and the zip of all S and A customers. Pure: data in, text or bytes out;
pages and the command line only call ``make_report`` and ``account``.
"""

from __future__ import annotations

from analytics.report.data import ReportSettings, Selection, Source, gather
from analytics.report.html import render_report
from analytics.report.pdf import html_to_pdf

FORMATS = ("html", "pdf")
MIME = {"html": "text/html", "pdf": "application/pdf", "zip": "application/zip"}


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
