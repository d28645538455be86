"""The report as one HTML file: opens offline (plotly.js embedded once, no CDN, no external URL),
interactive charts, and a print stylesheet that starts every section on a new page.

Charts come from the pages' own figure builders (``ui.figures``), numbers and words from
``ui.format`` and the translation table, so the report reads like the pages. Everything from the
data (customer, dataset and file names) is escaped: it shows as text, never as markup. Figures go
into the page as JSON without their template, which is written once, and curves are reduced to a
few hundred points, so the file stays small whatever the number of customers.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import plotly
import plotly.graph_objects as go
import plotly.io as pio

from analytics import concentration
from analytics.dimensions import DIMENSIONS
from analytics.report.data import TOP_SHARE, VALUE_SHARE, WATCH_SHOWN, ReportData
from ui import format as fmt
from ui.figures import clv as clv_figures
from ui.figures import lifecycle as life_figures
from ui.figures.concentration import (
    inverse_readout,
    pareto_figure,
    risk_sentence,
    top_readout,
    whale_figure,
    whale_sentence,
)
from ui.figures.theme import TIER_COLORS
from ui.figures.value import pyramid_figure
from ui.i18n import LANGUAGES, TABLE, translate

CURVE_POINTS = 200
CHART_WIDTH, CHART_HEIGHT = 700, 380
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_BOLD = re.compile(r"\*\*(.+?)\*\*")
SECTIONS = ("kpis", "pyramid", "pareto", "risk", "whale", "tiers", "lifecycle", "migration", "watch", "lifetime",
            "notes")

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


def render_report(data: ReportData, lang: str) -> str:
    """The report of ``data`` in ``lang`` as one self-contained HTML document."""
    w = Writer(lang)
    cover(w, data)
    kpis(w, data)
    pyramid(w, data)
    pareto(w, data)
    risk(w, data)
    whale(w, data)
    tiers(w, data)
    lifecycle(w, data)
    tier_migration(w, data)
    watch(w, data)
    lifetime(w, data)
    notes(w, data)
    w.p(w.t("report.footer", made=data.made.isoformat(sep=" ")), "caption")
    return document(w.t("report.title") + " · " + data.dataset.name, "".join(w.parts), lang, charts=w.charts > 0)


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


def period(data: ReportData) -> tuple[object, object]:
    selection, dataset = data.selection, data.dataset
    return selection.start or dataset.date_min, selection.end or dataset.date_max


def filters_text(data: ReportData, lang: str) -> str:
    selection = data.selection
    if selection.is_whole_dataset:
        return translate("report.cover.no_filters", lang)
    parts = []
    if selection.start is not None or selection.end is not None:
        start, end = period(data)
        parts.append(f"{translate('conc.filters.dates', lang)}: {fmt.day(start, lang)} – {fmt.day(end, lang)}")
    for column, values in selection.choices:
        shown = [translate(f"ctype.{v}", lang) if column == "customer_type" else str(v) for v in values]
        parts.append(f"{translate(f'field.{column}', lang)}: {', '.join(shown)}")
    return "; ".join(parts)


def cover(w: Writer, data: ReportData) -> None:
    lang, settings = w.lang, data.settings
    start, end = period(data)
    shares = {tier: fmt.share(share, lang) for tier, share in settings.tier_shares.items()}
    lifetime = settings.lifetime
    rows = [
        (w.t("report.cover.dataset"), data.dataset.name),
        (w.t("report.cover.period"), f"{fmt.day(start, lang)} – {fmt.day(end, lang)}"),
        (w.t("report.cover.made"), data.made.isoformat(sep=" ")),
        (w.t("report.cover.language"), LANGUAGES[lang]),
        (w.t("report.cover.filters"), filters_text(data, lang)),
        (w.t("report.cover.tiers"), w.t(f"report.cover.tier_method.{settings.tier_method}", **shares)),
        (w.t("report.cover.lifetime"), w.t("report.cover.lifetime_settings", months=lifetime.months,
                                           rate=fmt.percent(lifetime.annual_discount_rate, lang),
                                           model=w.t(f"clv.purchase_model.{lifetime.purchase_model}"))),
    ]
    if settings.preset:
        rows.insert(5, (w.t("report.cover.preset"), preset_name(settings.preset, lang)))
    w.add(f'<section class="cover" id="cover"><h1>{esc(w.t("report.title"))}</h1>')
    w.p(data.dataset.name, "muted")
    w.table(["", ""], rows)
    w.add(f"<h3>{esc(w.t('report.cover.weights'))}</h3>")
    used = data.model.weights_used
    w.table([w.t("report.col.dimension"), w.t("report.col.weight")],
            [(w.t(f"value.dim.{d}"), fmt.percent(used[d], lang, 0)) for d in DIMENSIONS], [False, True])
    if data.weights_fall_back:
        w.p(w.t("value.weights_fallback"), "caption")
    w.add(f"<h3>{esc(w.t('report.contents'))}</h3><ol>"
          + "".join(f'<li><a href="#{name}">{esc(w.t(f"report.section.{name}"))}</a></li>' for name in SECTIONS)
          + "</ol>")
    w.end()


def preset_name(name: str, lang: str) -> str:
    key = f"value.preset.{name}"  # shipped presets have a translated name
    return translate(key, lang) if key in TABLE else translate("value.preset_custom_label", lang, name=name)


def _card(label: str, big: str, key: str, exact: str | None = None) -> str:
    extra = f'<div class="exact">{esc(exact)}</div>' if exact else ""
    return (f'<div class="card"><div class="label">{esc(label)}</div>'
            f'<div class="big" data-k="{esc(key)}">{esc(big)}</div>{extra}</div>')


def kpis(w: Writer, data: ReportData) -> None:
    lang, k = w.lang, data.kpis
    w.section("kpis")
    def exact(v):
        return (None if np.isnan(v) else w.t("conc.kpi.exact", amount=f"{v:,.2f}"))
    w.add('<div class="cards">',
          _card(w.t("data.col_customers"), fmt.count(k["customers"], lang), "kpi.customers"),
          _card(w.t("conc.kpi.active"), fmt.count(k["active_customers"], lang), "kpi.active_customers"),
          _card(w.t("conc.kpi.revenue"), fmt.compact(k["revenue"], lang), "kpi.revenue", exact(k["revenue"])),
          _card(w.t("conc.kpi.gross_profit"), fmt.compact(k["gross_profit"], lang), "kpi.gross_profit",
                exact(k["gross_profit"])),
          _card(w.t("conc.kpi.margin_pct"), fmt.percent(k["margin_pct"] / 100, lang), "kpi.margin_pct"),
          _card(w.t("conc.kpi.top20"), fmt.share(k["top20_share"], lang), "kpi.top20_share"),
          "</div>")
    w.p(w.t("conc.kpi.active_customers", days=365), "caption")
    if not data.has_profit:
        w.p(w.t("data.no_cost"))
    w.end()


def pyramid(w: Writer, data: ReportData) -> None:
    lang = w.lang
    w.section("pyramid")
    w.chart(pyramid_figure(data.pyramid, lang, share="value_share"))
    rows, keys = [], []
    for row in data.pyramid.itertuples():
        rows.append((w.t(f"value.tier.{row.tier}"), fmt.count(row.customers, lang), fmt.share(row.customer_share, lang),
                     fmt.share(row.value_share, lang), fmt.share(row.revenue_share, lang),
                     fmt.share(row.gross_profit_share, lang), fmt.money(row.value, lang)))
        keys += [None] + [f"pyramid.{row.tier}.{c}" for c in ("customers", "customer_share", "value_share",
                                                              "revenue_share", "gross_profit_share", "value")]
    w.table([w.t("report.col.tier"), w.t("report.col.customers"), w.t("report.col.customer_share"),
             w.t("report.col.value_share"), w.t("report.col.revenue_share"), w.t("report.col.gross_profit_share"),
             w.t("report.col.value")], rows, [False] + [True] * 6, keys)
    w.end()


def pareto(w: Writer, data: ReportData) -> None:
    lang = w.lang
    w.section("pareto")
    for metric, key in data.undefined.items():
        if key != "conc.error.missing_metric":
            w.p(w.t("conc.metric_note", metric=w.t(f"conc.metric.{metric}"), note=w.t(key)))
    if not data.ranked:
        w.end()
        return
    curves = {m: concentration.pareto_curve(r, max_points=CURVE_POINTS, marks=(TOP_SHARE,)) for m, r in data.ranked.items()}
    w.chart(pareto_figure(curves, mark_share=TOP_SHARE, lang=lang))
    w.add("<ul>")
    for metric, ranked in data.ranked.items():
        w.add(f"<li>{prose(top_readout(metric, TOP_SHARE, concentration.share_of_top(ranked, TOP_SHARE), lang))} "
              f"{prose(inverse_readout(metric, VALUE_SHARE, concentration.customers_for_share(ranked, VALUE_SHARE), lang))}"
              "</li>")
    w.add("</ul>", f"<h3>{esc(w.t('report.measures'))}</h3>")
    summaries = {m: concentration.concentration_summary(r) for m, r in data.ranked.items()}
    rows = [[w.t("conc.kpi.gini")] + [fmt.number(s.gini, lang, 3) for s in summaries.values()],
            [w.t("conc.kpi.hhi")] + [fmt.number(s.hhi, lang, 0) for s in summaries.values()]]
    keys = [None] + [f"gini.{m}" for m in summaries] + [None] + [f"hhi.{m}" for m in summaries]
    for n in concentration.DEFAULT_TOP_NS:
        rows.append([w.t("conc.kpi.top_n", n=n)] + [fmt.share(s.top_shares[n], lang) for s in summaries.values()])
        keys += [None] + [f"top{n}.{m}" for m in summaries]
    w.table([w.t("conc.page.measure")] + [w.t(f"conc.metric.{m}") for m in summaries], rows,
            [False] + [True] * len(summaries), keys)
    w.p(w.t("conc.page.measures_help", gini=w.t("conc.kpi.gini"), gini_help=w.t("conc.kpi.gini_help"),
            hhi=w.t("conc.kpi.hhi"), hhi_help=w.t("conc.kpi.hhi_help")), "caption")
    w.end()


def customer_rows(w: Writer, rows: pd.DataFrame, shares: pd.Series | None = None) -> None:
    """Customers as the pages list them: name, tier, revenue (and its share), gross profit, margin."""
    lang = w.lang
    headers = [w.t("value.col.name"), w.t("value.col.tier"), w.t("value.col.revenue")]
    if shares is not None:
        headers += [w.t("conc.col.revenue_share"), w.t("conc.col.cumulative_share")]
    headers += [w.t("value.col.gross_profit"), w.t("value.col.margin_pct")]
    body = []
    cumulative = shares.cumsum() if shares is not None else None
    for i, row in enumerate(rows.itertuples()):
        cells = [row.name, w.t(f"value.tier.{row.tier}"), fmt.money(row.revenue, lang)]
        if shares is not None:
            cells += [fmt.percent(shares.iloc[i], lang), fmt.percent(cumulative.iloc[i], lang)]
        cells += [fmt.money(row.gross_profit, lang), fmt.percent(row.margin_pct / 100, lang)]
        body.append(cells)
    w.table(headers, body, [False, False] + [True] * (len(headers) - 2))


def risk(w: Writer, data: ReportData) -> None:
    lang = w.lang
    w.section("risk")
    verdict = data.verdict
    if verdict is None:
        w.p(w.t("conc.metric_note", metric=w.t("conc.metric.revenue"), note=w.t(data.undefined["revenue"])))
        w.end()
        return
    w.add(f'<div class="verdict {verdict.level}" data-k="risk.level" data-level="{verdict.level}">'
          f"{prose(risk_sentence(verdict, lang))}</div>")
    if verdict.level == "low":
        w.p(w.t("conc.risk.note"), "caption")
    th = data.settings.risk
    w.p(w.t("conc.risk.thresholds", n=th.top_n, share_moderate=fmt.share(th.top_share_moderate, lang),
            share_high=fmt.share(th.top_share_high, lang), hhi_moderate=fmt.number(th.hhi_moderate, lang, 0),
            hhi_high=fmt.number(th.hhi_high, lang, 0)), "caption")
    w.add(f"<h3>{esc(w.t('report.largest'))}</h3>")
    largest = data.largest
    customer_rows(w, largest, largest["revenue"].clip(lower=0) / data.ranked["revenue"].total)
    w.end()


def whale(w: Writer, data: ReportData) -> None:
    lang = w.lang
    w.section("whale")
    if not data.has_profit:
        w.p(w.t("data.no_cost"))
    elif data.whale is None:
        w.p(w.t(data.whale_undefined or data.undefined.get("gross_profit", "conc.error.no_profit")))
    else:
        w.p(whale_sentence(data.whale, lang))
        reduced = concentration.whale_curve(data.ranked["gross_profit"], max_points=CURVE_POINTS)
        w.chart(whale_figure(reduced, lang))
        losing = int((data.table["gross_profit"] < 0).sum())
        if losing:
            w.add(f"<h3>{esc(w.t('report.loss_makers', shown=fmt.count(len(data.loss_makers), lang), total=fmt.count(losing, lang)))}</h3>")
            customer_rows(w, data.loss_makers)
    w.end()


def tiers(w: Writer, data: ReportData) -> None:
    lang = w.lang
    w.section("tiers")
    for card in data.cards:
        color = TIER_COLORS[card.tier]
        w.add(f'<h3 id="tier-{card.tier}"><span class="tier" style="color:{color}">&#9632;</span> '
              f"{esc(w.t('report.section.tier', tier=w.t(f'value.tier.{card.tier}')))}</h3>")
        w.p(w.t("report.tier_card", customers=fmt.count(card.customers, lang),
                customer_share=fmt.share(card.customer_share, lang), revenue_share=fmt.share(card.revenue_share, lang),
                gross_profit_share=fmt.share(card.gross_profit_share, lang), value_share=fmt.share(card.value_share, lang),
                avg_revenue=fmt.money(card.avg_revenue, lang), avg_gross_profit=fmt.money(card.avg_gross_profit, lang)))
        w.p(w.t("value.card.target_level", level=w.t(f"value.level.{card.target_level}")) + " · "
            + w.t("value.card.bond", bond=w.t(f"value.bond.{card.bond}")) + " · "
            + w.t("report.resource_share", share=fmt.share(card.resource_share, lang)))
        for warning in card.warnings:
            w.p(w.t(warning), "caption")
        w.add(f"<p><strong>{esc(w.t('value.card.actions'))}</strong></p><ul>"
              + "".join(f"<li>{prose(w.t(action))}</li>" for action in card.actions) + "</ul>"
              + f"<p><strong>{esc(w.t('value.card.kpis'))}</strong></p><ul>"
              + "".join(f"<li>{prose(w.t(kpi))}</li>" for kpi in card.kpis) + "</ul>")
        if len(card.top_customers):
            w.add(f"<p><strong>{esc(w.t('report.top_customers'))}</strong></p>")
            w.table([w.t("value.col.name"), w.t("value.col.customer_id"), w.t("value.col.value"),
                     w.t("value.col.revenue"), w.t("value.col.gross_profit")],
                    [(r.name, r.customer_id, fmt.money(r.value, lang), fmt.money(r.revenue, lang),
                      fmt.money(r.gross_profit, lang)) for r in card.top_customers.itertuples()],
                    [False, False, True, True, True])
    w.end()


def lifecycle(w: Writer, data: ReportData) -> None:
    lang = w.lang
    w.section("lifecycle")
    w.chart(life_figures.stage_distribution_figure(data.stage_summary, lang))
    w.table([w.t("report.col.stage"), w.t("report.col.customers"), w.t("report.col.customer_share"),
             w.t("report.col.revenue_12m"), w.t("report.col.revenue_share")],
            [(w.t(f"life.stage.{r.stage}"), fmt.count(r.customers, lang), fmt.share(r.customer_share, lang),
              fmt.money(r.revenue_last_12m, lang), fmt.share(r.revenue_share, lang))
             for r in data.stage_summary.itertuples()], [False, True, True, True, True])
    w.p(w.t("life.stages_caption", date=fmt.day(data.dataset.date_max, lang)), "caption")
    w.end()


def tier_migration(w: Writer, data: ReportData) -> None:
    lang = w.lang
    w.section("migration")
    moves = data.migration
    if moves is None:
        w.p(w.t(data.migration_note, date=fmt.day(data.dataset.date_max, lang)))
        w.end()
        return
    w.p(w.t("report.migration_summary", before=fmt.day(moves.before, lang), after=fmt.day(moves.after, lang),
            upgrades=fmt.count(len(moves.upgrades()), lang), downgrades=fmt.count(len(moves.downgrades()), lang)))
    w.chart(life_figures.migration_sankey_figure(moves.counts, lang, "counts"))
    w.p(w.t("life.matrix_caption", before=fmt.day(moves.before, lang), after=fmt.day(moves.after, lang)), "caption")
    retention = moves.retention()
    w.table([w.t(f"life.col.{c}") for c in ("tier", "customers_before", "retained", "retention", "revenue_before",
                                             "revenue_after", "revenue_retention")],
            [(w.t(f"value.tier.{r.tier}"), fmt.count(r.customers, lang), fmt.count(r.retained, lang),
              fmt.percent(r.retention, lang), fmt.money(r.revenue_before, lang), fmt.money(r.revenue_after, lang),
              fmt.percent(r.revenue_retention, lang)) for r in retention.itertuples()],
            [False] + [True] * 6)
    w.p(w.t("life.retention_help"), "caption")
    w.end()


WATCH_COLUMNS = {
    "invest": ("score_potential", "growth", "stage", "revenue_last_12m"),
    "at_risk": ("stage", "value_at_stake", "revenue_last_12m", "gross_profit_last_12m"),
    "unprofitable": ("reason", "gross_profit", "margin_pct", "account_team_size", "orders"),
}
_WATCH_MONEY = ("value_at_stake", "revenue_last_12m", "gross_profit_last_12m", "gross_profit")


def _watch_cell(column: str, value, lang: str) -> str:
    if column == "stage":
        return translate(f"life.stage.{value}", lang) if isinstance(value, str) else ""
    if column == "reason":
        return translate(f"life.reason.{value}", lang)
    if column in _WATCH_MONEY:
        return fmt.money(value, lang)
    if column == "growth":
        return fmt.percent(value, lang)
    return fmt.number(value, lang, 1)


def watch(w: Writer, data: ReportData) -> None:
    lang = w.lang
    w.section("watch")
    w.p(w.t("life.watch_help"), "caption")
    for name, rows in data.watch.items():
        w.add(f"<h3>{esc(w.t('report.watch_list', name=w.t(f'life.watch.{name}', count=fmt.count(len(rows), lang)), shown=fmt.count(min(len(rows), WATCH_SHOWN), lang), total=fmt.count(len(rows), lang)))}</h3>")
        if rows.empty:
            w.p(w.t("life.none_listed"), "muted")
            continue
        columns = WATCH_COLUMNS[name]
        w.table([w.t("life.col.name"), w.t("life.col.tier")] + [w.t(f"life.col.{c}") for c in columns],
                [[r["name"], w.t(f"value.tier.{r['tier']}")] + [_watch_cell(c, r[c], lang) for c in columns]
                 for _, r in rows.head(WATCH_SHOWN).iterrows()],
                [False, False] + [c not in ("stage", "reason") for c in columns])
    w.end()


def lifetime(w: Writer, data: ReportData) -> None:
    lang, life = w.lang, data.lifetime
    w.section("lifetime")
    source = life.source
    if source.fitted:
        w.p(w.t("clv.source.model", measure=w.t(f"clv.measure.{source.measure}"), months=source.settings.months,
                rate=source.settings.annual_discount_rate, model=w.t(f"clv.purchase_model.{source.purchase_model}")))
    else:
        w.p(w.t("clv.source.proxy", reason=w.t(f"clv.error.{source.reason}", **source.counts)))
    fit = life.fit
    if fit.purchases is not None:
        w.p(clv_figures.choice_text(fit.choice, lang))
        for model in (fit.purchases, fit.spend):
            if model is not None:
                w.add(f"<h3>{esc(w.t(f'clv.model.{model.fit.model}'))}</h3>")
                rows = clv_figures.fit_rows(model.fit, lang)
                w.table(list(rows.columns), rows.itertuples(index=False), [False, True])
    w.add(f"<h3>{esc(w.t('clv.section.validation'))}</h3>")
    if life.check is not None:
        check = life.check
        w.p(w.t("report.holdout", date=fmt.day(life.calibration_end, lang),
                predicted=fmt.number(check.predicted_total, lang, 0), actual=fmt.number(check.actual_total, lang, 0),
                mae=fmt.number(check.mean_absolute_error, lang, 2)))
        w.chart(clv_figures.holdout_figure(check, lang))
    elif life.check_error is not None:
        error = life.check_error
        w.p(w.t("report.no_holdout", reason=w.t(f"clv.error.{error.reason}", **error.counts)))
    w.end()


def notes(w: Writer, data: ReportData) -> None:
    lang = w.lang
    w.section("notes")
    w.add("<ul>")
    if not data.selection.is_whole_dataset:
        w.add(f"<li>{prose(w.t('report.note.filters', filters=filters_text(data, lang)))}</li>")
    if data.weights_fall_back:
        w.add(f"<li>{prose(w.t('value.weights_fallback'))}</li>")
    unavailable = data.model.scores.unavailable
    for item in unavailable:
        reason = w.t(f"value.reason.{item.reason}")
        if item.source is None:
            text = w.t("report.note.switched_off", dimension=w.t(f"value.dim.{item.dimension}"), reason=reason)
        else:
            text = w.t("report.note.source_missing", dimension=w.t(f"value.dim.{item.dimension}"),
                       source=w.t(f"field.{item.source}"), reason=reason)
        w.add(f"<li>{prose(text)}</li>")
    if not unavailable:
        w.add(f"<li>{prose(w.t('report.note.all_dimensions'))}</li>")
    if not data.has_profit:
        w.add(f"<li>{prose(w.t('data.no_cost'))}</li>")
    uploads = data.uploads
    active = uploads[uploads["rolled_back"].isna()] if "rolled_back" in uploads else uploads
    rejected = int(active["rows_rejected"].fillna(0).sum()) if len(active) else 0
    w.add(f"<li>{prose(w.t('report.note.rejected', rejected=fmt.count(rejected, lang)) if rejected else w.t('report.note.no_rejects'))}</li>")
    w.add("</ul>")
    if len(uploads):
        w.add(f"<h3>{esc(w.t('report.note.uploads'))}</h3>")
        rows = []
        for r in uploads.itertuples():
            when = fmt.day(r.created, lang) + (f" ({w.t('report.note.rolled_back')})" if pd.notna(r.rolled_back) else "")
            rows.append((r.file_name or "", fmt.count(r.rows_inserted, lang), fmt.count(r.rows_rejected, lang),
                         fmt.count(r.rows_skipped, lang), when))
        w.table([w.t("report.col.file"), w.t("report.col.rows"), w.t("report.col.rejected"), w.t("report.col.skipped"),
                 w.t("report.col.when")], rows, [False, True, True, True, False])
    w.end()



