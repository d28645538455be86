"""Roles, refusals and the audit trail in analytics/: every write checks the acting user before it
touches the database, and commits its audit row with it; the built-in user list's sign-in."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from argon2 import extract_parameters, profiles

from analytics import audit, auth, datasets, external, ingest, presets, table_uploads, users
from analytics.auth import ROLES, Actor, PermissionDenied
from analytics.concentration import RiskThresholds
from analytics.lifecycle import StageThresholds
from analytics.mapping import suggest_mapping
from analytics.readers import open_upload
from analytics.store import Store
from analytics.validation import check, default_choices

FIRST = "customer,date,amount,cost\nA,2024-01-01,100,60\nB,2024-01-02,50,40\n"
SECOND = "customer,date,amount,cost\nC,2024-03-01,70,20\n"
MASTER = "customer,name,region\nA,Alpha,North\n"
PASSWORD = "correct horse battery"
ACTORS = {role: Actor(f"{role}-user", role) for role in ROLES}


def validated(text: str, filename: str = "orders.csv"):
    raw = open_upload(filename, text.encode("utf-8"))
    return table_uploads.validate_transactions(raw, suggest_mapping(list(raw.frame.columns)))


def commit_file(store, actor, text, mode="new", dataset_id=None, filename="file.csv"):
    """A file through the upload path the Data page and the command line use."""
    source = open_upload(filename, text.encode("utf-8"))
    choices = default_choices(source, suggest_mapping(source.headers))
    return ingest.commit(store, source, choices, check(source, choices), mode=mode, dataset_id=dataset_id,
                         dataset_name="Sales", actor=actor)


def master_file(store, actor, dataset_id):
    source = open_upload("master.csv", MASTER.encode("utf-8"))
    choices = default_choices(source, suggest_mapping(source.headers))
    return ingest.commit_customer_master(store, source, choices, check(source, choices, "customers"), dataset_id,
                                         actor=actor)


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory) -> Path:
    """A dataset with one upload, a saved preset, one admin and one viewer, a domain mapping: written
    once and copied for each test."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.duckdb"
    store = Store(path)
    admin = auth.LOCAL_ACTOR
    table_uploads.write_upload(store, validated(FIRST), mode="new", digest=None, dataset_name="Sales", actor=admin)
    presets.save_preset(store, "Mine", {"economic": 2.0}, actor=admin)
    users.add_user(store, admin, "boss", "admin", PASSWORD)
    users.add_user(store, admin, "reader", "viewer", PASSWORD)
    auth.set_role_mapping(store, admin, "example.com", "viewer")
    store.close()
    return path


@pytest.fixture
def seeded(seeded_file, tmp_path) -> Store:
    path = tmp_path / "seeded.duckdb"
    shutil.copy(seeded_file, path)
    opened = Store(path)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def seeded_for_refusals(seeded_file, tmp_path_factory) -> Store:
    """One copy for every refused write: each test checks that its refusal left it unchanged."""
    path = tmp_path_factory.mktemp("refusals") / "seeded.duckdb"
    shutil.copy(seeded_file, path)
    opened = Store(path)
    yield opened
    opened.close()


def state(store: Store) -> dict:
    """Every table's rows, sorted: what "the database is unchanged" compares."""
    tables = [name for (name,) in store.rows("SELECT table_name FROM duckdb_tables() ORDER BY 1")]
    return {name: sorted(map(repr, store.rows(f'SELECT * FROM "{name}"'))) for name in tables}


def dataset_id(store) -> int:
    return store.scalar("SELECT max(dataset_id) FROM datasets")


def upload_id(store) -> int:
    return store.scalar("SELECT max(upload_id) FROM uploads WHERE rolled_back IS NULL")


def lake_file(store: Store) -> Path:
    """A DuckDB file beside the store's with an ``orders`` table: an external source to register."""
    path = Path(store.path).with_name("lake.duckdb")
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE OR REPLACE TABLE orders AS SELECT 'k1' AS cust_no, DATE '2024-01-02' AS dt,"
                           " 10.5 AS amount")
    return path


# Every write the app has: (permission, audit action, the write as the given actor).
WRITES = {
    "upload_new": ("upload", "upload", lambda s, a: commit_file(s, a, SECOND)),
    "upload_append": ("upload", "upload", lambda s, a: commit_file(s, a, SECOND, "append", dataset_id(s))),
    "upload_replace": ("upload", "upload", lambda s, a: commit_file(s, a, SECOND, "replace", dataset_id(s))),
    "upload_frame": ("upload", "upload", lambda s, a: table_uploads.write_upload(
        s, validated(SECOND), mode="append", digest=None, dataset_id=dataset_id(s), actor=a)),
    "customer_master": ("upload", "upload", lambda s, a: master_file(s, a, dataset_id(s))),
    "rename": ("rename", "rename", lambda s, a: datasets.rename_dataset(s, dataset_id(s), "Renamed", actor=a)),
    "rollback": ("rollback", "rollback", lambda s, a: datasets.rollback_upload(s, upload_id(s), actor=a)),
    "delete_dataset": ("delete_dataset", "delete_dataset",
                       lambda s, a: datasets.delete_dataset(s, dataset_id(s), actor=a)),
    "save_preset": ("preset", "preset_save", lambda s, a: presets.save_preset(s, "Mine", {"potential": 1}, actor=a)),
    "delete_preset": ("preset", "preset_delete", lambda s, a: presets.delete_preset(s, "Mine", actor=a)),
    "publish_shared": ("publish", "shared_publish", lambda s, a: presets.publish_shared(
        s, {"economic": 3}, "by_value_share", {"S": 0.5, "A": 0.3, "B": 0.15}, actor=a)),
    "publish_risk": ("publish", "thresholds_publish", lambda s, a: presets.publish_thresholds(
        s, RiskThresholds(top_n=3), actor=a)),
    "publish_stages": ("publish", "thresholds_publish", lambda s, a: presets.publish_thresholds(
        s, StageThresholds(new_days=90), actor=a)),
    "add_source": ("sources", "source_add", lambda s, a: external.add_source(
        s, "Lake", "duckdb", str(lake_file(s)), "orders", {"customer_id": "cust_no", "order_date": "dt",
                                                         "revenue": "amount"}, actor=a)),
    "add_user": ("users", "user_add", lambda s, a: users.add_user(s, a, "newbie", "uploader", PASSWORD)),
    "set_role": ("users", "user_role", lambda s, a: users.set_role(s, a, "reader", "strategist")),
    "set_password": ("users", "user_password", lambda s, a: users.set_password(s, a, "reader", PASSWORD + "!")),
    "remove_user": ("users", "user_remove", lambda s, a: users.remove_user(s, a, "reader")),
    "role_mapping": ("users", "role_mapping",
                     lambda s, a: auth.set_role_mapping(s, a, "ceo@example.com", "strategist")),
}


def test_the_roles_hold_the_rights_the_issue_names():
    assert not auth.GRANTS["viewer"]
    assert auth.GRANTS["strategist"] == {"preset", "publish"}
    assert auth.GRANTS["uploader"] == {"upload", "rename", "rollback"}
    assert auth.GRANTS["admin"] == set(auth.PERMISSIONS)
    assert {permission for permission, _, _ in WRITES.values()} == set(auth.PERMISSIONS) - {"audit"}


PAIRS = [(write, role) for write in sorted(WRITES) for role in ROLES]


@pytest.mark.parametrize(("write", "role"), [pair for pair in PAIRS if not ACTORS[pair[1]].can(WRITES[pair[0]][0])])
def test_every_write_is_refused_without_the_right(seeded_for_refusals, write, role):
    permission, _, run = WRITES[write]
    before = state(seeded_for_refusals)
    with pytest.raises(PermissionDenied) as refused:
        run(seeded_for_refusals, ACTORS[role])
    assert refused.value.code == permission
    assert state(seeded_for_refusals) == before  # nothing written, not even an audit row or a failed-attempt count


@pytest.mark.parametrize(("write", "role"), [pair for pair in PAIRS if ACTORS[pair[1]].can(WRITES[pair[0]][0])])
def test_every_write_with_the_right_is_audited(seeded, write, role):
    _, action, run = WRITES[write]
    actor = ACTORS[role]
    before = state(seeded)
    audit_rows = seeded.scalar("SELECT count(*) FROM audit_log")
    run(seeded, actor)
    rows = seeded.rows("SELECT actor, role, action, details FROM audit_log WHERE audit_id > ? ORDER BY audit_id",
                       [audit_rows])
    assert [(name, got_role, got_action) for name, got_role, got_action, _ in rows] == [(actor.name, role, action)]
    assert state(seeded) != before


def test_audit_rows_carry_file_counts_and_presets_before_and_after(seeded):
    admin = ACTORS["admin"]
    outcome = commit_file(seeded, admin, SECOND, "append", dataset_id(seeded), filename="june.csv")
    presets.save_preset(seeded, "Mine", {"potential": 1.0}, actor=admin)
    trail = audit.audit_frame(seeded, admin)
    upload_row, preset_row = trail.iloc[1], trail.iloc[0]
    details = json.loads(upload_row["details"])
    assert upload_row["dataset_name"] == "Sales" and upload_row["dataset_id"] == outcome.dataset_id
    assert (details["file"], details["mode"], details["rows_inserted"], details["rows_rejected"]) == (
        "june.csv", "append", 1, 0)
    change = json.loads(preset_row["details"])
    assert change["preset"] == "Mine" and change["before"]["economic"] == 2.0 and change["after"]["potential"] == 1.0


def test_a_failed_write_leaves_no_audit_row_because_both_share_one_transaction(seeded, monkeypatch):
    before = state(seeded)
    original = audit.record

    def record_then_fail(cur, *args, **kwargs):
        original(cur, *args, **kwargs)
        raise RuntimeError("disk full after the audit row")

    monkeypatch.setattr(audit, "record", record_then_fail)
    with pytest.raises(RuntimeError):
        datasets.rename_dataset(seeded, dataset_id(seeded), "Renamed", actor=ACTORS["admin"])
    with pytest.raises(RuntimeError):
        commit_file(seeded, ACTORS["uploader"], SECOND, "append", dataset_id(seeded))
    assert state(seeded) == before
    with pytest.raises(KeyError):  # a write that fails before its audit row: none either
        monkeypatch.undo()
        presets.delete_preset(seeded, "Nobody's", actor=ACTORS["admin"])
    assert state(seeded) == before


def test_the_audit_trail_is_for_admins_and_exports_formula_safe(seeded):
    users.add_user(seeded, ACTORS["admin"], "=HYPERLINK(1)", "viewer", PASSWORD)
    assert users.authenticate(seeded, "=HYPERLINK(1)", PASSWORD) is not None  # its sign-in row names it as actor
    for role in ("viewer", "strategist", "uploader"):
        with pytest.raises(PermissionDenied):
            audit.audit_frame(seeded, ACTORS[role])
    exported = audit.audit_csv(seeded, ACTORS["admin"]).decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and ",=HYPERLINK" not in exported
    assert "user_add" in exported


def test_deleting_a_dataset_keeps_its_audit_rows(seeded):
    dataset = dataset_id(seeded)
    datasets.delete_dataset(seeded, dataset, actor=ACTORS["admin"])
    actions = [a for (a,) in seeded.rows("SELECT action FROM audit_log WHERE dataset_id = ? ORDER BY audit_id",
                                         [dataset])]
    assert actions == ["upload", "delete_dataset"]


def test_local_mode_acts_as_the_local_admin_and_team_mode_needs_an_actor(store, monkeypatch):
    monkeypatch.delenv(auth.MODE_ENV, raising=False)
    assert auth.configured_mode() == "local" and auth.acting(None) == auth.LOCAL_ACTOR
    presets.save_preset(store, "Local", {"economic": 1.0})
    assert store.row("SELECT actor, role FROM audit_log") == ("local", "admin")
    monkeypatch.setenv(auth.MODE_ENV, "team")
    before = state(store)
    with pytest.raises(TypeError, match="acting user"):
        presets.save_preset(store, "Team", {"economic": 1.0})
    with pytest.raises(TypeError):
        presets.save_preset(store, "Team", {"economic": 1.0}, actor="admin")
    assert state(store) == before


def test_passwords_are_stored_as_argon2_hashes_only(seeded):
    hashes = [h for (h,) in seeded.rows("SELECT password_hash FROM users")]
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    trail = seeded.rows("SELECT CAST(details AS VARCHAR) FROM audit_log")
    assert not any(PASSWORD in details for (details,) in trail)
    with pytest.raises(users.UserError) as short:
        users.add_user(seeded, ACTORS["admin"], "x", "viewer", "short")
    assert short.value.code == "short_password"


def test_production_hashes_with_the_strong_parameters_the_tests_swap_for_cheap_ones(production_hasher):
    strong = profiles.RFC_9106_LOW_MEMORY
    assert (production_hasher.type, production_hasher.time_cost, production_hasher.memory_cost,
            production_hasher.parallelism) == (strong.type, strong.time_cost, strong.memory_cost, strong.parallelism)
    assert extract_parameters(users._hasher.hash(PASSWORD)) == profiles.CHEAPEST  # conftest.py's


def test_sign_in_locks_after_repeated_failures_and_unlocks_later(seeded):
    now = datetime(2026, 1, 1, 9, 0)
    assert users.authenticate(seeded, "boss", PASSWORD, now) == Actor("boss", "admin")
    assert users.authenticate(seeded, "BOSS", PASSWORD, now) == Actor("boss", "admin")  # names ignore case
    for _ in range(users.MAX_FAILURES - 1):
        assert users.authenticate(seeded, "boss", "wrong password", now) is None
    assert users.authenticate(seeded, "boss", PASSWORD, now) is not None  # a success resets the count
    for _ in range(users.MAX_FAILURES):
        assert users.authenticate(seeded, "boss", "wrong password", now) is None
    assert users.authenticate(seeded, "boss", PASSWORD, now + timedelta(minutes=1)) is None  # locked: even the right one
    assert seeded.scalar("SELECT count(*) FROM audit_log WHERE action = 'sign_in_locked'") == 1
    assert users.authenticate(seeded, "boss", PASSWORD, now + users.LOCKOUT + timedelta(seconds=1)) is not None
    # An admin's new password lifts a lockout at once.
    for _ in range(users.MAX_FAILURES):
        users.authenticate(seeded, "reader", "wrong password", now)
    users.set_password(seeded, ACTORS["admin"], "reader", PASSWORD + "2")
    assert users.authenticate(seeded, "reader", PASSWORD + "2", now) == Actor("reader", "viewer")


def test_unknown_names_cost_a_hash_check_and_get_the_same_answer(seeded, monkeypatch):
    checked = []
    hasher = users._hasher

    class Counting:
        hash = staticmethod(hasher.hash)

        def verify(self, hashed, password):
            checked.append(hashed)
            return hasher.verify(hashed, password)

    monkeypatch.setattr(users, "_hasher", Counting())
    before = state(seeded)
    assert users.authenticate(seeded, "nobody", PASSWORD) is None
    assert users.authenticate(seeded, "boss", "wrong password") is None
    assert len(checked) == 2 and all(h.startswith("$argon2id$") for h in checked)
    assert checked[0] != checked[1]  # the unknown name was checked against the dummy hash
    after = state(seeded)
    assert after["audit_log"] == before["audit_log"]  # nothing recorded that would tell names apart
    assert after["users"] != before["users"]  # only the known user's failure count moved


def test_the_last_admin_cannot_be_removed_or_demoted(seeded):
    admin = ACTORS["admin"]
    for change in (lambda: users.remove_user(seeded, admin, "boss"), lambda: users.set_role(seeded, admin, "boss", "viewer")):
        with pytest.raises(users.UserError) as refused:
            change()
        assert refused.value.code == "last_admin"
    users.add_user(seeded, admin, "second", "admin", PASSWORD)
    users.remove_user(seeded, admin, "boss")
    assert users.role_of(seeded, "boss") is None and users.role_of(seeded, "second") == "admin"


def test_sessions_expire_after_eight_hours():
    start = datetime(2026, 1, 1, 9, 0)
    assert not auth.session_expired(start, start + timedelta(hours=7, minutes=59))
    assert auth.session_expired(start, start + timedelta(hours=auth.SESSION_HOURS))


def test_identity_provider_claims_map_to_roles_by_address_then_domain(seeded):
    admin = ACTORS["admin"]
    auth.set_role_mapping(seeded, admin, "CEO@Example.com", "strategist")
    auth.set_role_mapping(seeded, admin, "@uploads.example.org", "uploader")
    role = lambda **claims: auth.role_for_claims(seeded, claims)  # noqa: E731
    assert role(email="ceo@example.com", email_verified=True) == "strategist"
    assert role(email="Someone@EXAMPLE.com") == "viewer"  # the domain, in any case
    assert role(email="a@uploads.example.org", email_verified=True) == "uploader"
    assert role(email="a@sub.example.com") is None  # a domain is exact, not its subdomains
    assert role(email="ceo@example.com", email_verified=False) is None
    assert role(email="ceo@example.com@evil.org") is None and role(name="no e-mail") is None
    assert role(email="x@other.org") is None
    auth.set_role_mapping(seeded, admin, "example.com", None)
    assert role(email="someone@example.com") is None
    for bad in ("not an address", "a@b", ""):
        with pytest.raises(ValueError):
            auth.set_role_mapping(seeded, admin, bad, "viewer")
    with pytest.raises(PermissionDenied):
        auth.set_role_mapping(seeded, ACTORS["strategist"], "x.org", "admin")
