"""Start the dashboard: ``streamlit run app.py`` (arguments passed on), ready before its first visitor.

What ``streamlit run`` alone does not do:

- The first visitor's wait. A fresh server's first page load imports the analytics stack and
  computes the active dataset's features, lifetime-value fit and value model: about 3 s of a 5 s
  first load at 100,000 customers (bench/bench_pages_browser.py). Once the server answers, this
  script runs the app once through Streamlit's script health check (``server.scriptHealthCheckEnabled``,
  an option Streamlit marks internal, switched on only here; tests/test_browser.py checks that the
  first visitor computes nothing again): in a session of its own, on the same code path as a visitor,
  so the results land in the caches every session shares. A visitor who comes sooner waits for the
  same computation, not a second one. In that run (``WARM_UP_ENV`` set) the app also computes what
  the other pages' first visits need beyond it (``ui.models.prefetch``): the Customer page's first
  visit took 2.8-3.3 s at 100,000 customers, most of it valuing the customers a year back. In team
  mode nobody is signed in there: nothing is computed.
- Memory. glibc gives each thread that allocates an arena of its own (up to 8 per core) and Streamlit
  runs every page load on a new thread, so memory freed in one arena stayed with the process.
  ``MALLOC_ARENA_MAX=2`` kept a server three people used about 40 MB smaller at 100,000 customers, no
  slower. And glibc raises the size from which an allocation gets memory of its own (given back
  when freed) to the largest one freed, up to 32 MB: after that, the tens-of-MB tables a page
  builds for a moment were carved out of the shared heap and left it fragmented.
  ``MALLOC_MMAP_THRESHOLD_`` fixed at 4 MB kept the same server another 25-30 MB smaller, no slower
  (at 128 KB, every 100,000-row column was mapped anew: first page loads 0.5-1 s slower). glibc
  reads both when the process starts: the script starts itself again with them, unless the
  environment already sets them.

Run: .venv/bin/python scripts/serve.py [streamlit options, e.g. --server.port 8502]
"""

from __future__ import annotations

import os
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"
# glibc's allocator settings (see above); values the environment gives are kept.
ALLOCATOR = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": str(4 * 1024 * 1024)}
# How long the server may take to answer after start before the warm-up gives up (it only helps).
ANSWER_SECONDS = 120
# What the warm-up prints when it is done: bench/ and tests/ wait for it.
WARMED_UP = "Warm-up done in"
# Set while the warm-up's run of the app lasts: app.py then prefetches (see above).
WARM_UP_ENV = "CVD_WARMING_UP"


def main(arguments: list[str]) -> None:
    if not ALLOCATOR.keys() <= os.environ.keys():
        os.execve(sys.executable, [sys.executable, __file__, *arguments], {**ALLOCATOR, **os.environ})
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    # The app navigates with st.navigation. Streamlit assumes the older pages/-folder app until a
    # first run says otherwise, and a session that starts meanwhile runs a page file without app.py
    # (ui/database.py then restarts it): said here, before the first session.
    PagesManager.uses_pages_directory = False
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    cli.main(["run", str(APP), "--server.scriptHealthCheckEnabled=true", *arguments], prog_name="streamlit")


def warm_up() -> None:
    """Once the server answers, run the app once (its default page), then say how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < ANSWER_SECONDS:
        time.sleep(0.2)
        base, context = _server_address()
        try:
            with urllib.request.urlopen(f"{base}_stcore/health", timeout=2, context=context):
                break
        except OSError:
            continue
    else:
        print(f"Warm-up skipped: the server did not answer within {ANSWER_SECONDS} s.", flush=True)
        return
    os.environ[WARM_UP_ENV] = "1"
    try:  # one run of the app in a session of its own; the server answers when it ends
        with urllib.request.urlopen(f"{base}_stcore/script-health-check", context=context) as response:
            outcome = response.read().decode()
    except urllib.error.HTTPError as error:  # 503: the app raised
        outcome = f"HTTP {error.code} {error.read().decode()[:200]}"
        if error.code == 503:
            outcome += ": the app stopped on an error, which its first visitor will see"
    except OSError as error:
        outcome = f"not run: {error}"
    finally:
        os.environ.pop(WARM_UP_ENV, None)
    print(f"{WARMED_UP} {time.monotonic() - started:.1f} s ({outcome}).", flush=True)


def _server_address() -> tuple[str, ssl.SSLContext | None]:
    """The server's own address as Streamlit's options say (read again on each try: the command-line
    options are applied while the server starts), and the TLS context for calling it."""
    from streamlit import config

    host = config.get_option("server.address") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    base_path = (config.get_option("server.baseUrlPath") or "").strip("/")
    context = None
    scheme = "http"
    if config.get_option("server.sslCertFile"):
        # Our own server on its own address: its certificate names the public host, not this one.
        scheme, context = "https", ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return f"{scheme}://{host}:{config.get_option('server.port')}/{base_path + '/' if base_path else ''}", context


if __name__ == "__main__":
    main(sys.argv[1:])
