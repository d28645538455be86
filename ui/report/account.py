"""The yearly key-account review as HTML: one self-contained document per customer (no charts, no
scripts), and the zip of the reviews of all S and A customers with an index page. The numbers come
from ``analytics.report.account``; numbers and words from ``ui.format`` and the translation table.
"""

from __future__ import annotations

import io
import zipfile

import pandas as pd

from analytics.report.account import (
    NOT_YET,
    Context,
    forecast,
    history,
    key_accounts,
    per_head,
    resource_return,
    tier_before,
)
from analytics.watchlists import KEY_TIERS
from ui import format as fmt
from ui.i18n import translate
from ui.report.document import Writer, document, esc, prose


def review_file_name(customer_id: str, tier: str | None = None, rank: int | None = None) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in str(customer_id))[:60] or "customer"
    prefix = f"{tier}-{rank:04d}-" if tier is not None and rank is not None else ""
    return f"{prefix}key-account-review-{safe}.html"


def review_html(ctx: Context, customer_id: str, lang: str) -> str:
    """The review of one customer as a self-contained HTML document (no charts, no scripts)."""
    w = Writer(lang)
    row = ctx.features.loc[customer_id]
    explanation = ctx.explainer.explain(customer_id)
    name = row["name"] if isinstance(row["name"], str) else customer_id
    title = w.t("report.account.title", name=name)
    w.add(f'<section class="cover"><h1>{esc(title)}</h1>')
    w.p(f"{customer_id} · {fmt.dataset_name(ctx.dataset.name, ctx.dataset.is_demo, w.lang)} · {ctx.made.isoformat(sep=' ')}", "muted")
    _standing(w, ctx, customer_id, explanation, row)
    w.add("</section>")
    _history(w, ctx, customer_id)
    _breakdown(w, explanation)
    _lifetime(w, ctx, customer_id)
    _relationship(w, ctx, explanation.tier)
    _resources(w, ctx, customer_id, row)
    w.p(w.t("report.footer", made=ctx.made.isoformat(sep=" ")), "caption")
    return document(title, "".join(w.parts), lang, charts=False)


def _standing(w: Writer, ctx: Context, customer_id: str, explanation, row: pd.Series) -> None:
    lang = w.lang
    tier = tier_before(ctx, customer_id)
    before = (fmt.missing(lang) if tier is None else w.t("report.account.not_yet") if tier == NOT_YET
              else w.t(f"value.tier.{tier}"))
    stage = ctx.stages["stage"].get(customer_id)
    total = fmt.count(explanation.n_customers, lang)
    w.add(f"<h2>{esc(w.t('report.account.standing'))}</h2>")
    w.table(["", ""], [
        (w.t("report.account.tier_now"), w.t(f"value.tier.{explanation.tier}")),
        (w.t("report.account.tier_before", date=fmt.day(ctx.year_before, lang)), before),
        (w.t("report.account.stage"), w.t(f"life.stage.{stage}") if isinstance(stage, str) else fmt.missing(lang)),
        (w.t("value.col.value"), fmt.money(explanation.value, lang)),
        (w.t("life.customer.value_rank"), w.t("life.customer.rank", rank=fmt.count(explanation.value_rank, lang), total=total)),
        (w.t("field.revenue"), fmt.money(row["revenue"], lang)),
        (w.t("field.gross_profit"), fmt.money(row["gross_profit"], lang)),
        (w.t("field.margin_pct"), fmt.percent(row["margin_pct"] / 100, lang)),
        (w.t("field.revenue_last_12m"), fmt.money(row["revenue_last_12m"], lang)),
    ])


def _history(w: Writer, ctx: Context, customer_id: str) -> None:
    lang = w.lang
    years = history(ctx, customer_id)
    w.add(f"<section><h2>{esc(w.t('report.account.history'))}</h2>")
    w.table([w.t("report.account.year"), w.t("report.account.orders"), w.t("field.revenue"), w.t("field.gross_profit")],
            [(f"{period:%Y}", fmt.count(orders, lang), fmt.money(revenue, lang), fmt.money(profit, lang))
             for period, orders, revenue, profit in zip(years["period"], years["orders"], years["revenue"],
                                                         years["gross_profit"])],
            [False, True, True, True])
    w.add("</section>")


def _breakdown(w: Writer, explanation) -> None:
    lang = w.lang
    breakdown = explanation.breakdown
    w.add(f"<section><h2>{esc(w.t('report.account.breakdown'))}</h2>")
    w.table([w.t("value.col.dimension"), w.t("value.col.weight_share"), w.t("value.col.dimension_score"),
             w.t("value.col.value")],
            [(w.t(f"value.dim.{d}"), fmt.percent(share, lang, 0), fmt.number(score, lang, 0), fmt.money(value, lang))
             for d, share, score, value in zip(breakdown["dimension"], breakdown["weight_share"], breakdown["score"],
                                               breakdown["value"])],
            [False, True, True, True])
    for key, dimensions in (("value.explain.lifts", explanation.lifts), ("value.explain.sinks", explanation.sinks)):
        w.p(fmt.labelled(w.t(key), fmt.listed((w.t(f"value.dim.{d}") for d in dimensions), lang), lang))
    w.add("</section>")


def _lifetime(w: Writer, ctx: Context, customer_id: str) -> None:
    lang = w.lang
    w.add(f"<h2>{esc(w.t('report.account.lifetime'))}</h2>")
    expected = forecast(ctx, customer_id)
    if expected is None:
        reason, counts = ctx.no_forecast or ("no_purchases", {})
        w.p(w.t("report.account.no_lifetime", reason=w.t(f"clv.error.{reason}", **counts)))
        return
    w.p(w.t("report.account.lifetime_value", clv=fmt.money(expected["clv"], lang), months=ctx.settings.lifetime.months,
            profit=fmt.money(expected["expected_gross_profit"], lang),
            alive=fmt.percent(expected["probability_alive"], lang)))


def _relationship(w: Writer, ctx: Context, tier: str) -> None:
    card = ctx.cards[tier]
    w.add(f"<section><h2>{esc(w.t('report.account.relationship'))}</h2>")
    w.p(w.t("value.card.target_level", level=w.t(f"value.level.{card.target_level}")) + " · "
        + w.t("value.card.bond", bond=w.t(f"value.bond.{card.bond}")))
    w.add(f"<p><strong>{esc(w.t('value.card.actions'))}</strong></p><ul>"
          + "".join(f"<li>{prose(w.t(action))}</li>" for action in card.actions) + "</ul>"
          + f"<p><strong>{esc(w.t('value.card.kpis'))}</strong></p><ul>"
          + "".join(f"<li>{prose(w.t(kpi))}</li>" for kpi in card.kpis) + "</ul>")


def _resources(w: Writer, ctx: Context, customer_id: str, row: pd.Series) -> None:
    lang = w.lang
    w.add(f"<h2>{esc(w.t('report.account.team'))}</h2>")
    heads = per_head(row)
    if heads is not None:
        team, revenue, profit = heads
        w.p(w.t("report.account.per_head", team=fmt.number(team, lang, 1 if team % 1 else 0),
                revenue=fmt.money(revenue, lang), profit=fmt.money(profit, lang)))
    else:
        w.p(w.t("report.account.no_team"))
    returned = resource_return(ctx, customer_id, row["gross_profit"])
    if returned is not None:
        cost, ratio = returned
        w.p(w.t("report.account.return", profit=fmt.money(row["gross_profit"], lang), cost=fmt.money(cost, lang),
                ratio=fmt.percent(ratio, lang)))
    else:
        w.p(w.t("report.account.no_cost_of_service"))
    w.add("</section>")


def reviews_zip(ctx: Context, lang: str) -> bytes:
    """The reviews of all S and A customers in one zip, one HTML file each, with an index page."""
    accounts = key_accounts(ctx)
    buffer = io.BytesIO()
    links = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        ranks = {tier: 0 for tier in KEY_TIERS}
        for customer_id, tier, name in zip(accounts["customer_id"], accounts["tier"], accounts["name"]):
            ranks[tier] += 1
            file = review_file_name(customer_id, tier, ranks[tier])
            archive.writestr(file, review_html(ctx, customer_id, lang))
            links.append(f'<li><a href="{esc(file)}">{esc(translate(f"value.tier.{tier}", lang))} · '
                         f"{esc(name if isinstance(name, str) else customer_id)} ({esc(customer_id)})</a></li>")
        title = translate("report.account.index", lang) + " · " + fmt.dataset_name(ctx.dataset.name, ctx.dataset.is_demo, lang)
        body = (f"<h1>{esc(title)}</h1>"
                + (f"<ol>{''.join(links)}</ol>" if links else f"<p>{esc(translate('report.account.none', lang))}</p>"))
        archive.writestr("index.html", document(title, body, lang, charts=False))
    return buffer.getvalue()
