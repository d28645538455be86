"""The dashboard's real server on a free port, shared by the browser tests and bench/bench_pages_browser.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from analytics.store import DB_PATH_ENV

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(database: Path, log: Path, seconds: float = 60, *options: str, port: int | None = None,
          script: Path = ROOT / "app.py", **settings: str) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on ``database`` (headless, output to ``log``; ``options``: more Streamlit
    options, ``script``: another app, e.g. the benchmark's bare page, ``settings``: more environment),
    once it answers its health check: the process and its URL.
    Raises ``RuntimeError`` with the log when it does not start in time."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", *options],
        cwd=ROOT, env={**os.environ, DB_PATH_ENV: str(database), **settings}, stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    process.wait(timeout=20)
    raise RuntimeError("streamlit did not start: " + log.read_text())
