"""The HTML of the board pack: the ``Writer`` the report and the key-account reviews are written
with, the page around them (``document``: styles, plotly.js embedded once, the script drawing the
charts), and ``esc``/``prose`` for text.

The report opens offline (plotly.js embedded, no CDN, no external URL) with interactive charts, and
a print stylesheet starts every section on a new page. Everything from the data (customer, dataset
and file names) is escaped: it shows as text, never as markup. Figures go into the page as JSON
without their template, which is written once, so the file stays small whatever the number of
customers.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio

from ui.i18n import translate

CHART_WIDTH, CHART_HEIGHT = 700, 380
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_BOLD = re.compile(r"\*\*(.+?)\*\*")

STYLE = """
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; }
body { font-family: "Noto Sans", "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", Arial,
       sans-serif; color: var(--ink); max-width: 760px; margin: 24px auto; padding: 0 16px; line-height: 1.45; }
h1 { font-size: 28px; margin: 0 0 8px; } h2 { font-size: 21px; border-bottom: 2px solid var(--line);
     padding-bottom: 4px; margin-top: 36px; } h3 { font-size: 16px; margin: 18px 0 6px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; margin: 8px 0 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.card .label { color: var(--muted); font-size: 12px; } .card .big { font-size: 22px; font-weight: 600; }
.card .exact { color: var(--muted); font-size: 11px; }
.muted, .caption { color: var(--muted); font-size: 12px; }
.verdict { border-left: 5px solid; padding: 6px 10px; margin: 8px 0; }
.verdict.low { border-color: #2a9d8f; background: #eefaf6; } .verdict.moderate { border-color: #e9c46a; background: #fff8e1; }
.verdict.high { border-color: #e76f51; background: #fdeeea; }
.tier { font-weight: 700; } .chart { width: 700px; height: 380px; margin: 6px 0; break-inside: avoid; }
.cover { border-bottom: 4px solid #7b2cbf; padding-bottom: 12px; }
ul { margin: 4px 0 10px; padding-left: 20px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; }
  section { break-before: page; } section.cover { break-before: auto; }
  h2, h3 { break-after: avoid; } tr, .card, .chart, .verdict { break-inside: avoid; }
  thead { display: table-header-group; } a { color: inherit; text-decoration: none; }
  .modebar-container { display: none !important; }  /* plotly's toolbar is for the screen, not paper */
}
"""

# Draws every chart from its JSON once plotly.js is there; ``data-ready`` tells a printer (or a
# test) that all of them are drawn.
DRAW = """
(function () {
  var template = JSON.parse(document.getElementById("plotly-template").textContent);
  var charts = document.querySelectorAll("div.chart");
  var pending = [];
  charts.forEach(function (div) {
    var figure = JSON.parse(document.getElementById(div.id + "-data").textContent);
    figure.layout = Object.assign({template: template, width: %(width)d, height: %(height)d}, figure.layout || {});
    pending.push(Plotly.newPlot(div, figure.data, figure.layout, {displaylogo: false, responsive: false}));
  });
  Promise.all(pending).then(function () { document.body.setAttribute("data-ready", "1"); });
})();
"""


@cache
def plotly_js() -> str:
    """plotly.js as shipped with the plotly package: embedded, so the report needs no network."""
    return PLOTLY_JS.read_text(encoding="utf-8")


@cache
def _template_json() -> str:
    return _script_safe(json.dumps(pio.templates["plotly"].to_plotly_json(), separators=(",", ":")))


def _script_safe(text: str) -> str:
    """JSON that cannot end its ``<script>`` element early."""
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def esc(text: object) -> str:
    """User or translated text as HTML text."""
    return html.escape(str(text), quote=True)


def prose(text: str) -> str:
    """Translated text (which may carry user text) as HTML: escaped, its ``**bold**`` kept."""
    return _BOLD.sub(r"<strong>\1</strong>", esc(text))


class Writer:
    """Collects the report's HTML, numbering its charts."""

    def __init__(self, lang: str):
        self.lang = lang
        self.parts: list[str] = []
        self.charts = 0

    def t(self, key: str, **values) -> str:
        return translate(key, self.lang, **values)

    def add(self, *parts: str) -> None:
        self.parts.extend(parts)

    def p(self, text: str, css: str = "") -> None:
        attrs = f' class="{css}"' if css else ""
        self.add(f"<p{attrs}>{prose(text)}</p>")

    def chart(self, figure: go.Figure) -> None:
        self.charts += 1
        chart_id = f"chart-{self.charts}"
        payload = figure.to_plotly_json()
        payload["layout"].pop("template", None)
        data = pio.to_json({"data": payload["data"], "layout": payload["layout"]}, validate=False, pretty=False,
                           engine="json")
        self.add(f'<div class="chart" id="{chart_id}"></div>',
                 f'<script type="application/json" id="{chart_id}-data">{_script_safe(data)}</script>')

    def table(self, headers: Sequence[str], rows: Iterable[Sequence], numeric: Sequence[bool] | None = None,
              keys: Sequence[str | None] | None = None) -> None:
        """A table of already formatted cells (escaped here); ``keys`` mark cells for readers (``data-k``)."""
        numeric = numeric or [False] * len(headers)
        head = "".join(f'<th{" class=n" if n else ""}>{esc(h)}</th>' for h, n in zip(headers, numeric))
        body = []
        for r, row in enumerate(rows):
            cells = []
            for c, (cell, n) in enumerate(zip(row, numeric)):
                key = keys[r * len(headers) + c] if keys else None
                attrs = (" class=n" if n else "") + (f' data-k="{esc(key)}"' if key else "")
                cells.append(f"<td{attrs}>{esc(cell)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        self.add(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    def section(self, name: str, title: str | None = None) -> None:
        self.add(f'<section id="{name}"><h2>{esc(title or self.t(f"report.section.{name}"))}</h2>')

    def end(self) -> None:
        self.add("</section>")


def document(title: str, body: str, lang: str, charts: bool, plotly_src: str | None = None) -> str:
    """A whole HTML page; with ``charts``, plotly.js is embedded (or, given ``plotly_src``, a local
    file next to it, as in the key-account zip) and the charts are drawn."""
    scripts = ""
    if charts:
        library = (f'<script src="{esc(plotly_src)}"></script>' if plotly_src
                   else f"<script>{plotly_js()}</script>")
        scripts = (library + f'<script type="application/json" id="plotly-template">{_template_json()}</script>'
                   + f"<script>{DRAW % {'width': CHART_WIDTH, 'height': CHART_HEIGHT}}</script>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>{body}{scripts}</body></html>")

