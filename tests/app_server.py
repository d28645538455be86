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
from scripts.serve import WARMED_UP

ROOT = Path(__file__).resolve().parent.parent
SERVE_SCRIPT = str(ROOT / "scripts" / "serve.py")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(database: Path, log: Path, seconds: float = 60, *options: str, port: int | None = None,
          script: Path | None = None, warmed_up: bool = False, **settings: str) -> tuple[subprocess.Popen, str]:
    """The dashboard started the README's way (scripts/serve.py) on ``database`` (headless, output to
    ``log``; ``options``: more Streamlit options, ``settings``: more environment), once it answers its
    health check, and with ``warmed_up`` once its warm-up is done: the process and its URL.
    ``script``: another app, e.g. the benchmark's bare page, started with ``streamlit run``.
    Raises ``RuntimeError`` with the log when it does not start in time."""
    port = port or free_port()
    start = [SERVE_SCRIPT] if script is None else ["-m", "streamlit", "run", str(script)]
    process = subprocess.Popen(
        [sys.executable, *start, "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
         "--browser.gatherUsageStats=false", *options],
        cwd=ROOT, env={**os.environ, DB_PATH_ENV: str(database), **settings}, stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200 and (not warmed_up or WARMED_UP in log.read_text()):
                    return process, url
        except OSError:
            pass
        time.sleep(0.3)
    process.kill()
    process.wait(timeout=20)
    raise RuntimeError("streamlit did not start: " + log.read_text())


def stop(process: subprocess.Popen, seconds: float = 20) -> None:
    """Stop a server as its operator would (SIGTERM). One still running after ``seconds`` is killed,
    so no test leaves it behind, and the caller hears of it: ``subprocess.TimeoutExpired``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=seconds)
        raise
