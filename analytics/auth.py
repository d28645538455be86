"""Who acts, and what they may do: roles, permissions, the acting user, the sign-in mode and the
mapping of identity-provider e-mails to roles.

Every function in ``analytics/`` that writes takes an ``Actor`` and calls ``require`` before it
touches the database, so a page that forgot to switch a button off still cannot write. Roles:

- viewer: every page, read only; exports what it sees;
- strategist: also named weight presets and the shared settings (weights, tiers) everyone sees;
- uploader: also uploads (new, append, replace, customer master), rename and rollback;
- admin: everything, also users, roles, the e-mail mapping, dataset deletion and the audit trail.

Modes: ``local`` (the default: nothing configured, one user with full rights, no sign-in) and
``team`` (sign-in required), chosen by ``CVD_AUTH_MODE`` or, on the Streamlit side, by an
``[auth]`` section in ``.streamlit/secrets.toml`` (``ui/access.py``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from analytics import audit
from analytics.store import Store

ROLES = ("viewer", "strategist", "uploader", "admin")
PERMISSIONS = ("preset", "publish", "upload", "rename", "rollback", "delete_dataset", "sources", "users", "audit")
GRANTS: dict[str, frozenset[str]] = {
    "viewer": frozenset(),
    "strategist": frozenset({"preset", "publish"}),
    "uploader": frozenset({"upload", "rename", "rollback"}),
    "admin": frozenset(PERMISSIONS),
}
# The least role that holds each permission, for "needs the ... role" messages.
NEEDED_ROLE = {permission: next(role for role in ROLES if permission in GRANTS[role]) for permission in PERMISSIONS}

MODE_ENV = "CVD_AUTH_MODE"
MODES = ("local", "team")
SESSION_HOURS = 8


@dataclass(frozen=True)
class Actor:
    """The acting user: a name for the records and a role for the rights."""

    name: str
    role: str

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; roles are {ROLES}")

    def can(self, permission: str) -> bool:
        if permission not in PERMISSIONS:
            raise ValueError(f"unknown permission {permission!r}")
        return permission in GRANTS[self.role]


# Local mode, the command line and the demo: the one user of a machine that is not shared.
LOCAL_ACTOR = Actor("local", "admin")


class PermissionDenied(PermissionError):
    """The actor's role does not allow this write; ``code`` is the permission, for the message
    ``auth.denied.<code>``. Raised before the database is touched."""

    def __init__(self, permission: str, actor: Actor):
        self.code = permission
        self.actor = actor
        self.needed = NEEDED_ROLE[permission]
        super().__init__(f"{actor.name} ({actor.role}) may not {permission}: needs the {self.needed} role")


def require(actor: Actor, permission: str) -> None:
    """Refuse, before anything is written, when ``actor`` lacks ``permission``."""
    if not isinstance(actor, Actor):
        raise TypeError(f"a write needs an Actor, got {type(actor).__name__}")
    if not actor.can(permission):
        raise PermissionDenied(permission, actor)


def acting(actor: Actor | None) -> Actor:
    """The actor of a write: the one given; without one, the local user in local mode only (scripts
    and tests), so a forgotten actor in team mode is refused rather than given full rights."""
    if actor is not None:
        return actor
    if configured_mode() != "local":
        raise TypeError("team mode: a write needs the acting user")
    return LOCAL_ACTOR


def configured_mode() -> str:
    """``team`` when ``CVD_AUTH_MODE=team``; otherwise ``local``."""
    mode = os.environ.get(MODE_ENV, "").strip().lower()
    return mode if mode in MODES else "local"


def session_expired(signed_in_at: datetime, now: datetime | None = None) -> bool:
    """Whether a sign-in is older than ``SESSION_HOURS``."""
    return (now or datetime.now()) - signed_in_at >= timedelta(hours=SESSION_HOURS)


# -- Identity-provider users: their verified e-mail, or its domain, maps to a role (an admin edits the table).
def _pattern(pattern: str) -> tuple[str, str]:
    """``name@example.com`` (one address) or ``example.com`` / ``@example.com`` (a domain), lower-cased."""
    pattern = pattern.strip().lower()
    if "@" in pattern.lstrip("@"):
        local, _, domain = pattern.partition("@")
        if local and "." in domain and " " not in pattern:
            return "email", pattern
    else:
        domain = pattern.lstrip("@")
        if "." in domain and " " not in domain and domain:
            return "domain", domain
    raise ValueError(f"not an e-mail address or a domain: {pattern!r}")


def role_mappings(store: Store):
    """The e-mail and domain mappings, addresses first."""
    return store.frame("SELECT pattern, kind, role, created, created_by FROM role_mappings ORDER BY kind DESC, pattern")


def set_role_mapping(store: Store, actor: Actor, pattern: str, role: str | None) -> None:
    """Map an address or a domain to a role; ``role`` None removes the mapping."""
    require(actor, "users")
    kind, pattern = _pattern(pattern)
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    with store.transaction() as cur:
        before = cur.execute("SELECT role FROM role_mappings WHERE pattern = ?", [pattern]).fetchall()
        cur.execute("DELETE FROM role_mappings WHERE pattern = ?", [pattern])
        if role is not None:
            cur.execute("INSERT INTO role_mappings (pattern, kind, role, created_by) VALUES (?, ?, ?, ?)",
                        [pattern, kind, role, actor.name])
        audit.record(cur, actor, "role_mapping", pattern=pattern,
                     before=before[0][0] if before else None, after=role)


def role_for_claims(store: Store, claims: dict) -> str | None:
    """The role of an identity-provider user from its claims: the mapping of its exact e-mail, else
    of its domain; None (no access) without a verified e-mail or a mapping."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or claims.get("email_verified") is False or email.count("@") != 1:
        return None
    domain = email.partition("@")[2]
    found = store.rows("SELECT kind, role FROM role_mappings WHERE pattern = ? OR (kind = 'domain' AND pattern = ?)",
                       [email, domain])
    by_kind = dict(found)
    return by_kind.get("email") or by_kind.get("domain")
