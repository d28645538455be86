"""Layer boundaries, checked on the source: pages and ui modules reach the store only through the
boundary modules, so the Streamlit side never holds DuckDB cursors or writes SQL of its own."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE = "analytics.store"
# The only Streamlit-side modules that may import the store: the cache and database boundary.
BOUNDARY = {"ui/cache.py", "ui/database.py"}


def store_imports(source: str) -> list[str]:
    """Every import of the store in ``source``, as "line N: statement"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        if any(name == STORE or name.startswith(STORE + ".") for name in names):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def violations() -> dict[str, list[str]]:
    paths = sorted(ROOT.glob("pages/*.py")) + sorted(ROOT.glob("ui/**/*.py"))
    checked = {path.relative_to(ROOT).as_posix(): path for path in paths}
    assert "pages/overview.py" in checked and "ui/filters.py" in checked, "the page and ui modules moved"
    return {
        name: found for name, path in checked.items()
        if name not in BOUNDARY
        and (found := store_imports(path.read_text(encoding="utf-8")))
    }


def test_the_check_finds_every_way_of_importing_the_store():
    source = ("import analytics.store\nfrom analytics.store import Store\nfrom analytics import store\n"
              "from analytics import features, store as db\nimport analytics.features\nfrom analytics import features\n")
    assert [line.split(":")[0] for line in store_imports(source)] == ["line 1", "line 2", "line 3", "line 4"]


def test_pages_and_ui_modules_import_the_store_only_at_the_boundary():
    found = violations()
    assert not found, f"import analytics.store only in {sorted(BOUNDARY)}: {found}"


def test_analytics_runs_without_streamlit():
    """The command line and the report builder load no Streamlit: analytics/ never imports it, and the
    ui modules the report draws with (figures, format, translations) do not either."""
    import subprocess
    import sys

    check = ("import sys, analytics.cli, analytics.report, analytics.report.account; "
             "assert 'streamlit' not in sys.modules, sorted(m for m in sys.modules if 'streamlit' in m)[:5]")
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
