"""Sign-in and roles on the pages (AppTest), and the first admin from the command line.

A control a role cannot use is disabled with the reason; a browser that sends the click anyway
(a tampered client: here the test switches the widget back on) is refused by analytics/ and the
database stays as it was."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from analytics import auth, presets, users
from analytics.demo import DEMO_NAME
from analytics.store import Store, open_store
from tests.app_harness import open_app, rerun, texts
from tests.test_auth import PASSWORD, state

ROOT = Path(__file__).resolve().parent.parent
ADMIN = auth.Actor("setup", "admin")


@pytest.fixture
def team(app_database, monkeypatch) -> Store:
    """The app in team mode on a copy of the demo database, with one user per role (named after it)."""
    monkeypatch.setenv(auth.MODE_ENV, "team")
    store = open_store(str(app_database))
    for role in auth.ROLES:
        users.add_user(store, ADMIN, role, role, PASSWORD)
    return store


def signed_in(role: str, page: str | None = None, **session):
    return open_app(page, auth_user=(role, datetime.now()), **session)


def click(app, button, forced: bool = False):
    """Click and run; ``forced`` sends the click on a disabled button, as a tampered browser could."""
    if forced:
        button.proto.disabled = False
    button.click()
    return rerun(app)


def test_local_mode_needs_no_sign_in_and_says_so(app_database, monkeypatch):
    monkeypatch.delenv(auth.MODE_ENV, raising=False)
    app = open_app()
    assert "Local mode: no sign-in." in texts(app.sidebar.caption)
    app.switch_page("pages/data.py")
    rerun(app)
    app.segmented_control(key="data_section").set_value("datasets")
    rerun(app)
    assert not app.button(key="manage_rename").disabled and not app.button(key="manage_delete").disabled
    assert app.title[0].value == "Data"


def test_team_mode_shows_only_the_sign_in_page_until_signed_in(team):
    app = open_app()
    assert [title.value for title in app.title] == ["Sign in"]
    failures = []
    for name, password in (("nobody", PASSWORD), ("viewer", "wrong password")):
        app.text_input[0].input(name)
        app.text_input[1].input(password)
        click(app, app.button[0])
        assert [title.value for title in app.title] == ["Sign in"]
        failures.append(texts(app.error))
    assert failures[0] == failures[1] and "wrong" in failures[0][0]  # one message: no user enumeration
    assert "password" not in repr(app.session_state).lower().replace("or password is wrong", "")
    app.text_input[0].input("viewer")
    app.text_input[1].input(PASSWORD)
    click(app, app.button[0])
    assert app.title[0].value == "Overview"
    assert "Signed in as viewer (viewer)" in texts(app.sidebar.caption)
    assert PASSWORD not in repr(app.session_state)


def test_an_expired_session_signs_out(team):
    app = open_app(auth_user=("admin", datetime.now() - timedelta(hours=auth.SESSION_HOURS, minutes=1)))
    assert [title.value for title in app.title] == ["Sign in"]
    assert any("ended after 8 hours" in text for text in texts(app.warning))


# Which Data page writes each role may make: (rename, rollback, delete).
DATA_RIGHTS = {"viewer": (False, False, False), "strategist": (False, False, False),
               "uploader": (True, True, False), "admin": (True, True, True)}


@pytest.mark.parametrize("role", auth.ROLES)
def test_data_page_writes_follow_the_role_and_a_forced_click_changes_nothing(team, role):
    app = signed_in(role, "pages/data.py")
    upload_refused = [text for text in texts(app.info) if "Uploading needs the uploader or admin role" in text]
    assert bool(upload_refused) == (role in ("viewer", "strategist"))
    app.segmented_control(key="data_section").set_value("datasets")
    rerun(app)
    rename, rollback, delete = (app.button(key=key) for key in ("manage_rename", "manage_rollback", "manage_delete"))
    assert (not rename.disabled, not rollback.disabled, not delete.disabled) == DATA_RIGHTS[role]
    if delete.disabled:
        assert "needs the admin role" in delete.help and f"signed in as {role}" in delete.help
        app.text_input(key=next(w.key for w in app.text_input if w.key.startswith("delete_"))).input(DEMO_NAME)
    if rename.disabled:
        assert "needs the uploader or admin role" in rename.help
    before = state(team)
    for key, allowed in zip(("manage_rename", "manage_rollback", "manage_delete"), DATA_RIGHTS[role]):
        if not allowed:
            click(app, app.button(key=key), forced=True)
    assert state(team) == before


# Which Value model writes each role may make: (save preset, publish shared settings).
VALUE_RIGHTS = {"viewer": (False, False), "strategist": (True, True), "uploader": (False, False),
                "admin": (True, True)}


@pytest.mark.parametrize("role", auth.ROLES)
def test_value_page_preset_and_publish_follow_the_role(team, role):
    app = signed_in(role, "pages/value_model.py", value_preset_name="Board")
    save, publish = app.button(key="value_preset_save"), app.button(key="value_shared_publish")
    assert (not save.disabled, not publish.disabled) == VALUE_RIGHTS[role]
    if not VALUE_RIGHTS[role][0]:
        assert "needs the strategist or admin role" in save.help and f"signed in as {role}" in publish.help
        return
    click(app, save)
    click(app, app.button(key="value_shared_publish"))
    assert [p.name for p in presets.list_presets(team)][-1] == "Board"
    assert presets.shared_settings(team) is not None
    actions = team.rows("SELECT actor, action FROM audit_log WHERE action IN ('preset_save', 'shared_publish')")
    assert sorted(actions) == [(role, "preset_save"), (role, "shared_publish")]


def test_a_role_taken_away_while_the_page_is_open_is_refused_by_analytics(team):
    """The page was drawn while the user could save; an admin demotes them before the click: the
    button's callback still runs, and analytics/ refuses the write."""
    app = signed_in("strategist", "pages/value_model.py", value_preset_name="Board")
    users.set_role(team, ADMIN, "strategist", "viewer")
    before = state(team)
    click(app, app.button(key="value_preset_save"))
    assert any("needs the strategist or admin role; you are signed in as viewer" in text for text in texts(app.error))
    assert app.button(key="value_preset_save").disabled
    assert state(team) == before


def test_a_published_setting_is_where_new_sessions_start_and_sliders_stay_private(team):
    strategist = signed_in("strategist", "pages/value_model.py")
    assert any("own scratch set" in text for text in texts(strategist.caption))
    strategist.slider(key="weight_economic").set_value(4.0)
    rerun(strategist)
    viewer = signed_in("viewer", "pages/value_model.py")
    assert viewer.slider(key="weight_economic").value == 1.0  # a strategist's sliders are theirs alone
    click(strategist, strategist.button(key="value_shared_publish"))
    assert presets.shared_settings(team).weights["economic"] == 4.0
    viewer = signed_in("viewer", "pages/value_model.py")
    assert viewer.slider(key="weight_economic").value == 4.0


def test_the_admin_page_is_for_admins_and_adds_users_with_an_audit_row(team):
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not among an uploader's pages
        signed_in("uploader", "pages/admin.py")
    app = signed_in("admin", "pages/admin.py")
    assert app.title[0].value == "Admin"
    for user in ("admin", "strategist"):  # the role box starts at the picked user's role, never demoting by accident
        app.selectbox(key="admin_pick_user").set_value(user)
        rerun(app)
        assert app.selectbox(key=f"admin_role_of_{user}").value == user
    form = [w for w in app.text_input if w.label in ("User name", "Password")]
    form[0].input("newbie")
    form[1].input("short")
    click(app, app.button[0])
    assert any("at least 10 characters" in text for text in texts(app.error))
    assert users.role_of(team, "newbie") is None
    form = [w for w in app.text_input if w.label in ("User name", "Password")]
    form[0].input("newbie")
    form[1].input(PASSWORD)
    click(app, app.button[0])
    assert users.role_of(team, "newbie") == "viewer"
    assert team.row("SELECT actor, action FROM audit_log ORDER BY audit_id DESC LIMIT 1") == ("admin", "user_add")


def test_first_admin_from_the_command_line_reads_the_password_from_stdin(tmp_path):
    db = tmp_path / "cli.duckdb"
    command = [sys.executable, "-m", "analytics.cli", "user", "add", "boss", "--role", "admin", "--db", str(db)]
    done = subprocess.run(command, input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    short = subprocess.run([*command[:5], "other", *command[6:]], input="short\n", capture_output=True, text=True,
                           cwd=ROOT, timeout=120)
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    store = Store(db)
    assert users.authenticate(store, "boss", PASSWORD) == auth.Actor("boss", "admin")
    assert store.rows("SELECT actor, action FROM audit_log ORDER BY audit_id")[:1] == [("command line", "user_add")]
    assert users.role_of(store, "other") is None
    store.close()


# Where each page's thresholds are published: (page, an input's key, the value a strategist enters,
# the session values that show the section holding them).
THRESHOLD_PAGES = {"risk": ("pages/concentration.py", "risk_top_n", 3, {"conc_section": "risk"}),
                   "stages": ("pages/lifecycle.py", "life_th_new_days", 90, {})}


@pytest.mark.parametrize("kind", sorted(THRESHOLD_PAGES))
def test_published_thresholds_are_where_new_sessions_start_and_viewers_cannot_publish(team, kind):
    page, key, entered, section = THRESHOLD_PAGES[kind]
    strategist = signed_in("strategist", page, **section)
    default = strategist.number_input(key=key).value
    strategist.number_input(key=key).set_value(entered)
    rerun(strategist)
    viewer = signed_in("viewer", page, **section)
    assert viewer.number_input(key=key).value == default  # a strategist's entries are theirs alone
    publish = viewer.button(key=f"{kind}_thresholds_publish")
    assert publish.disabled and "needs the strategist or admin role" in publish.help
    before = state(team)
    click(viewer, publish, forced=True)
    assert state(team) == before and presets.shared_thresholds(team, kind) is None

    click(strategist, strategist.button(key=f"{kind}_thresholds_publish"))
    assert "new sessions start from these thresholds" in " ".join(texts(strategist.success))
    assert team.row("SELECT actor, action FROM audit_log ORDER BY audit_id DESC LIMIT 1") == (
        "strategist", "thresholds_publish")
    viewer = signed_in("viewer", page, **section)
    assert viewer.number_input(key=key).value == entered
    viewer.number_input(key=key).set_value(default)
    rerun(viewer)
    click(viewer, viewer.button(key=f"{kind}_thresholds_load"))  # back to the shared ones
    assert viewer.number_input(key=key).value == entered
