"""Layer boundaries, checked on the source: the entry script, pages and ui modules reach the store only
through the boundary modules, so the Streamlit side never holds DuckDB cursors or writes SQL of its own;
and analytics never imports the presentation side (``ui``), except the command line, its entry point."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE = "analytics.store"
# The only Streamlit-side modules that may import the store: the cache and database boundary.
BOUNDARY = {"ui/cache.py", "ui/database.py"}
UI = "ui"
# The only analytics module that may import ui: the command line (translations, the report's files).
ENTRY_POINT = "analytics/cli.py"


def imports_of(module: str, source: str) -> list[str]:
    """Every import of ``module`` (or a module under it) in ``source``, as "line N: statement"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        if any(name == module or name.startswith(module + ".") for name in names):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def store_imports(source: str) -> list[str]:
    """Every import of the store in ``source``, as "line N: statement"."""
    return imports_of(STORE, source)


def violations() -> dict[str, list[str]]:
    paths = [ROOT / "app.py"] + sorted(ROOT.glob("pages/*.py")) + sorted(ROOT.glob("ui/**/*.py"))
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


def test_the_check_finds_every_way_of_importing_ui():
    source = ("import ui\nimport ui.format\nfrom ui import format as fmt\nfrom ui.report import account\n"
              "import uikit\nfrom analytics import ui_helpers\nfrom . import ui\n")
    assert [line.split(":")[0] for line in imports_of(UI, source)] == ["line 1", "line 2", "line 3", "line 4"]


def test_analytics_imports_no_ui_but_the_command_line():
    paths = sorted(ROOT.glob("analytics/**/*.py"))
    checked = {path.relative_to(ROOT).as_posix(): path for path in paths}
    assert "analytics/report/data.py" in checked and ENTRY_POINT in checked, "the analytics modules moved"
    found = {name: hits for name, path in checked.items()
             if name != ENTRY_POINT and (hits := imports_of(UI, path.read_text(encoding="utf-8")))}
    assert not found, f"analytics/ imports no ui module (only {ENTRY_POINT} may): {found}"


def test_analytics_runs_without_streamlit():
    """The command line and the report builder load no Streamlit: analytics/ never imports it, and the
    ui modules they use (the report's writer, sections and PDF printer, figures, format, translations)
    do not either."""
    import subprocess
    import sys

    check = ("import sys, analytics.cli, analytics.report, analytics.report.account, ui.report, ui.report.account, "
             "ui.report.pdf; "
             "assert 'streamlit' not in sys.modules, sorted(m for m in sys.modules if 'streamlit' in m)[:5]")
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_pages_modules_load_no_pdf_or_clustering_library():
    """scikit-learn (about 45 MB) and pypdf (15 MB) are loaded by the first clustering and the first
    PDF, not by every server process: every session's pages import the cache and the report buttons."""
    import subprocess
    import sys

    check = ("import sys, ui.cache, ui.report_actions, ui.figures.concentration, ui.figures.value; "
             "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'pypdf', 'sklearn'}); "
             "assert not loaded, loaded")
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_only_the_store_applies_the_schema():
    """analytics/schema.py is DDL text; the store is the one module that runs it."""
    sources = [ROOT / "app.py"] + sorted(ROOT.glob("pages/*.py")) + sorted(ROOT.glob("ui/**/*.py")) + sorted(
        ROOT.glob("analytics/**/*.py"))
    importers = {path.relative_to(ROOT).as_posix() for path in sources
                 if imports_of("analytics.schema", path.read_text(encoding="utf-8"))}
    assert importers == {"analytics/store.py"}


def test_pages_draw_tables_through_ui_tables():
    """One owner for how a table shows a missing value or no rows: pages call tables.dataframe."""
    callers = [path.name for path in sorted(ROOT.glob("pages/*.py"))
               if "st.dataframe(" in path.read_text(encoding="utf-8")]
    assert callers == []
    assert "tables.dataframe(" in (ROOT / "pages" / "value_model.py").read_text(encoding="utf-8")
