"""The executive report and the key-account reviews: every section in both languages, the pages'
numbers, offline (no external URL, nothing fetched), user text as text, the PDF with Chinese as
text, the zip of S and A reviews, the command line, and the actions on the pages."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from app_harness import open_app, rerun

from analytics import concentration
from analytics.datasets import list_datasets, rename_dataset
from analytics.kpis import overview_kpis
from analytics.report import account as review
from analytics.report.data import ReportSettings, StoreSource, gather, whole_model
from analytics.store import Store
from ui import format as fmt
from ui import report
from ui.i18n import translate
from ui.report import account, render_report
from ui.report.document import plotly_js
from ui.report.pdf import CHROMIUM_ENV, PdfUnavailable, html_to_pdf
from ui.report.sections import SECTIONS
from ui.report.text_layer import TYPED, typed_cmap
from ui.report_actions import BUILT_KEY

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")
HOSTILE = ("<img src=http://x/p.png>", "![x](http://x/p.png)")


class Keyed(HTMLParser):
    """The text of every element marked ``data-k`` (the numbers a reader checks)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        self._open.append(dict(attrs).get("data-k"))
        if self._open[-1]:
            self.values[self._open[-1]] = ""

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for key in self._open:
            if key:
                self.values[key] += data


def keyed(document: str) -> dict[str, str]:
    parser = Keyed()
    parser.feed(document.replace(plotly_js(), ""))
    return {key: value.strip() for key, value in parser.values.items()}


def without_library(document: str) -> str:
    library = plotly_js()
    assert document.count(library) == 1, "plotly.js is embedded exactly once"
    return document.replace(library, "")


@pytest.fixture
def demo(tmp_path, demo_database):
    """A private copy of the demo database, its store and dataset."""
    path = tmp_path / "report.duckdb"
    shutil.copy(demo_database, path)
    store = Store(path)
    yield store, list_datasets(store)[0]
    store.close()


@pytest.fixture
def hostile(demo):
    """The demo with a dataset name and the two largest customers' names carrying markup."""
    store, dataset = demo
    largest = store.rows("SELECT customer_id FROM transactions WHERE dataset_id = ? GROUP BY customer_id "
                         "ORDER BY sum(revenue) DESC, customer_id LIMIT 2", [dataset.dataset_id])
    with store.transaction() as cur:
        for (customer_id,), name in zip(largest, HOSTILE):
            cur.execute("UPDATE customers SET name = ? WHERE dataset_id = ? AND customer_id = ?",
                        [name, dataset.dataset_id, customer_id])
    rename_dataset(store, dataset.dataset_id, HOSTILE[1])
    return store, next(d for d in list_datasets(store) if d.dataset_id == dataset.dataset_id)


def test_report_in_both_languages_has_every_section_and_the_numbers_of_the_analytics(demo):
    store, dataset = demo
    data = gather(StoreSource(store, dataset), dataset, ReportSettings())
    features = data.features
    kpis = overview_kpis(features, active_days=365).loc["all"]
    model = whole_model(StoreSource(store, dataset), ReportSettings())
    tiers = pd.Series(model.tiering.labels).value_counts()
    assert dataset.is_demo and dataset.name == "Demo: distributor"
    for lang, shown_name in (("en", "Demo: distributor"), ("zh", "演示：经销商")):
        document = render_report(data, lang)
        assert f"<title>{html.escape(translate('report.title', lang))} · {shown_name}</title>" in document
        # the demo has loss makers: the 80/20 shares say they leave them out, the whale curve counts them
        assert {"en": "Gross profit: shares here are of", "zh": "毛利：此处占比"}[lang] in document
        for section in SECTIONS:
            assert f'<section id="{section}">' in document
            assert f"<h2>{html.escape(translate(f'report.section.{section}', lang))}</h2>" in document
        values = keyed(document)
        assert values["kpi.customers"] == fmt.count(len(features), lang) == fmt.count(3000, lang)
        assert values["kpi.active_customers"] == fmt.count(kpis["active_customers"], lang)
        assert values["kpi.revenue"] == fmt.compact(features["revenue"].sum(), lang)
        assert values["kpi.gross_profit"] == fmt.compact(features["gross_profit"].sum(), lang)
        assert values["kpi.top20_share"] == fmt.share(kpis["top20_share"], lang)
        for tier in ("S", "A", "B", "C"):
            assert values[f"pyramid.{tier}.customers"] == fmt.count(tiers[tier], lang)
        assert sum(int(values[f"pyramid.{t}.customers"].replace(",", "")) for t in "SABC") == 3000
        ranked = concentration.rank_metric(features["revenue"].to_numpy())
        assert values["gini.revenue"] == fmt.number(concentration.gini(ranked), lang, 3)
        assert document.count('class="chart"') >= 6
        rest = without_library(document)
        assert not re.search(r"(?i)(https?:|//[a-z0-9.-]+\.[a-z]{2,}/|@import|url\(|\ssrc=)", rest), \
            re.findall(r".{40}(?:https?:|@import|url\(|\ssrc=).{40}", rest)
        assert len(document.encode("utf-8")) <= 5_000_000


def test_report_numbers_equal_the_overview_and_the_80_20_view(app_database):
    """The report made with the Overview's button shows what the Overview and the 80/20 view show."""
    overview = open_app("pages/overview.py")
    cards = {metric.label: metric.value for metric in overview.metric}
    overview.button(key="overview_report_make_html").click()
    rerun(overview)
    built = overview.session_state[BUILT_KEY]
    assert built["name"].endswith(".html") and overview.get("download_button")
    values = keyed(built["content"].decode("utf-8"))
    assert values["kpi.customers"] == cards["Customers"]
    assert values["kpi.active_customers"] == cards["Active"]
    assert values["kpi.revenue"] == cards["Revenue"]
    assert values["kpi.gross_profit"] == cards["Gross profit"]
    assert values["kpi.margin_pct"] == cards["Gross margin"]
    assert values["kpi.top20_share"] == cards["Top 20%'s revenue"]
    view = open_app("pages/concentration.py")
    measures = view.dataframe[0].value.set_index("Measure")
    assert values["gini.revenue"] == measures.loc["Gini coefficient", "Revenue"]
    assert values["gini.value"] == measures.loc["Gini coefficient", "Customer value"]
    assert values["top5.revenue"] == measures.loc["Top 5 customers", "Revenue"]


def test_report_shows_user_text_as_text(hostile):
    store, dataset = hostile
    document = render_report(gather(StoreSource(store, dataset), dataset, ReportSettings()), "en")
    rest = without_library(document)
    for name in HOSTILE:
        assert html.escape(name) in rest  # in tables and headings, as text
    assert "<img" not in rest and "<a href=\"http" not in rest
    assert "&lt;img src=http:\\u002f\\u002fx\\u002fp.png&gt;" in rest  # in chart labels: escaped for plotly


@needs_chromium
def test_report_opens_offline_in_chromium_draws_its_charts_and_fetches_nothing(hostile, tmp_path):
    from playwright.sync_api import sync_playwright

    store, dataset = hostile
    path = tmp_path / "report.html"
    path.write_text(render_report(gather(StoreSource(store, dataset), dataset, ReportSettings()), "zh"), encoding="utf-8")
    requested = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.goto(path.as_uri())
            page.locator("body[data-ready='1']").wait_for(timeout=60_000)
            charts = page.locator("div.chart")
            drawn = page.locator("div.chart .main-svg")
            assert charts.count() >= 6 and drawn.count() >= charts.count()
            assert page.locator("img").count() == 0
        finally:
            browser.close()
    assert requested == [path.as_uri()]


def pdf_text(content: bytes) -> tuple[int, str]:
    """Pages and text of a PDF, as a reader searching or copying it gets it."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "".join(page.extract_text() for page in reader.pages)


@needs_chromium
def test_the_command_line_writes_the_pdf_with_chinese_section_titles_as_text(demo, tmp_path):
    store, dataset = demo
    store.close()
    out = tmp_path / "报告.pdf"
    done = subprocess.run([sys.executable, "-m", "analytics.cli", "report", "--dataset", dataset.name, "--lang", "zh",
                           "--format", "pdf", "--out", str(out), "--db", str(store.path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "已写入" in done.stdout
    content = out.read_bytes()
    assert content.startswith(b"%PDF")
    pages, text = pdf_text(content)
    assert 10 <= pages <= 40
    for section in SECTIONS:
        assert translate(f"report.section.{section}", "zh") in text, section
    assert "客户价值报告" in text and "3,000" in text
    # searchable as typed: no radical stands for an ideograph of the same glyph (客⼾ for 客户)
    assert not [character for character in text if character in TYPED], "radicals in the text layer"

    missing = subprocess.run([sys.executable, "-m", "analytics.cli", "report", "--dataset", "nope", "--out",
                              str(tmp_path / "x.html"), "--db", str(store.path)],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "No dataset named 'nope'" in missing.stderr
    assert not (tmp_path / "x.html").exists()


@needs_chromium
def test_pdf_in_english_from_the_same_html(demo):
    store, dataset = demo
    content = report.make_report(StoreSource(store, dataset), dataset, ReportSettings(), "en", "pdf")
    pages, text = pdf_text(content)
    assert 10 <= pages <= 40
    for section in SECTIONS:
        assert translate(f"report.section.{section}", "en") in text, section


def test_without_chromium_the_pdf_says_why_and_the_button_is_off(app_database, monkeypatch, tmp_path):
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    with pytest.raises(PdfUnavailable) as missing:
        html_to_pdf("<html></html>")
    assert missing.value.code == "chromium_missing"
    app = open_app("pages/report.py")
    buttons = {button.key: button for button in app.button}
    assert buttons["report_page_make_pdf"].disabled and not buttons["report_page_make_html"].disabled
    assert translate("report.error.chromium_missing", "en") in [caption.value for caption in app.caption]
    zh = open_app("pages/report.py", lang="zh")
    assert translate("report.error.chromium_missing", "zh") in [caption.value for caption in zh.caption]


def test_key_account_zip_holds_one_review_per_s_and_a_customer(hostile):
    store, dataset = hostile
    source = StoreSource(store, dataset)
    ctx = review.context(source, dataset, ReportSettings())
    tiers = pd.Series(whole_model(source, ReportSettings()).tiering.labels).value_counts()
    archive = zipfile.ZipFile(io.BytesIO(account.reviews_zip(ctx, "zh")))
    names = archive.namelist()
    reviews = [name for name in names if name != "index.html"]
    assert len(reviews) == len(set(reviews)) == tiers["S"] + tiers["A"]
    assert sum(name.startswith("S-") for name in reviews) == tiers["S"]
    assert "index.html" in names
    index = archive.read("index.html").decode("utf-8")
    assert all(f'href="{name}"' in index for name in reviews)
    texts = [archive.read(name).decode("utf-8") for name in reviews[:3]]
    for text in texts:
        for title in ("report.account.history", "report.account.breakdown", "report.account.lifetime",
                      "report.account.relationship", "report.account.team"):
            assert translate(title, "zh") in text
        assert "<script" not in text and "<img" not in text
    named = [review for review in reviews if html.escape(HOSTILE[0]) in archive.read(review).decode("utf-8")]
    assert len(named) == 1 and all(html.escape(HOSTILE[1]) in archive.read(r).decode("utf-8") for r in reviews)


def test_review_of_one_customer_from_the_customer_page(app_database):
    app = open_app("pages/customer.py")
    app.button(key="account_make").click()
    rerun(app)
    built = app.session_state[BUILT_KEY]
    picked = app.session_state["customer_id"]
    assert built["name"] == f"key-account-review-{picked}.html"
    text = built["content"].decode("utf-8")
    assert f"{picked} · " in text and translate("report.account.history", "en") in text
    assert "Return on account resources" in text or translate("report.account.no_cost_of_service", "en") in text


def test_return_on_account_resources_when_a_cost_of_service_is_recorded(demo):
    store, dataset = demo
    customer = store.scalar("SELECT customer_id FROM customers WHERE dataset_id = ? ORDER BY customer_id LIMIT 1",
                            [dataset.dataset_id])
    with store.transaction() as cur:
        cur.execute("UPDATE customers SET extra = '{\"cost_of_service\": 1000}' WHERE dataset_id = ? AND customer_id = ?",
                    [dataset.dataset_id, customer])
    source = StoreSource(store, dataset)
    assert review.cost_of_service(store, dataset.dataset_id).to_dict() == {customer: 1000.0}
    ctx = review.context(source, dataset, ReportSettings())
    profit = ctx.features.loc[customer, "gross_profit"]
    text = account.review_html(ctx, customer, "en")
    assert translate("report.account.return", "en", profit=fmt.money(profit, "en"), cost="1,000",
                     ratio=fmt.percent((profit - 1000) / 1000, "en")) in html.unescape(text)


def test_text_maps_give_the_ideographs_typed_for_radicals_of_the_same_glyph():
    cmap = (b"/CIDInit /ProcSet findresource begin\nbegincmap\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
            b"3 beginbfchar\n<41> <5BA2>\n<43> <2F3E>\n<44> <FB01>\nendbfchar\n"  # 客, the radical of 户, ﬁ
            b"2 beginbfrange\n<50> <52> <2EC9>\n<60> <61> [<2EE5> <0041>]\nendbfrange\nendcmap\nend\n")
    fixed = typed_cmap(cmap).decode()
    pairs = dict(re.findall(r"<([0-9A-F]+)> <([0-9A-F]+)>", fixed.split("endcodespacerange")[1]))
    assert pairs == {"41": "5BA2", "43": "6237", "44": "00660069",  # 户, fi
                     "50": "8D1D", "51": "D85FDFB7", "52": "8F66",  # 贝, 𧾷 (beyond the BMP), 车
                     "60": "9C7C", "61": "0041"}  # 鱼, A
    assert fixed.startswith("/CIDInit") and fixed.rstrip().endswith("end") and fixed.count("beginbfchar") == 1
    assert typed_cmap(b"begincmap\n1 beginbfchar\n<41> <5BA2>\nendbfchar\nendcmap") is None  # nothing to change
