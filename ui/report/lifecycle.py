"""The report's sections on the customers over time, and its notes: lifecycle stages, tier
migration, watch lists, the lifetime-value model, and what the numbers rest on.
"""

from __future__ import annotations

import pandas as pd

from analytics.report.data import WATCH_SHOWN, ReportData
from ui import format as fmt
from ui.figures import clv as clv_figures
from ui.figures import lifecycle as life_figures
from ui.i18n import translate
from ui.report.document import Writer, esc, prose
from ui.report.sections import filters_text


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
