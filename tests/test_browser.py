"""What a person sees: the real server in Debian's Chromium, driven by Playwright."""

from __future__ import annotations

import http.server
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from app_server import free_port, serve, stop

from analytics import users
from analytics.auth import MODE_ENV, Actor, set_role_mapping
from analytics.mapping import suggest_mapping
from analytics.presets import PRESETS, save_preset
from analytics.readers import open_upload
from analytics.store import Store
from analytics.table_uploads import validate_transactions, write_upload

CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")


def start_server(database: Path, tmp_path: Path, *options: str, port: int | None = None, **settings: str):
    """The dashboard served from ``database`` (``options``: more Streamlit options, ``settings``: more
    environment); yields its URL and stops it afterwards."""
    try:
        process, url = serve(database, tmp_path / "server.log", 60, *options, port=port, **settings)
    except RuntimeError as error:
        pytest.fail(str(error))
    yield url
    stop(process)


@pytest.fixture
def server(app_database, tmp_path):
    yield from start_server(app_database, tmp_path)


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module; each test gets a fresh context (no shared cookies or storage)."""
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


# Every page ends with an element keyed "page-end" (class st-key-page-end): once it is in the DOM and
# the script has stopped running, the page has drawn everything it will draw.
PAGE_END = ".st-key-page-end"


def wait_until_drawn(page, what: str) -> None:
    """Wait until the page's script has finished and its last element is in the DOM."""
    # The status widget can still be hidden before a slow first run starts: the last element decides.
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=120_000)
    try:
        page.locator(PAGE_END).first.wait_for(state="attached", timeout=180_000)
    except playwright_api.TimeoutError:
        pytest.fail(f"{what}: no element {PAGE_END} within 180 s; every page must end with an element keyed"
                    " 'page-end' so this test knows the page is complete")


def test_overview_renders_without_an_exception_box(server, page, tmp_path):
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Overview").wait_for(timeout=60_000)
    page.locator("[data-testid='stMetric']").first.wait_for(timeout=60_000)
    wait_until_drawn(page, "Overview")
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert "demo data" in page.locator("[data-testid='stSidebar']").inner_text()


def test_language_switches_around_an_upload_keep_the_server_log_clean(server, page, tmp_path):
    """A language switch hands every translated option widget its choice back through the session:
    the column mapping of a file waiting to be imported, then the sidebar's dataset picker with the
    import (the second dataset) active. Widgets also given an index made Streamlit log a stack trace."""
    root = Path(__file__).resolve().parent.parent
    switches = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']")
    page.goto(f"{server}/data", wait_until="domcontentloaded")
    wait_until_drawn(page, "Data")
    page.locator("input[type=file]").set_input_files(str(root / "data" / "samples" / "sales_en.csv"))
    page.get_by_role("button", name="Import").first.wait_for(timeout=60_000)
    switches.first.click()
    page.get_by_role("option", name="中文").click()
    page.get_by_role("button", name="导入").first.click()  # the mapping, carried over, imports as before
    page.get_by_text("所有页面已切换到该数据集").wait_for(timeout=60_000)
    switches.first.click()
    page.get_by_role("option", name="English").click()
    page.get_by_role("heading", name="Data").wait_for(timeout=60_000)
    wait_until_drawn(page, "Data")
    assert switches.nth(1).locator("input").input_value() == "sales_en"
    assert page.locator("[data-testid='stException']").count() == 0
    assert "created with a default value" not in (tmp_path / "server.log").read_text()


def cache_metrics(url: str) -> dict[str, float]:
    """Streamlit's cache counters (``/_stcore/metrics``) by their label text, e.g.
    ``cache="ui.cache.features",cache_type="st_cache_resource",result="miss"``."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10) as response:
        lines = response.read().decode().splitlines()
    return {line[line.index("{") + 1:line.index("}")]: float(line.rsplit(" ", 1)[1])
            for line in lines if "ui.cache." in line and not line.startswith("#")}


def test_the_started_server_has_the_first_page_ready_before_its_first_visitor(app_database, tmp_path, page):
    process, url = serve(app_database, tmp_path / "server.log", 120, warmed_up=True)
    try:
        log = (tmp_path / "server.log").read_text()
        assert "Warm-up done in" in log and "(ok)" in log, log
        environment = Path(f"/proc/{process.pid}/environ").read_bytes().split(b"\0")
        assert b"MALLOC_ARENA_MAX=2" in environment and b"MALLOC_MMAP_THRESHOLD_=4194304" in environment
        counter = 'cache="ui.cache.{}",cache_type="st_cache_resource",result="{}"'.format
        warmed = cache_metrics(url)
        # Computed once, by the warm-up: the Overview's features, and what the Customer page adds
        # (stages, the values a year back: ui.models.prefetch).
        for computed in ("features", "stages", "dimensions_at"):
            assert warmed[counter(computed, "miss")] == 1, warmed
        page.goto(url, wait_until="domcontentloaded")
        wait_until_drawn(page, "Overview")
        open_page(page, "Customer", "customer")
        visited = cache_metrics(url)
        for computed in ("features", "stages", "dimensions_at"):  # the visitor computed nothing again
            assert visited[counter(computed, "miss")] == 1, visited
        assert visited[counter("dimensions_at", "hit")] > warmed.get(counter("dimensions_at", "hit"), 0)
        assert page.locator("[data-testid='stException']").count() == 0
    finally:
        stop(process)


def test_report_button_makes_the_report_and_the_browser_downloads_it(server, page, tmp_path):
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Overview").wait_for(timeout=60_000)
    open_page(page, "Report", "report")
    page.get_by_role("button", name="Make the report (HTML)").click()
    download_button = page.get_by_role("button", name="Download the report (HTML)")
    download_button.wait_for(timeout=120_000)
    with page.expect_download(timeout=60_000) as started:
        download_button.click()
    download = started.value
    assert download.suggested_filename.startswith("customer-value-report-") and download.suggested_filename.endswith(".html")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    document = saved.read_text(encoding="utf-8")
    assert document.startswith("<!DOCTYPE html>") and '<section id="kpis">' in document and '<section id="notes">' in document
    assert 'data-k="kpi.customers">3,000<' in document
    assert page.locator("[data-testid='stException']").count() == 0


class Tracker(http.server.BaseHTTPRequestHandler):
    """Stands in for a third-party host: every request a payload makes a browser send lands here."""

    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        Tracker.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def payloads(host: str, field: str) -> list[str]:
    """Markup a supplier's spreadsheet could carry in a text cell, each pointing at ``host``."""
    return [
        f"![pixel](http://{host}/md-{field}.png)",
        f'<img src="http://{host}/html-{field}.png">',
        f"[click me](http://{host}/link-{field})",
        f":red[{field}] $x^2$ **bold** www.{field}.example",
    ]


@pytest.fixture
def hostile_database(app_database):
    """The demo plus a dataset whose every text field, name and preset carries markup."""
    tracker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tracker)
    threading.Thread(target=tracker.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{tracker.server_address[1]}"
    Tracker.hits = []
    rows = 400
    sheet = pd.DataFrame({
        "customer_id": [f"<b>K{i % 40}</b>" for i in range(rows)],
        "order_date": [str(pd.Timestamp("2024-01-01") + pd.Timedelta(days=i % 700))[:10] for i in range(rows)],
        "revenue": [100.0 + 7 * i for i in range(rows)],
        "cost": [60.0 + 3 * i for i in range(rows)],
        "order_id": [f"O{i}" for i in range(rows)],
    })
    for field in ("product", "channel", "region", "sales_rep", "name", "industry"):
        sheet[field] = [payloads(host, field)[(i // 40 + i) % 4] for i in range(rows)]
    filename = f"![file](http://{host}/file.png).csv"
    raw = open_upload(filename, sheet.to_csv(index=False).encode())
    upload = validate_transactions(raw, suggest_mapping(list(raw.frame.columns)))
    assert upload.rows_rejected == 0
    store = Store(app_database)
    write_upload(store, upload, mode="new", digest=None, dataset_name=f"![dataset](http://{host}/dataset.png)")
    save_preset(store, f"![preset](http://{host}/preset.png)", PRESETS["profit_focus"])
    store.close()
    yield app_database, host
    tracker.shutdown()


# Sidebar link and the page's address, in navigation order.
PAGES = (("Overview", ""), ("Value model", "value_model"), ("80/20 view", "concentration"),
         ("Customer", "customer"), ("Lifecycle", "lifecycle"), ("Lifetime value", "lifetime_value"),
         ("Segments", "segments"), ("Report", "report"), ("Data", "data"))


def open_page(page, link: str, path: str) -> None:
    """Click a sidebar link and wait until its script has finished drawing the page."""
    page.locator("[data-testid='stSidebar']").get_by_role("link", name=link, exact=True).click()
    page.wait_for_url(lambda url: urllib.parse.urlsplit(url).path.rstrip("/").endswith(path), timeout=60_000)
    page.locator("h1").first.wait_for(timeout=60_000)
    wait_until_drawn(page, link)


def test_markup_in_uploaded_text_is_shown_as_text_and_fetches_nothing(hostile_database, tmp_path, page):
    database, host = hostile_database
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url) if host in request.url else None)
    for url in start_server(database, tmp_path):
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("heading", name="Overview", exact=True).wait_for(timeout=60_000)
        for link, path in PAGES:
            open_page(page, link, path)
            page.screenshot(path=str(tmp_path / f"{path or 'overview'}.png"), full_page=True)
            assert page.locator("[data-testid='stException']").count() == 0, link
            leaks = page.locator(f"img[src*='{host}'], a[href*='{host}']")
            assert leaks.count() == 0, (link, [leaks.nth(i).evaluate("e => e.outerHTML") for i in range(leaks.count())])
    assert requested == [] and Tracker.hits == []


def test_team_mode_signs_in_with_the_built_in_list_and_shows_the_role_s_pages(app_database, tmp_path, page):
    store = Store(app_database)
    users.add_user(store, Actor("setup", "admin"), "exec", "viewer", "correct horse battery")
    store.close()
    for url in start_server(app_database, tmp_path, **{MODE_ENV: "team"}):
        page.goto(url + "/data", wait_until="domcontentloaded")  # any address leads to the sign-in page first
        page.get_by_role("heading", name="Sign in").wait_for(timeout=60_000)
        wait_until_drawn(page, "sign-in")
        assert page.get_by_text("Page not found").count() == 0
        sidebar = page.locator("[data-testid='stSidebar']")
        assert sidebar.count() == 0 or sidebar.get_by_role("link", name="Data").count() == 0
        for password in ("wrong password", "correct horse battery"):
            page.get_by_label("User name").fill("exec")
            page.get_by_label("Password", exact=True).fill(password)
            page.get_by_role("button", name="Sign in").click()
            wait_until_drawn(page, "sign-in")
            if password.startswith("wrong"):
                page.get_by_text("Sign-in failed").wait_for(timeout=60_000)
        # Signed in, the address asked for: the Data page, not Streamlit's "page not found".
        page.get_by_text("Uploading needs the uploader or admin role").wait_for(timeout=60_000)
        wait_until_drawn(page, "Data")
        assert page.get_by_text("Page not found").count() == 0
        assert "Signed in as exec (viewer)" in sidebar.inner_text()
        links = [sidebar.get_by_role("link", name=link, exact=True).count() for link, _ in PAGES]
        assert links == [1] * len(PAGES) and sidebar.get_by_role("link", name="Admin").count() == 0
        page.screenshot(path=str(tmp_path / "viewer_data.png"), full_page=True)
        assert page.locator("[data-testid='stException']").count() == 0
        assert "correct horse battery" not in (tmp_path / "server.log").read_text()


def test_company_sign_in_through_a_local_openid_provider_maps_the_e_mail_to_a_role(app_database, tmp_path, page):
    """Streamlit's own st.login against an OpenID Connect provider on the loopback address."""
    provider_mock = pytest.importorskip("oidc_provider_mock")
    pytest.importorskip("authlib")
    store = Store(app_database)
    set_role_mapping(store, Actor("setup", "admin"), "example.com", "strategist")
    store.close()
    port = free_port()
    ceo = provider_mock.User(sub="ceo", claims={"email": "ceo@example.com", "email_verified": True})
    with provider_mock.run_server_in_thread(user_claims=[ceo]) as provider:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "a cookie secret only this test uses"\n'
            'client_id = "dashboard"\nclient_secret = "not a secret"\n'
            f'server_metadata_url = "http://127.0.0.1:{provider.server_port}/.well-known/openid-configuration"\n'
        )
        for url in start_server(app_database, tmp_path, f"--secrets.files={secrets}", port=port):
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_role("heading", name="Sign in").wait_for(timeout=60_000)
            page.get_by_role("button", name="Sign in with the company account").click()
            page.get_by_role("button", name="ceo", exact=True).click()  # the provider's own page
            page.get_by_role("heading", name="Overview", exact=True).wait_for(timeout=60_000)
            wait_until_drawn(page, "Overview")
            sidebar = page.locator("[data-testid='stSidebar']").inner_text().replace("\u2060", "")  # md()'s word joiner
            assert "Signed in as ceo@example.com (strategist)" in sidebar and "Admin" not in sidebar
        page.context.close()  # the browser's open connections would hold the provider's shutdown for a minute
