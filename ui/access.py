"""Who uses this session, and what the pages let them do.

``app.py`` calls ``gate`` first on every run: in local mode (nothing configured) the session acts as
the local user with full rights and the sidebar says so discreetly; in team mode (``CVD_AUTH_MODE=team``
or an ``[auth]`` section in ``.streamlit/secrets.toml``) it returns None until the person signs in,
with the built-in user list or, where configured, the company's identity provider (``st.login``).
Pages pass ``actor()`` to every write, and switch a control off with ``blocked(permission)`` as the
reason; the analytics functions refuse on their own as well (``analytics.auth``).

The session holds the user's name, role and sign-in time, never a password: the sign-in form
clears its fields when submitted.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from analytics import auth, users
from ui import database
from ui.language import t
from ui.layout import page_end
from ui.markup import md

SESSION_KEY = "auth_user"  # (name, signed-in-at) of a built-in user
OIDC_SEEN_KEY = "auth_oidc_since"
MESSAGE_KEY = "auth_message"


def oidc_providers() -> list[str | None] | None:
    """The identity providers configured in ``[auth]`` of secrets.toml (None: the unnamed one);
    None when there is no ``[auth]`` section."""
    if not st.secrets.load_if_toml_exists() or "auth" not in st.secrets:
        return None
    named = [name for name, value in st.secrets["auth"].items() if hasattr(value, "items")]
    return named or [None]


def mode() -> str:
    return "team" if auth.configured_mode() == "team" or oidc_providers() is not None else "local"


def _sign_out() -> None:
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(OIDC_SEEN_KEY, None)


def _expired(since: datetime) -> bool:
    if auth.session_expired(since):
        _sign_out()
        st.session_state[MESSAGE_KEY] = ("warning", t("auth.expired", hours=auth.SESSION_HOURS))
        return True
    return False


def _oidc_actor() -> auth.Actor | None:
    if oidc_providers() is None or not st.user.is_logged_in:
        return None
    claims = st.user.to_dict()
    # Signed in when the provider issued the token (Streamlit's cookie outlives a browser session),
    # else when this session first saw the sign-in.
    issued = claims.get("auth_time") or claims.get("iat")
    since = datetime.fromtimestamp(issued) if isinstance(issued, int | float) else None
    since = since or st.session_state.setdefault(OIDC_SEEN_KEY, datetime.now())
    if _expired(since):
        st.logout()
        return None
    role = auth.role_for_claims(database.get_store(), claims)
    if role is None:
        st.session_state[MESSAGE_KEY] = ("error", t("auth.no_role", email=md(claims.get("email") or "?")))
        return None
    return auth.Actor(str(claims.get("email")), role)


def _builtin_actor() -> auth.Actor | None:
    signed_in = st.session_state.get(SESSION_KEY)
    if signed_in is None:
        return None
    name, since = signed_in
    if _expired(since):
        return None
    role = users.role_of(database.get_store(), name)  # read on every run: a removed or demoted user loses rights now
    if role is None:
        _sign_out()
        return None
    return auth.Actor(name, role)


def current() -> auth.Actor | None:
    """The session's user; None in team mode before signing in."""
    if mode() == "local":
        return auth.LOCAL_ACTOR
    return _builtin_actor() or _oidc_actor()


def actor() -> auth.Actor:
    """The acting user for a write (pages call this only where ``gate`` let the page run)."""
    found = current()
    if found is None:
        raise auth.PermissionDenied("upload", auth.Actor("anonymous", "viewer"))
    return found


def blocked(permission: str) -> str | None:
    """Why this session cannot do ``permission`` (a read-only server, or its role), else None."""
    if database.read_only():
        return t("store.error.read_only")
    found = current()
    if found is None or not found.can(permission):
        return denied_text(permission, found.role if found else "viewer")
    return None


def denied_text(permission: str, role: str) -> str:
    return t(f"auth.denied.{permission}", role=t(f"auth.role.{role}"))


def sidebar(found: auth.Actor) -> None:
    if mode() == "local":
        st.sidebar.caption(t("auth.local_note"))
        return
    st.sidebar.caption(t("auth.signed_in_as", name=md(found.name), role=t(f"auth.role.{found.role}")))
    if st.sidebar.button(t("auth.sign_out"), key="auth_sign_out"):
        oidc = st.session_state.get(SESSION_KEY) is None and oidc_providers() is not None
        _sign_out()
        if oidc:
            st.logout()
        st.rerun()


def _submit(name: str, password: str) -> None:
    found = users.authenticate(database.get_store(), name, password)
    if found is None:
        st.session_state[MESSAGE_KEY] = ("error", t("auth.failed", count=users.MAX_FAILURES,
                                                    minutes=int(users.LOCKOUT.total_seconds() // 60)))
        return
    st.session_state[SESSION_KEY] = (found.name, datetime.now())
    st.session_state.pop(MESSAGE_KEY, None)


def sign_in_page() -> None:
    """The only page before signing in: the built-in list's form, and the identity providers."""
    st.title(t("auth.sign_in"))
    if message := st.session_state.get(MESSAGE_KEY):
        kind, text = message
        getattr(st, kind)(text)
    with st.form("auth_form", clear_on_submit=True):
        name = st.text_input(t("auth.name"), autocomplete="username")
        password = st.text_input(t("auth.password"), type="password", autocomplete="current-password")
        if st.form_submit_button(t("auth.sign_in"), type="primary"):
            _submit(name, password)
            st.rerun()
    providers = oidc_providers()
    if providers:
        st.caption(t("auth.or_provider"))
        for provider in providers:
            label = t("auth.with_provider", provider=md(provider)) if provider else t("auth.with_company")
            if st.button(label, key=f"auth_oidc_{provider or 'default'}"):
                st.login(provider) if provider else st.login()
    page_end()
