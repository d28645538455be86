"""Shared fixtures (a real DuckDB file in a temp dir, a demo database built once per run, a local
Spark session) and the ``app``, ``slow`` and ``spark`` markers (declared in pyproject.toml), given
here so no test module has to."""

from __future__ import annotations

import inspect
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles

from analytics import users
from analytics.demo import DEMO_NAME, generate_demo
from analytics.store import DB_PATH_ENV, Store
from analytics.table_uploads import write_upload

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def production_hasher() -> PasswordHasher:
    """Every test in this process hashes passwords with argon2's cheapest parameters: production's
    (RFC 9106, 64 MiB and 3 passes) take a quarter of a second a hash on the shared cores, and the
    lockout test alone checks a password twenty times. Yields the production hasher, whose
    parameters test_auth.py checks; servers and commands the tests start hash as in production."""
    production = users._hasher
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))
        users._dummy_hash.cache_clear()
        yield production
    users._dummy_hash.cache_clear()


@pytest.fixture
def store(tmp_path) -> Store:
    """An empty store on a real database file."""
    opened = Store(tmp_path / "test.duckdb")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def module_store(tmp_path_factory) -> Store:
    """A store shared by one module's tests, for fixtures that write once what those tests only read."""
    opened = Store(tmp_path_factory.mktemp("module") / "test.duckdb")
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


@pytest.fixture(scope="session")
def spark():
    """A local Spark session (one core, no UI), made once per test process: the tested distributed engine."""
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master(SPARK_MASTER).appName("cvd-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.driver.memory", "1g").config("spark.sql.session.timeZone", "UTC").getOrCreate())
    yield session
    session.stop()


SPARK_MASTER = "local[1]"


@pytest.fixture
def spinners(monkeypatch) -> list[str]:
    """The text of every spinner the app opens (AppTest runs it in this process)."""
    import streamlit as st

    shown, spinner = [], st.spinner
    monkeypatch.setattr(st, "spinner", lambda text="", **options: shown.append(text) or spinner(text, **options))
    return shown

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


# A test is an ``app`` test when it uses one of these fixtures, or when its code (or a function,
# class or fixture of its module it calls) names one of APP_NAMES: the app in AppTest, the browser,
# or another Python process (servers, the command line, lock holders, kill tests).
APP_FIXTURES = {"app_database"}
# Tests on a local Spark session (a JVM: slow to start, needs Java) are ``spark`` tests, and ``app``
# tests too, so the fast suite (``-m "not app"``) leaves them out.
SPARK_FIXTURES = {"spark"}
APP_NAMES = {"AppTest", "open_app", "subprocess", "sync_playwright"}
# Long by design, longest first (seconds on the 2-core machine, serial): ``slow`` and ``app``, and
# run first, so that under pytest-xdist they start early while short tests fill the other worker.
SLOW = (
    "test_fuzz.py::test_hostile_files_end_clearly_in_bounded_time_and_memory",  # 500 files, then every page: 50-75 s
    "test_concurrency.py::test_readers_and_uploaders_for_a_minute",  # 60 s by its definition
    "test_browser.py::test_markup_in_uploaded_text_is_shown_as_text_and_fetches_nothing",  # 8 pages in Chromium: 35 s
    "test_durability.py::test_sigkill_at_any_write_phase_leaves_the_before_or_the_after_state",  # 25-30 s
    "test_big_upload.py::test_a_million_rows_commit_exactly_five_times_over",  # 13-22 s
    "test_report.py::test_the_command_line_writes_the_pdf_with_chinese_section_titles_as_text",  # CLI + PDF: 15-20 s
    "test_browser.py::test_report_button_makes_the_report_and_the_browser_downloads_it",  # server and Chromium: 15 s
    "test_browser.py::test_overview_renders_without_an_exception_box",  # server and Chromium: 12-15 s
    "test_report.py::test_pdf_in_english_from_the_same_html",  # Chromium prints: 10-12 s
    "test_report.py::test_key_account_zip_holds_one_review_per_s_and_a_customer",  # 600 reviews: 5 s
    "test_browser.py::test_team_mode_signs_in_with_the_built_in_list_and_shows_the_role_s_pages",  # 15-20 s
    "test_browser.py::test_company_sign_in_through_a_local_openid_provider_maps_the_e_mail_to_a_role",  # 20-90 s
    "test_auth_pages.py::test_first_admin_from_the_command_line_reads_the_password_from_stdin",  # 2 processes: 12 s
    "test_auth_pages.py::test_a_published_setting_is_where_new_sessions_start_and_sliders_stay_private",  # 10 s
    # Whole-pipeline checks of a second or more: the full run keeps them, the fast unit run does not.
    "test_report.py::test_report_in_both_languages_has_every_section_and_the_numbers_of_the_analytics",  # 3-4 s
    "test_lifetime_value.py::test_demo_fits_at_every_split_date",  # 9 fits: 2 s
    "test_report.py::test_report_shows_user_text_as_text",  # 2-3 s
    "test_store.py::test_concurrent_readers_and_a_writer",  # threads: 1.6 s
    "test_concentration_figures.py::test_figure_payloads_stay_small_at_a_million_customers",  # 1.5 s
    "test_report.py::test_return_on_account_resources_when_a_cost_of_service_is_recorded",  # 1-1.7 s
)

# Modules that hold only ``app`` tests (each run that collects one checks it still does): the fast
# run, ``-m "not app"``, does not import them, nor Streamlit's test harness or the servers through them.
APP_MODULES = {
    "test_app.py", "test_auth_pages.py", "test_big_upload.py", "test_browser.py", "test_cli.py",
    "test_concurrency.py", "test_durability.py", "test_overview_page.py", "test_potential_integration.py",
    "test_store_pages.py", "test_value_page.py",
}
FAST_RUN = "not app"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.name in APP_MODULES and " ".join(config.getoption("markexpr").split()) == FAST_RUN:
        return True
    return None


def _names(code: types.CodeType) -> set[str]:
    """Global and attribute names a code object uses, nested functions and comprehensions included."""
    found = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _names(const)
    return found


def _uses_app(function, seen: set) -> bool:
    """Whether ``function`` names an APP_NAMES entry, directly or through its module's own helpers."""
    function = inspect.unwrap(function)
    if function in seen or not hasattr(function, "__code__"):
        return False
    seen.add(function)
    names = _names(function.__code__)
    if names & APP_NAMES:
        return True
    module = sys.modules.get(function.__module__)
    for name in names:
        helper = getattr(module, name, None)
        if getattr(helper, "__module__", None) != function.__module__:
            continue
        if inspect.isclass(helper):
            if any(_uses_app(member, seen) for member in vars(helper).values() if inspect.isfunction(member)):
                return True
        elif inspect.isfunction(helper) and _uses_app(helper, seen):
            return True
    return False


def _is_app_test(item: pytest.Item) -> bool:
    if APP_FIXTURES & set(item.fixturenames):
        return True
    functions = [item.function] + [
        definition.func for definitions in item._fixtureinfo.name2fixturedefs.values() for definition in definitions
    ]
    seen: set = set()
    return any(_uses_app(function, seen) for function in functions)


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects on the markers given here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``app`` and ``slow`` tests (see pyproject.toml), and run the slow ones first."""
    rank = {}
    modules = {}
    for item in items:
        key = f"{item.path.name}::{item.originalname}"
        modules[item.path.name] = item.module
        if key in SLOW:
            rank[item] = SLOW.index(key)
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.app)
        elif _is_app_test(item):
            item.add_marker(pytest.mark.app)
        if SPARK_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.spark)
            item.add_marker(pytest.mark.app)
    stale = [key for key in SLOW if key.split("::")[0] in modules
             and not hasattr(modules[key.split("::")[0]], key.split("::")[1])]
    if stale:
        raise pytest.UsageError(f"tests/conftest.py: SLOW names tests that do not exist: {stale}")
    unmarked = sorted({item.path.name for item in items
                       if item.path.name in APP_MODULES and not item.get_closest_marker("app")})
    missing = sorted(name for name in APP_MODULES if not (ROOT / "tests" / name).exists())
    if unmarked or missing:
        raise pytest.UsageError(f"tests/conftest.py: APP_MODULES names modules with tests that are not app tests "
                                f"{unmarked} or that do not exist {missing}")
    items.sort(key=lambda item: rank.get(item, len(SLOW)))  # stable: every other test keeps its place
