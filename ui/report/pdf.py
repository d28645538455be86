"""The report as PDF: the same HTML, printed by headless Chromium, so charts are the interactive
report's own (drawn by plotly.js, printed as vectors) and Chinese is set in real CJK glyphs from the
system's fonts (Debian's fonts-noto-cjk), embedded in the PDF by Chromium; its text layer gives
the ideographs typed, not radicals of the same glyph (``text_layer``), so the PDF can be searched.

Nothing reaches the network: the HTML is a local file that loads nothing, and Chromium runs with
background networking off and every host name resolving nowhere. Chromium's own failures become
``PdfUnavailable`` with a code (``chromium_missing``, ``chromium_failed``, ``chromium_timeout``) the
app and the command line turn into words (``report.error.<code>``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_ENV = "CVD_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 120
# Long enough for plotly.js to parse and draw every chart before the page is printed; virtual time
# runs faster than real time when the page is idle.
VIRTUAL_TIME_BUDGET_MS = 30_000
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-default-apps", "--disable-extensions", "--disable-sync",
    "--no-first-run", "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost", "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
)


class PdfUnavailable(RuntimeError):
    """No PDF could be made; ``code`` names why (``report.error.<code>``), ``details`` fill the message."""

    def __init__(self, code: str, **details):
        super().__init__(f"{code}: {details}" if details else code)
        self.code = code
        self.details = details


def chromium_path() -> str | None:
    """The Chromium to print with: ``$CVD_CHROMIUM`` when set, else the first one on the PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() and os.access(configured, os.X_OK) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(document: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Print an HTML document (``ui.report.render_report``) to PDF bytes with headless Chromium."""
    chromium = chromium_path()
    if chromium is None:
        raise PdfUnavailable("chromium_missing")
    with tempfile.TemporaryDirectory(prefix="cvd-report-") as folder:
        folder = Path(folder)
        source, target = folder / "report.html", folder / "report.pdf"
        source.write_text(document, encoding="utf-8")
        command = [chromium, *FLAGS, f"--user-data-dir={folder / 'profile'}", f"--crash-dumps-dir={folder}",
                   f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}", f"--print-to-pdf={target}", source.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, cwd=folder,
                                  env={**os.environ, "HOME": str(folder)})
        except subprocess.TimeoutExpired:
            raise PdfUnavailable("chromium_timeout", seconds=int(timeout)) from None
        except OSError as error:
            raise PdfUnavailable("chromium_failed", detail=error.strerror or type(error).__name__) from None
        if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise PdfUnavailable("chromium_failed", detail=(detail[-1] if detail else f"exit {done.returncode}")[:200])
        # pypdf (15 MB) is loaded by the first PDF, not by every server that shows a report button.
        from ui.report.text_layer import typed_ideographs

        return typed_ideographs(target.read_bytes())
