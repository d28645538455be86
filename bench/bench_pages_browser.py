"""Benchmark: every page in Chromium against the real server at 100,000 customers, and the cold
paths at 10,000,000 customers.

Builds the demo business at 100,000 customers (about 1.7M order lines) through the app's own
write path (``table_uploads.write_upload``), starts the server on it the README's way
(scripts/serve.py, headless, a free port), waits until its warm-up is done, and in Debian's
Chromium measures for every page:

- the first load (cold: the page's first visit; the Overview's is a fresh server's first visitor)
  and the warm load (the median of ``WARM_LOADS``), from navigation until the page's last element
  (``.st-key-page-end``) is visible, the status widget idle and no element's placeholder left
  (an element whose code the browser is still loading);
- the websocket bytes received for the load (CDP ``Network.webSocketFrameReceived``);

then three sessions reloading the same page at once (each's time), and the server's RSS after
three sessions have each visited every page, and again once one of them has drawn every section of
the pages that show one section at a time. The floor first: a one-line Streamlit page, served
and loaded the same way. Then, without the server: dimension scores and the
80/20 set at 10,000,000 customers, both against numpy floors (``np.sort`` of one feature column per
dimension scored; ``np.sort`` and ``np.argsort`` of the 80/20 set's three metrics), each the median of ``--repeats`` runs,
every run right after memory was touched and freed (``big_timings``), and what touching fresh memory
costs on this machine right after a free and after a few seconds idle. One table of figures and
targets at the end.

Run: .venv/bin/python bench/bench_pages_browser.py [--customers N] [--big N] [--repeats R] [--db PATH]
(``--db`` keeps the generated database for the next run; ``--customers 0`` skips the pages,
``--big 0`` the 10M part.)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.page_bench import build_demo_database  # noqa: E402
from tests.app_server import WARMED_UP, serve, stop  # noqa: E402
from ui.layout import PAGE_END_KEY  # noqa: E402

try:
    from playwright.async_api import TimeoutError as PlaywrightTimeout
except ImportError:  # reported when the browser part starts
    PlaywrightTimeout = TimeoutError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = (("Overview", ""), ("Value model", "value_model"), ("80/20 view", "concentration"),
         ("Customer", "customer"), ("Lifecycle", "lifecycle"), ("Lifetime value", "lifetime_value"),
         ("Segments", "segments"), ("Data", "data"))
PAGE_END = f".st-key-{PAGE_END_KEY}"
# Pages that draw one section at a time, and the key of their section switch.
SECTION_SWITCHES = (("value_model", "value_section"), ("concentration", "conc_section"), ("lifecycle", "life_section"),
                    ("lifetime_value", "clv_section"), ("segments", "seg_section"), ("data", "data_section"))
STATUS = "[data-testid='stStatusWidget']"
# Streamlit draws a placeholder (stSkeleton) where an element's code (Plotly, tables, button groups)
# is still loading in the browser, after the page's last element is already in place: a page is
# drawn when none is left.
NO_PLACEHOLDER = "() => !document.querySelector(\"[data-testid='stSkeleton']\")"
TARGETS = {"warm": 1.0, "cold": 3.0, "mb": 1.0, "together": 3.0, "rss_mb": 600.0, "dimensions": 5.0,
           "pareto": 1.5}
TIMEOUT_MS = 300_000
# Memory touched and freed before each timed cold-path run, per customer: more than the dimension
# scores touch (120 bytes of results and their work arrays), so neither they nor a floor meets memory
# idle long enough for the host to have taken it back (big_timings).
SETTLE_BYTES_PER_CUSTOMER = 200
IDLE_SECONDS = 3.0
# Warm loads of a page, the median reported: single loads varied 0.5-1.5 s from one run to the next
# (the browser compiles the page's code anew on the first reloads, garbage collection).
WARM_LOADS = 3


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (psutil when installed, else /proc)."""
    try:
        import psutil
        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Session:
    """One browser context (its own cookies, so its own Streamlit session) with a byte counter."""

    def __init__(self, page, cdp):
        self.page = page
        self.received = 0
        cdp.on("Network.webSocketFrameReceived",
               lambda event: setattr(self, "received", self.received + len(event["response"]["payloadData"])))

    @classmethod
    async def open(cls, browser) -> Session:
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        cdp = await context.new_cdp_session(page)
        await cdp.send("Network.enable")
        return cls(page, cdp)

    async def load(self, url: str) -> tuple[float, float]:
        """Seconds until the page is drawn and idle, and MB received over the websocket."""
        self.received = 0
        start = time.perf_counter()
        await self.page.goto(url, wait_until="commit")
        try:
            await self.page.locator(PAGE_END).first.wait_for(state="visible", timeout=TIMEOUT_MS)
            await self.page.locator(STATUS).wait_for(state="hidden", timeout=TIMEOUT_MS)
            await self.page.wait_for_function(NO_PLACEHOLDER, timeout=TIMEOUT_MS, polling="raf")
        except PlaywrightTimeout:  # reported as a missing figure, and the run goes on
            print(f"  {url}: not drawn within {TIMEOUT_MS / 1000:.0f} s", flush=True)
            return float("inf"), self.received / 1e6
        elapsed = time.perf_counter() - start
        if await self.page.locator("[data-testid='stException']").count():
            raise RuntimeError(f"{url}: the page shows an exception")
        return elapsed, self.received / 1e6

    async def every_section(self, url: str) -> None:
        """Visit every page and draw each section its switch offers (``SECTION_SWITCHES``)."""
        for path, key in SECTION_SWITCHES:
            await self.load(f"{url}/{path}")
            buttons = self.page.locator(f".st-key-{key} button")
            for index in range(await buttons.count()):
                await buttons.nth(index).click()
                await self.page.wait_for_timeout(200)  # the rerun starts; then wait until it is drawn
                await self.page.locator(STATUS).wait_for(state="hidden", timeout=TIMEOUT_MS)
                await self.page.wait_for_function(NO_PLACEHOLDER, timeout=TIMEOUT_MS, polling="raf")
                if await self.page.locator("[data-testid='stException']").count():
                    raise RuntimeError(f"{path}, section {index + 1} of {key}: the page shows an exception")

    async def customers_section(self) -> tuple[float, float]:
        """On the Data page: seconds and MB from choosing the Customers section until its table is drawn."""
        self.received = 0
        start = time.perf_counter()
        await self.page.get_by_role("radio", name="Customers", exact=True).click()
        await self.page.locator(".st-key-customer_search").wait_for(state="visible", timeout=TIMEOUT_MS)
        await self.page.locator("[data-testid='stDataFrame']").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        await self.page.locator(STATUS).wait_for(state="hidden", timeout=TIMEOUT_MS)
        return time.perf_counter() - start, self.received / 1e6


BARE_APP = f"import streamlit as st\n\nst.title('Bare')\nst.container(key='{PAGE_END_KEY}', height=1, border=False)\n"


async def bare_loads(url: str) -> tuple[float, float]:
    """The floor: first and warm load of a one-line Streamlit page, served and measured like the app's."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        session = await Session.open(browser)
        cold, _ = await session.load(url)
        warm, _ = await session.load(url)
        await browser.close()
    return cold, warm


async def browse(url: str, pid: int) -> dict:
    from playwright.async_api import async_playwright

    results: dict = {"pages": {}}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        one = await Session.open(browser)
        for name, path in PAGES:
            cold = await one.load(f"{url}/{path}")
            warm_loads = [await one.load(f"{url}/{path}") for _ in range(WARM_LOADS)]
            warm = (statistics.median(seconds for seconds, _ in warm_loads), max(mb for _, mb in warm_loads))
            results["pages"][name] = (*cold, *warm)
            print(f"  {name:<15} cold {cold[0]:5.2f} s {cold[1]:6.2f} MB   warm {warm[0]:5.2f} s {warm[1]:6.2f} MB",
                  flush=True)
        section = await one.customers_section()
        await one.page.get_by_role("radio", name="Datasets", exact=True).click()  # away, then back: warm
        await one.page.locator("[class*='st-key-manage_pick']").wait_for(state="visible", timeout=TIMEOUT_MS)
        await one.page.locator(STATUS).wait_for(state="hidden", timeout=TIMEOUT_MS)
        results["pages"]["Data: customers"] = (*section, *await one.customers_section())
        print(f"  Data: customers section {section[0]:5.2f} s {section[1]:6.2f} MB", flush=True)
        results["rss_one"] = rss_mb(pid)
        sessions = [one, *[await Session.open(browser) for _ in range(2)]]
        for _name, path in PAGES:  # the other two sessions visit every page too
            for session in sessions[1:]:
                await session.load(f"{url}/{path}")
        results["together"] = {}
        for name, path in (PAGES[0], PAGES[1], PAGES[-1]):
            timings = await asyncio.gather(*(session.load(f"{url}/{path}") for session in sessions))
            results["together"][name] = [elapsed for elapsed, _ in timings]
            print(f"  three sessions reload {name}: " + ", ".join(f"{elapsed:.2f} s" for elapsed, _ in timings),
                  flush=True)
        results["rss_three"] = rss_mb(pid)
        await one.every_section(url)
        results["rss_sections"] = rss_mb(pid)
        await browser.close()
    return results


def sort_each(columns: list) -> None:
    import numpy as np

    for column in columns:
        np.sort(column)


def fresh_memory_cost(nbytes: int) -> tuple[float, float]:
    """Seconds to touch ``nbytes`` of fresh memory right after as much was freed, and after
    ``IDLE_SECONDS`` idle: on a virtual machine with free page reporting the host takes idle free
    memory back and maps it again on first touch."""
    import numpy as np

    def touch() -> float:
        start = time.perf_counter()
        np.ones(nbytes // 8)
        return time.perf_counter() - start

    touch()
    after_free = touch()
    time.sleep(IDLE_SECONDS)
    return after_free, touch()


def big_timings(n: int, repeats: int) -> dict:
    """Dimension scores and the 80/20 set (``bench_concentration.analyse``: revenue, gross profit and
    value ranked, curves, readouts, Gini, HHI, top-N, whale curve, risk) at ``n`` customers, against
    numpy floors for the three metrics: ``np.sort`` (values only) and ``np.argsort`` (an order).
    Each the median of ``repeats`` runs, measured in turn so that a busy spell hits all alike, with
    that run's CPU time, user and system.

    Every run, of the work and of its floor alike, starts right after ``SETTLE_BYTES_PER_CUSTOMER``
    per customer were touched and freed: the memory it touches first is then mapped, as on a machine
    that keeps free memory. On this virtual machine memory idle for a second or two goes back to the
    host (free page reporting) and costs up to 2 s per GB when touched again; the dimension scores
    return 1.2 GB, the floor keeps 80 MB at a time. ``fresh_memory_cost`` measures that charge apart."""
    import numpy as np

    from analytics.dimensions import dimension_scores
    from bench.bench_concentration import METRICS, analyse, synthetic_customers
    from bench.bench_value_model import synthetic_features

    def timed(function) -> tuple[float, float, float]:
        np.ones(n * SETTLE_BYTES_PER_CUSTOMER // 8)  # touched, and freed at once
        gc.collect()
        before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        function()
        wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
        return wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime

    def median_run(runs: list[tuple[float, float, float]]) -> tuple[float, float, float]:
        return sorted(runs)[len(runs) // 2]

    features = synthetic_features(n)
    dimensions = [timed(partial(dimension_scores, features)) for _ in range(repeats)]
    # Its floor: np.sort of one numeric feature column per dimension it scores (each score ranks one).
    scores = dimension_scores(features)
    scored, result_bytes = len(scores.dimensions), scores.money.nbytes + scores.matrix.nbytes + scores.missing.nbytes
    del scores
    ranked = [features[column].to_numpy(dtype=float) for column in features.select_dtypes("number").columns[:scored]]
    dimension_floor = [timed(partial(sort_each, ranked)) for _ in range(repeats)]
    del features, ranked
    customers = synthetic_customers(n)
    columns = [customers[metric].to_numpy() for metric in METRICS]
    runs: dict[str, list[tuple[float, float, float]]] = {"sort_floor": [], "argsort_floor": [], "pareto": []}
    for _ in range(repeats):
        runs["sort_floor"].append(timed(partial(sort_each, columns)))
        runs["argsort_floor"].append(timed(lambda: [np.argsort(column) for column in columns]))
        runs["pareto"].append(timed(lambda: analyse(customers)))
    return ({"dimensions": median_run(dimensions), "dimension_floor": median_run(dimension_floor), "scored": scored,
             "result_bytes": result_bytes, "fresh_memory": fresh_memory_cost(result_bytes)}
            | {name: median_run(times) for name, times in runs.items()})


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "NOT met"


def report(results: dict | None, big: dict | None, customers: int, n_big: int) -> None:
    print(f"\n== load average (1, 5, 15 min) {os.getloadavg()} on {os.cpu_count()} cores ==")
    rows = []
    if results:
        print(f"{customers:,} customers, one run")
        print(f"{'page':<15} {'cold s':>7} {'warm s':>7} {'cold MB':>8} {'warm MB':>8}")
        print(f"{'(bare page)':<15} {results['floor'][0]:7.2f} {results['floor'][1]:7.2f}")
        for name, (cold, cold_mb, warm, warm_mb) in results["pages"].items():
            print(f"{name:<15} {cold:7.2f} {warm:7.2f} {cold_mb:8.2f} {warm_mb:8.2f}")
        pages = results["pages"].values()
        worst_cold = max(p[0] for p in pages)
        worst_warm = max(p[2] for p in pages)
        worst_mb = max(max(p[1], p[3]) for p in pages)
        worst_together = max(max(times) for times in results["together"].values())
        rows += [
            ("slowest cold load", f"{worst_cold:.2f} s", f"<= {TARGETS['cold']} s", verdict(worst_cold, TARGETS["cold"])),
            ("slowest warm load", f"{worst_warm:.2f} s", f"<= {TARGETS['warm']} s", verdict(worst_warm, TARGETS["warm"])),
            ("most received per page", f"{worst_mb:.2f} MB", f"<= {TARGETS['mb']} MB", verdict(worst_mb, TARGETS["mb"])),
            ("three reloads at once (slowest)", f"{worst_together:.2f} s", f"<= {TARGETS['together']} s",
             verdict(worst_together, TARGETS["together"])),
            ("server RSS, one session", f"{results['rss_one']:.0f} MB", "", ""),
            ("server RSS, three sessions", f"{results['rss_three']:.0f} MB", f"<= {TARGETS['rss_mb']:.0f} MB",
             verdict(results["rss_three"], TARGETS["rss_mb"])),
            ("  and one drew every section", f"{results['rss_sections']:.0f} MB", f"<= {TARGETS['rss_mb']:.0f} MB",
             verdict(results["rss_sections"], TARGETS["rss_mb"])),
        ]
        for name, times in results["together"].items():
            print(f"three sessions reloading {name}: " + ", ".join(f"{t:.2f} s" for t in times))
    if big:
        dimensions, dimension_floor = big["dimensions"][0], big["dimension_floor"][0]
        pareto, sort_floor = big["pareto"][0], big["sort_floor"][0]
        rows += [
            (f"dimension scores, {n_big:,}", f"{dimensions:.2f} s", f"<= {TARGETS['dimensions']} s",
             verdict(dimensions, TARGETS["dimensions"])),
            (f"  np.sort of {big['scored']} feature columns", f"{dimension_floor:.2f} s "
             f"({dimensions / dimension_floor:.1f}x)", "2x", verdict(dimensions, 2 * dimension_floor)),
            (f"80/20 set, {n_big:,}", f"{pareto:.2f} s ({pareto / sort_floor:.1f}x)",
             f"<= {TARGETS['pareto']} s", verdict(pareto, TARGETS["pareto"])),
            ("  np.sort of the 3 metrics", f"{sort_floor:.2f} s (1.0x)", "2x", verdict(pareto, 2 * sort_floor)),
            ("  np.argsort of the 3 metrics", f"{big['argsort_floor'][0]:.2f} s "
             f"({big['argsort_floor'][0] / sort_floor:.1f}x)", "", ""),
        ]
    print(f"\n{'measure':<34} {'figure':>24} {'target':>10}  verdict")
    for measure, figure, target, result in rows:
        print(f"{measure:<34} {figure:>24} {target:>10}  {result}")
    if big:
        print("\nCPU time of those runs (user, system; summed over threads):")
        for name, key in (("dimension scores", "dimensions"), ("  their floor", "dimension_floor"),
                          ("80/20 set", "pareto"), ("  its floor", "sort_floor")):
            wall, user, system = big[key]
            print(f"  {name:<20} {wall:5.2f} s: user {user:5.2f} s, system {system:5.2f} s")
        after_free, after_idle = big["fresh_memory"]
        print(f"\nThis machine, touching {big['result_bytes'] / 1e9:.2f} GB of fresh memory (what the dimension scores "
              f"return): {after_free:.2f} s right after as much was freed, {after_idle:.2f} s after {IDLE_SECONDS:.0f} s "
              "idle.\nThe runs above start right after a free (SETTLE_BYTES_PER_CUSTOMER); where the two differ, "
              "memory idle on this machine is taken back by the host and mapped again when touched.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000, help="customers for the pages (0: skip)")
    parser.add_argument("--big", type=int, default=10_000_000, help="customers for the cold paths (0: skip)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each cold path, the median reported")
    parser.add_argument("--db", type=Path, help="database file to build once and reuse")
    args = parser.parse_args()
    results = pages(args.customers, args.db) if args.customers else None
    big = big_timings(args.big, args.repeats) if args.big else None
    report(results, big, args.customers, args.big)


def pages(customers: int, db: Path | None) -> dict:
    """The browser part: the bare page, then every page of the app served on the demo business."""
    with tempfile.TemporaryDirectory() as folder:
        database = db or Path(folder) / "bench.duckdb"
        if not database.exists():
            build_demo_database(database, customers)
        bare = Path(folder) / "bare.py"
        bare.write_text(BARE_APP)
        process, url = serve(database, Path(folder) / "bare.log", seconds=120, script=bare)
        try:
            floor = asyncio.run(bare_loads(url))
        finally:
            stop(process, 30)
        print(f"bare Streamlit page: cold {floor[0]:.2f} s, warm {floor[1]:.2f} s", flush=True)
        log = Path(folder) / "server.log"
        process, url = serve(database, log, 120, warmed_up=True)
        try:
            warm_up = next(line for line in log.read_text().splitlines() if WARMED_UP in line)
            print(f"server up ({warm_up}), RSS {rss_mb(process.pid):.0f} MB; loading pages", flush=True)
            results = asyncio.run(browse(url, process.pid))
            results["floor"] = floor
        finally:
            stop(process, 30)
    return results


if __name__ == "__main__":
    main()
