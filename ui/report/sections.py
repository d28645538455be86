"""The report's sections on what customers are worth and how it is concentrated: the cover, key
figures, value pyramid, 80/20, dependence on the largest customers, the whale curve and the tier
cards (``ui.report.lifecycle`` writes the rest).

Charts come from the pages' own figure builders (``ui.figures``), numbers and words from
``ui.format`` and the translation table, so the report reads like the pages. Curves are reduced to
a few hundred points, so the file stays small whatever the number of customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import concentration
from analytics.dimensions import DIMENSIONS
from analytics.report.data import TOP_SHARE, VALUE_SHARE, ReportData
from ui import format as fmt
from ui.figures.concentration import (
    inverse_readout,
    pareto_figure,
    positive_total_note,
    risk_sentence,
    top_readout,
    whale_figure,
    whale_sentence,
)
from ui.figures.theme import TIER_COLORS
from ui.figures.value import pyramid_figure
from ui.i18n import LANGUAGES, TABLE, translate
from ui.report.document import Writer, esc, prose

CURVE_POINTS = 200
SECTIONS = ("kpis", "pyramid", "pareto", "risk", "whale", "tiers", "lifecycle", "migration", "watch", "lifetime",
            "notes")


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
        (w.t("report.cover.dataset"), fmt.dataset_name(data.dataset.name, data.dataset.is_demo, lang)),
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
    w.p(fmt.dataset_name(data.dataset.name, data.dataset.is_demo, lang), "muted")
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
        readouts = fmt.sentences([
            prose(top_readout(metric, TOP_SHARE, concentration.share_of_top(ranked, TOP_SHARE), lang)),
            prose(inverse_readout(metric, VALUE_SHARE, concentration.customers_for_share(ranked, VALUE_SHARE), lang))],
            lang)
        w.add(f"<li>{readouts}</li>")
    w.add("</ul>")
    for metric, ranked in data.ranked.items():
        if note := positive_total_note(metric, ranked, w.t("report.section.whale"), lang):
            w.p(note, "caption")
    w.add(f"<h3>{esc(w.t('report.measures'))}</h3>")
    summaries = {m: concentration.concentration_summary(r) for m, r in data.ranked.items()}
    rows = [[w.t("conc.kpi.gini")] + [fmt.number(s.gini, lang, 3) for s in summaries.values()],
            [w.t("conc.kpi.hhi")] + [fmt.number(s.hhi, lang, 0) for s in summaries.values()]]
    keys = [None] + [f"gini.{m}" for m in summaries] + [None] + [f"hhi.{m}" for m in summaries]
    for n in concentration.DEFAULT_TOP_NS:
        rows.append([fmt.counted(n, "top_customers", lang)] + [fmt.share(s.top_shares[n], lang) for s in summaries.values()])
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

