"""Admin page (admins only): built-in users and roles, identity-provider e-mails mapped to roles,
and the audit trail, viewable and exportable, never editable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import audit, auth, users
from ui import access, database, tables
from ui.language import option_labels, t
from ui.layout import page_end
from ui.markup import md

AUDIT_SHOWN = 500
MESSAGE_KEY = "admin_message"


def _done(text: str) -> None:
    st.session_state[MESSAGE_KEY] = text
    st.rerun()


def _error_text(error: Exception) -> str:
    if isinstance(error, users.UserError):
        return t(f"users.error.{error.code}", name=md(error.name), length=users.MIN_PASSWORD_LENGTH)
    if isinstance(error, auth.PermissionDenied):
        return access.denied_text(error.code, error.actor.role)
    return t("app.error_generic", error=md(error))


def _attempt(action, success: str) -> None:
    """Run one change; on success say so after the rerun, else say why (nothing was changed)."""
    try:
        action()
    except (users.UserError, auth.PermissionDenied, ValueError) as error:
        st.error(_error_text(error))
        return
    _done(success)


def users_tab(reason: str | None) -> None:
    store = database.get_store()
    listed = users.list_users(store)
    tables.dataframe(pd.DataFrame({
        t("admin.user"): listed["name"], t("admin.role"): listed["role"].map(lambda r: t(f"auth.role.{r}")),
        t("admin.created"): listed["created"], t("admin.locked_until"): listed["locked_until"],
    }), hide_index=True)
    roles = option_labels("auth.role.")
    with st.form("admin_add_user", clear_on_submit=True):
        st.markdown(f"**{t('admin.add_user')}**")
        name = st.text_input(t("auth.name"))
        role = st.selectbox(t("admin.role"), auth.ROLES, format_func=roles)
        password = st.text_input(t("auth.password"), type="password", help=t("admin.password_help",
                                                                             length=users.MIN_PASSWORD_LENGTH))
        if st.form_submit_button(t("admin.add_user"), disabled=reason is not None, help=reason):
            _attempt(lambda: users.add_user(store, access.actor(), name, role, password),
                     t("admin.user_added", name=md(name.strip())))
    if listed.empty:
        return
    st.markdown(f"**{t('admin.change_user')}**")
    # Outside the form, so that picking a user redraws the role box at that user's current role.
    picked = st.selectbox(t("admin.user"), listed["name"].tolist(), key="admin_pick_user")
    current_role = listed.loc[listed["name"] == picked, "role"].iloc[0]
    with st.form("admin_change_user", clear_on_submit=True):
        new_role = st.selectbox(t("admin.role"), auth.ROLES, index=auth.ROLES.index(current_role), format_func=roles,
                                key=f"admin_role_of_{picked}")
        new_password = st.text_input(t("admin.new_password"), type="password")
        left, middle, right = st.columns(3)
        if left.form_submit_button(t("admin.set_role"), disabled=reason is not None, help=reason):
            _attempt(lambda: users.set_role(store, access.actor(), picked, new_role), t("admin.changed", name=md(picked)))
        if middle.form_submit_button(t("admin.set_password"), disabled=reason is not None, help=reason):
            _attempt(lambda: users.set_password(store, access.actor(), picked, new_password),
                     t("admin.changed", name=md(picked)))
        if right.form_submit_button(t("admin.remove"), disabled=reason is not None, help=reason):
            _attempt(lambda: users.remove_user(store, access.actor(), picked), t("admin.changed", name=md(picked)))


def mappings_tab(reason: str | None) -> None:
    store = database.get_store()
    st.caption(t("admin.mapping_help"))
    mappings = auth.role_mappings(store)
    tables.dataframe(pd.DataFrame({
        t("admin.pattern"): mappings["pattern"], t("admin.role"): mappings["role"].map(lambda r: t(f"auth.role.{r}")),
        t("admin.created"): mappings["created"], t("admin.by"): mappings["created_by"],
    }), hide_index=True)
    with st.form("admin_mapping", clear_on_submit=True):
        pattern = st.text_input(t("admin.pattern"), placeholder="name@example.com / example.com")
        options = [*auth.ROLES, ""]
        role = st.selectbox(t("admin.role"), options, format_func=lambda r: t(f"auth.role.{r}") if r else
                            t("admin.no_access"))
        if st.form_submit_button(t("admin.save_mapping"), disabled=reason is not None, help=reason):
            _attempt(lambda: auth.set_role_mapping(store, access.actor(), pattern, role or None),
                     t("admin.changed", name=md(pattern.strip())))


def audit_tab() -> None:
    store = database.get_store()
    actor = access.actor()
    trail = audit.audit_frame(store, actor, limit=AUDIT_SHOWN)
    st.caption(t("admin.audit_help", count=AUDIT_SHOWN))
    tables.dataframe(trail, hide_index=True)
    st.download_button(t("admin.audit_export"), audit.audit_csv(store, actor), file_name="audit_trail.csv",
                       mime="text/csv", key="admin_audit_csv")


def render() -> None:
    database.require_store()
    st.title(t("nav.admin"))
    if message := st.session_state.pop(MESSAGE_KEY, None):
        st.success(message)
    if reason := access.blocked("users"):
        st.info(reason)
    if access.current() is None or not access.current().can("audit"):
        page_end()
        return
    tab_users, tab_mappings, tab_audit = st.tabs([t("admin.tab_users"), t("admin.tab_mappings"), t("admin.tab_audit")])
    with tab_users:
        users_tab(reason)
    with tab_mappings:
        mappings_tab(reason)
    with tab_audit:
        audit_tab()
    page_end()


render()
