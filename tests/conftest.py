"""Shared fixtures: a real DuckDB file in a temp dir, and a demo database built once per run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.demo import DEMO_NAME, generate_demo
from analytics.ingest import write_upload
from analytics.store import DB_PATH_ENV, Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path) -> Store:
    """An empty store on a real database file."""
    opened = Store(tmp_path / "test.duckdb")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """A database file holding the demo dataset, built once and copied by the tests that need it."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    template = Store(path)
    write_upload(template, generate_demo(), mode="new", digest=None, dataset_name=DEMO_NAME, is_demo=True)
    template.close()
    return path


@pytest.fixture
def app_database(tmp_path, monkeypatch, demo_database) -> Path:
    """Point the app at a private copy of the demo database."""
    path = tmp_path / "app.duckdb"
    shutil.copy(demo_database, path)
    monkeypatch.setenv(DB_PATH_ENV, str(path))
    return path


HOLD_LOCK = """
import sys, time
from analytics.store import Store
held = Store(sys.argv[1])
print("holding", flush=True)
time.sleep(120)
"""


@pytest.fixture
def locked_database(tmp_path):
    """A database file held open for writing by another process, as a second server would find it."""
    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert holder.stdout.readline().strip() == "holding"
    yield path
    holder.kill()
    holder.wait(timeout=30)
