"""The numbers of the board pack: the executive report and the key-account reviews.

``data`` gathers every number of the report (the pages' own analytics under one set of settings);
``account`` gathers what the key-account reviews share and each customer's review numbers. Plain
data out, no presentation: ``ui.report`` writes the HTML and the PDF from it.
"""

from __future__ import annotations

from analytics.report.data import ReportData, ReportSettings, Selection, Source, gather

__all__ = ["ReportData", "ReportSettings", "Selection", "Source", "gather"]
