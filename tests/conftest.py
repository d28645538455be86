"""Shared fixtures: a real DuckDB file in a temp dir, and a demo database built once per run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analytics.demo import DEMO_NAME, generate_demo
from analytics.ingest import write_upload
from analytics.store import DB_PATH_ENV, Store


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
