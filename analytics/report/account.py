"""The yearly key-account review (docs/DOMAIN_NOTES.md: "review each account's finances once a
year and the return on what was invested in it"): one HTML document per customer, and a zip of
the reviews of all S and A customers.

A review holds the customer's history by year, what makes up its value (in money per dimension),
its tier now and a year before, its lifecycle stage, its lifetime value, the relationship level
and actions of its tier, revenue and gross profit per head of the account team, and the return
on account resources when a cost of service is recorded (a ``cost_of_service`` column of the
customer file, kept in the customers' extra columns). The shared parts (value model, stages,
tiers a year before, forecasts) are computed once per ``context``, so the zip of hundreds of
reviews costs one query per customer.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import migration, strategy
from analytics.datasets import Dataset
from analytics.report.data import ReportSettings, Source, tiers_at, whole_model
from analytics.report.html import Writer, document, esc, prose
from analytics.store import Store
from analytics.value_model import Explainer, ValueModel, value_table
from analytics.watchlists import KEY_TIERS
from ui import format as fmt
from ui.i18n import translate

COST_OF_SERVICE = "cost_of_service"
_COST_SQL = """
SELECT customer_id, TRY_CAST(json_extract_string(extra, '$.cost_of_service') AS DOUBLE) AS cost
FROM customers
WHERE dataset_id = $dataset_id AND extra IS NOT NULL
"""


def cost_of_service(store: Store, dataset_id: int) -> pd.Series:
    """Per customer (index customer_id), the cost of service recorded in its extra columns; customers
    without a number there are left out."""
    frame = store.frame(_COST_SQL, {"dataset_id": dataset_id}).dropna(subset=["cost"])
    return pd.Series(frame["cost"].astype(float).to_numpy(), index=frame["customer_id"].astype(str), name=COST_OF_SERVICE)


@dataclass(frozen=True, eq=False)
class Context:
    """What every review of one dataset shares, under one set of settings."""

    source: Source
    dataset: Dataset
    settings: ReportSettings
    made: dt.datetime
    features: pd.DataFrame
    model: ValueModel
    explainer: Explainer
    table: pd.DataFrame
    cards: dict[str, strategy.StrategyCard]
    stages: pd.DataFrame
    year_before: dt.date
    tiers_before: pd.Series | None
    predictions: pd.DataFrame | None
    no_forecast: tuple[str, dict] | None
    costs: pd.Series
    histories: pd.DataFrame
    """Every customer's orders, revenue and gross profit per year (``lifecycle.order_histories``),
    by customer_id."""
    history_ids: np.ndarray


def context(source: Source, dataset: Dataset, settings: ReportSettings) -> Context:
    features = source.features(None, None)
    model = whole_model(source, settings)
    table = value_table(features, model)
    year_before = migration.default_cutoffs(dataset.date_max)[0]
    try:
        before = tiers_at(source, settings, year_before).set_index("customer_id")["tier"]
    except ValueError:
        before = None
    fit = source.lifetime_fit(settings.lifetime.purchase_model)
    stages = source.stages(settings.stage_thresholds, settings.use_p_alive, settings.lifetime.purchase_model)
    histories = source.order_histories("year").sort_values(["customer_id", "period"], kind="stable")
    return Context(
        source=source, dataset=dataset, settings=settings, made=dt.datetime.now().replace(microsecond=0),
        features=_by_id(features), model=model, explainer=Explainer(features, model), table=_by_id(table),
        cards={card.tier: card for card in strategy.strategy_cards(table, top_n=0)},
        stages=stages.set_index("customer_id"), year_before=year_before, tiers_before=before,
        predictions=source.predictions(settings.lifetime),
        no_forecast=None if fit.fitted else (fit.reason, dict(fit.counts)),
        costs=source.cost_of_service(),
        histories=histories.reset_index(drop=True), history_ids=histories["customer_id"].to_numpy(dtype=object),
    )


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame indexed by customer_id (an unnamed index, so the column stays unambiguous)."""
    return frame.set_axis(pd.Index(frame["customer_id"].astype(str).to_numpy()))


def key_accounts(ctx: Context) -> pd.DataFrame:
    """The S and A customers, by value (largest first)."""
    table = ctx.table
    return table[table["tier"].isin(KEY_TIERS)].sort_values(["value", "customer_id"], ascending=[False, True])


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
    w.p(f"{customer_id} · {ctx.dataset.name} · {ctx.made.isoformat(sep=' ')}", "muted")
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
    if ctx.tiers_before is None:
        before = fmt.missing(lang)
    elif customer_id in ctx.tiers_before.index:
        before = w.t(f"value.tier.{ctx.tiers_before[customer_id]}")
    else:
        before = w.t("report.account.not_yet")
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
    first = np.searchsorted(ctx.history_ids, customer_id, side="left")
    last = np.searchsorted(ctx.history_ids, customer_id, side="right")
    history = ctx.histories.iloc[int(first):int(last)]
    w.add(f"<section><h2>{esc(w.t('report.account.history'))}</h2>")
    w.table([w.t("report.account.year"), w.t("report.account.orders"), w.t("field.revenue"), w.t("field.gross_profit")],
            [(f"{period:%Y}", fmt.count(orders, lang), fmt.money(revenue, lang), fmt.money(profit, lang))
             for period, orders, revenue, profit in zip(history["period"], history["orders"], history["revenue"],
                                                         history["gross_profit"])],
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
    none = fmt.missing(lang)
    w.p(f"**{w.t('value.explain.lifts')}**: " + (", ".join(w.t(f"value.dim.{d}") for d in explanation.lifts) or none))
    w.p(f"**{w.t('value.explain.sinks')}**: " + (", ".join(w.t(f"value.dim.{d}") for d in explanation.sinks) or none))
    w.add("</section>")


def _lifetime(w: Writer, ctx: Context, customer_id: str) -> None:
    lang = w.lang
    w.add(f"<h2>{esc(w.t('report.account.lifetime'))}</h2>")
    if ctx.predictions is None or customer_id not in ctx.predictions.index:
        reason, counts = ctx.no_forecast or ("no_purchases", {})
        w.p(w.t("report.account.no_lifetime", reason=w.t(f"clv.error.{reason}", **counts)))
        return
    forecast = ctx.predictions.loc[customer_id]
    w.p(w.t("report.account.lifetime_value", clv=fmt.money(forecast["clv"], lang), months=ctx.settings.lifetime.months,
            profit=fmt.money(forecast["expected_gross_profit"], lang), alive=fmt.percent(forecast["probability_alive"], lang)))


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
    team = row["account_team_size"]
    if isinstance(team, float | int | np.floating) and np.isfinite(team) and team > 0:
        w.p(w.t("report.account.per_head", team=fmt.number(team, lang, 1 if team % 1 else 0),
                revenue=fmt.money(row["revenue"] / team, lang), profit=fmt.money(row["gross_profit"] / team, lang)))
    else:
        w.p(w.t("report.account.no_team"))
    cost = ctx.costs.get(customer_id)
    profit = row["gross_profit"]
    if cost is not None and np.isfinite(cost) and cost > 0 and np.isfinite(profit):
        w.p(w.t("report.account.return", profit=fmt.money(profit, lang), cost=fmt.money(cost, lang),
                ratio=fmt.percent((profit - cost) / cost, lang)))
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
        title = translate("report.account.index", lang) + " · " + ctx.dataset.name
        body = (f"<h1>{esc(title)}</h1>"
                + (f"<ol>{''.join(links)}</ol>" if links else f"<p>{esc(translate('report.account.none', lang))}</p>"))
        archive.writestr("index.html", document(title, body, lang, charts=False))
    return buffer.getvalue()
