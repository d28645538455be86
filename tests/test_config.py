"""What .streamlit/config.toml promises: no usage statistics, the viewer's toolbar, and the upload
limit set in that one place, the same for Streamlit and for the readers."""

import ast
import tomllib
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

from analytics import sources

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".streamlit" / "config.toml"


def project_config() -> dict:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def streamlit_option(name: str, monkeypatch):
    """The option as Streamlit reads it for `streamlit run` from the repository root."""
    monkeypatch.chdir(ROOT)  # streamlit run reads .streamlit/config.toml from the working directory
    try:
        streamlit_config.get_config_options(force_reparse=True)
        return streamlit_config.get_option(name)
    finally:
        streamlit_config.get_config_options(force_reparse=True)


def test_no_usage_statistics_and_no_deploy_button():
    settings = project_config()
    assert settings["browser"]["gatherUsageStats"] is False
    assert settings["client"]["toolbarMode"] == "viewer"


def test_the_server_does_not_watch_the_checkout_for_changes(monkeypatch):
    """Watching the repository (and its .venv) slowed every page load; developers opt in per run."""
    assert project_config()["server"]["fileWatcherType"] == "none"
    assert streamlit_option("server.fileWatcherType", monkeypatch) == "none"


def test_streamlit_and_the_readers_enforce_the_one_upload_limit(monkeypatch):
    megabytes = project_config()["server"]["maxUploadSize"]
    assert sources.STREAMLIT_CONFIG == CONFIG
    assert sources.MAX_UPLOAD_BYTES == megabytes * 1024 * 1024  # Streamlit's megabytes are 2**20 bytes
    assert streamlit_option("server.maxUploadSize", monkeypatch) == megabytes
    uploaders = [
        (path.name, node) for path in sorted(ROOT.glob("pages/*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "file_uploader"
    ]
    assert uploaders, "no page has a file uploader any more"
    overrides = [(name, node.lineno) for name, node in uploaders
                 if any(keyword.arg == "max_upload_size" for keyword in node.keywords)]
    assert overrides == [], "a file_uploader sets its own limit instead of server.maxUploadSize"


def test_a_config_without_the_limit_is_refused_with_its_name(tmp_path):
    broken = tmp_path / "config.toml"
    broken.write_text("[server]\nheadless = true\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="maxUploadSize"):
        sources._upload_limit_bytes(broken)
    broken.write_text("[server]\nmaxUploadSize = 1\n", encoding="utf-8")
    assert sources._upload_limit_bytes(broken) == 1024 * 1024


def test_no_page_needs_magic_which_is_off():
    """Magic is off (every page load would recompile the scripts with it); a bare expression in the
    entry script or a page would then show nothing instead of its value."""
    assert project_config()["runner"] == {"magicEnabled": False, "postScriptGC": False}
    shown_by_magic = [
        (path.name, node.lineno) for path in [ROOT / "app.py", *sorted(ROOT.glob("pages/*.py"))]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Expr) and not isinstance(node.value, ast.Call)
        and not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))  # docstrings
    ]
    assert shown_by_magic == []

