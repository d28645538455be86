"""The built-in user list for team mode: names, roles and argon2 password hashes in DuckDB.

Hashing is argon2id from ``argon2-cffi`` (a well-kept, audited implementation; its defaults
follow RFC 9106). Signing in:

- a wrong password ``MAX_FAILURES`` times in a row locks the account for ``LOCKOUT``; while locked,
  even the right password is refused;
- an unknown name costs the same as a wrong password (the password is checked against a dummy
  hash) and gets the same answer, ``None``: the caller says one message for every failure, so a
  sign-in form does not tell which names exist;
- passwords are never logged, stored (only their hash) or returned.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from analytics import audit
from analytics.auth import ROLES, Actor, require
from analytics.store import Store

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 60
_hasher = PasswordHasher()


class UserError(ValueError):
    """A user change that cannot be made; ``code`` names why, for the message ``users.error.<code>``."""

    def __init__(self, code: str, name: str = ""):
        self.code = code
        self.name = name
        super().__init__(f"{code}: {name}" if name else code)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not a password anyone has")


def _checked_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise UserError("bad_name", name)
    return name


def _checked_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("short_password")
    return password


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise UserError("bad_role", role)
    return role


def _find(cur, name: str) -> tuple | None:
    """(name, role, password_hash, failed_attempts, locked_until) of a user; names ignore case."""
    found = cur.execute(
        "SELECT name, role, password_hash, failed_attempts, locked_until FROM users WHERE lower(name) = lower(?)", [name]
    ).fetchall()
    return found[0] if found else None


def list_users(store: Store) -> pd.DataFrame:
    """Names, roles, when created and whether locked now; never the hashes."""
    return store.frame("SELECT name, role, created, failed_attempts, locked_until FROM users ORDER BY lower(name)")


def role_of(store: Store, name: str) -> str | None:
    """A user's role now (None once removed)."""
    found = _find(store.cursor(), name)
    return found[1] if found else None


def user_count(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM users"))


def add_user(store: Store, actor: Actor, name: str, role: str, password: str) -> None:
    """A new built-in user (admins, or the command line)."""
    require(actor, "users")
    name, role, password = _checked_name(name), _checked_role(role), _checked_password(password)
    hashed = _hasher.hash(password)
    with store.transaction() as cur:
        if _find(cur, name) is not None:
            raise UserError("exists", name)
        cur.execute("INSERT INTO users (name, role, password_hash) VALUES (?, ?, ?)", [name, role, hashed])
        audit.record(cur, actor, "user_add", user=name, role=role)


def _admins_left_without(cur, name: str) -> int:
    return cur.execute("SELECT count(*) FROM users WHERE role = 'admin' AND lower(name) <> lower(?)",
                       [name]).fetchall()[0][0]


def set_role(store: Store, actor: Actor, name: str, role: str) -> None:
    require(actor, "users")
    role = _checked_role(role)
    with store.transaction() as cur:
        found = _find(cur, name)
        if found is None:
            raise UserError("unknown", name)
        if found[1] == "admin" and role != "admin" and not _admins_left_without(cur, found[0]):
            raise UserError("last_admin", found[0])
        cur.execute("UPDATE users SET role = ? WHERE name = ?", [role, found[0]])
        audit.record(cur, actor, "user_role", user=found[0], before=found[1], after=role)


def set_password(store: Store, actor: Actor, name: str, password: str) -> None:
    """A new password (admins); it also lifts a lockout."""
    require(actor, "users")
    hashed = _hasher.hash(_checked_password(password))
    with store.transaction() as cur:
        found = _find(cur, name)
        if found is None:
            raise UserError("unknown", name)
        cur.execute("UPDATE users SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE name = ?",
                    [hashed, found[0]])
        audit.record(cur, actor, "user_password", user=found[0])


def remove_user(store: Store, actor: Actor, name: str) -> None:
    require(actor, "users")
    with store.transaction() as cur:
        found = _find(cur, name)
        if found is None:
            raise UserError("unknown", name)
        if found[1] == "admin" and not _admins_left_without(cur, found[0]):
            raise UserError("last_admin", found[0])
        cur.execute("DELETE FROM users WHERE name = ?", [found[0]])
        audit.record(cur, actor, "user_remove", user=found[0], role=found[1])


def authenticate(store: Store, name: str, password: str, now: datetime | None = None) -> Actor | None:
    """The user when the name and password match and the account is not locked; None otherwise,
    whatever the reason (see the module docstring)."""
    now = now or datetime.now()
    found = _find(store.cursor(), str(name or "").strip())
    stored_hash = found[2] if found else _dummy_hash()
    try:
        matches = _hasher.verify(stored_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        matches = False
    if found is None:
        return None
    user, role, _, failures, locked_until = found
    actor = Actor(user, role)
    if locked_until is not None and locked_until > now:
        return None
    with store.transaction() as cur:
        if matches:
            cur.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE name = ?", [user])
            audit.record(cur, actor, "sign_in")
            return actor
        failures += 1
        if failures >= MAX_FAILURES:
            cur.execute("UPDATE users SET failed_attempts = 0, locked_until = ? WHERE name = ?", [now + LOCKOUT, user])
            audit.record(cur, actor, "sign_in_locked", failures=failures, until=now + LOCKOUT)
        else:
            cur.execute("UPDATE users SET failed_attempts = ? WHERE name = ?", [failures, user])
    return None
