"""Who is looking: the session cookie, the identity provider when Streamlit's [auth] is
configured, or (under Streamlit's AppTest, which has no HTTP routes) the in-page form.

Served by dashboards/server.py, people sign in on its `/signin` page, which sets a signed,
HttpOnly cookie holding the session token; every run reads that token from the request
(st.context.cookies), so a reload or a link keeps the session.  Either way the answer is
an accueil.access.Viewer, worked out again on every run of the script, so an expired
session, a removed user or a changed role takes effect at the next click: the rights the
token stands for are read from the control database each time (accueil.auth.sessions).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import streamlit as st
from shared import lang, md, tr

from accueil import auth
from accueil.access import Viewer, audit
from accueil.auth import cookies, oidc

TOKEN = "auth_token"
NOTICE = "auth_notice"


def oidc_configured() -> bool:
    # st.user carries is_logged_in only when secrets.toml has an [auth] section.
    return "is_logged_in" in st.user.to_dict()


def describe(viewer: Viewer) -> str:
    return tr(f"role.{viewer.role}", agency=viewer.agency) if viewer.role == "agency" else tr(f"role.{viewer.role}")


def current_viewer() -> Viewer | None:
    """The signed-in viewer; otherwise None, once the sign-in screen is shown."""
    return _oidc_viewer() if oidc_configured() else _local_viewer()


# --- local accounts (accueil users) -----------------------------------------------------------


# Set by dashboards/server.py when it serves the app: sign-in then happens on its page.
SIGNIN_PAGE = "ACCUEIL_SIGNIN_PAGE"


def _cookie_token() -> str | None:
    try:
        return cookies.unseal(st.context.cookies.get(cookies.NAME))
    except Exception:  # no request behind this run (AppTest)
        return None


def _served() -> bool:
    return bool(os.environ.get(SIGNIN_PAGE))


def _local_viewer() -> Viewer | None:
    if _served():
        return _cookie_viewer()
    token = st.session_state.get(TOKEN)
    if token:
        try:
            return auth.viewer_for_session(token)
        except auth.SessionExpired as exc:
            del st.session_state[TOKEN]
            st.session_state[NOTICE] = "signin.expired" if "expired" in str(exc) else "signin.ended"
    _form()
    return None


def _cookie_viewer() -> Viewer | None:
    token = _cookie_token()
    if token:
        try:
            viewer = auth.viewer_for_session(token)
        except auth.SessionExpired as exc:
            if st.session_state.get(NOTICE) != "signin.signedout":
                st.session_state[NOTICE] = "signin.expired" if "expired" in str(exc) else "signin.ended"
        else:
            st.session_state.pop(NOTICE, None)
            return viewer
    _signed_out_screen()
    return None


def _signed_out_screen() -> None:
    """The session behind the cookie has ended: say why, and link to the sign-in page, which comes back here."""
    st.title(tr("signin.title"))
    notice = st.session_state.get(NOTICE) or "signin.ended"
    (st.info if notice == "signin.signedout" else st.warning)(tr(notice))
    try:
        here = urlsplit(st.context.url)
        back = here.path + (f"?{here.query}" if here.query else "")
    except Exception:
        back = "/"
    target = f"/signin?lang={lang()}&next={quote(back or '/', safe='')}"
    st.markdown(f'<a href="{target}" target="_self">{tr("signin.again")}</a>', unsafe_allow_html=True)


def _sign_in() -> None:
    name = st.session_state.get("signin_name", "")
    password = st.session_state.get("signin_password", "")
    # The password leaves the session as soon as it is checked.
    st.session_state["signin_password"] = ""
    try:
        session = auth.sign_in(name, password)
    except auth.SignInFailed:  # one answer for every failure: it tells a stranger nothing (accueil.auth.signin)
        st.session_state[NOTICE] = "signin.wrong"
    else:
        st.session_state[TOKEN] = session.token
        st.session_state.pop(NOTICE, None)


def _form() -> None:
    st.title(tr("signin.title"))
    st.write(tr("signin.intro"))
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        (st.warning if notice in ("signin.expired", "signin.ended") else st.error)(tr(notice))
    if not auth.has_users():
        st.info(tr("signin.no_users"))
    with st.form("signin"):
        st.text_input(tr("signin.name"), key="signin_name", max_chars=64, autocomplete="username")
        st.text_input(
            tr("signin.password"),
            key="signin_password",
            type="password",
            max_chars=256,
            autocomplete="current-password",
        )
        st.form_submit_button(tr("signin.submit"), type="primary", on_click=_sign_in)


def sign_out(viewer: Viewer) -> None:
    if oidc_configured():
        st.session_state.pop("oidc_first_seen", None)
        st.logout()
        return
    if _served():
        token = _cookie_token()
        if token:
            auth.sign_out(token, viewer)
        # The cookie stays in the browser but its session is gone: the next run shows the signed-out
        # screen, and a reload goes to the sign-in page.
        st.session_state[NOTICE] = "signin.signedout"
        return
    token = st.session_state.pop(TOKEN, None)
    if token:
        auth.sign_out(token, viewer)


# --- the identity provider (st.login) --------------------------------------------------------


def _oidc_viewer() -> Viewer | None:
    if not st.user.is_logged_in:
        st.title(tr("signin.title"))
        st.write(tr("signin.intro"))
        notice = st.session_state.pop(NOTICE, None)
        if notice:
            st.warning(tr(notice))
        if st.button(tr("signin.oidc"), type="primary", key="signin_oidc"):
            st.login()
        return None
    claims = st.user.to_dict()
    first_seen = st.session_state.setdefault("oidc_first_seen", datetime.now(UTC))
    if oidc.identity_expired(claims, first_seen):
        st.session_state.pop("oidc_first_seen", None)
        st.session_state[NOTICE] = "signin.expired"
        st.logout()
        return None
    try:
        viewer = oidc.viewer_from_claims(claims)
    except oidc.IdentityRefused as exc:
        _record_oidc(claims, refused=str(exc))
        st.title(tr("signin.title"))
        st.error(tr("signin.refused", reason=md(str(exc))))
        if st.button(tr("signin.signout"), key="signin_oidc_out"):
            st.logout()
        return None
    _record_oidc(claims, viewer=viewer)
    return viewer


def _record_oidc(claims: dict, viewer: Viewer | None = None, refused: str | None = None) -> None:
    """One audit row per browser session, as a local sign-in has."""
    key = "oidc_audited"
    if st.session_state.get(key):
        return
    st.session_state[key] = True
    subject = str(claims.get("sub") or claims.get(oidc.name_claim()) or "?")[:128]
    if viewer is None:
        audit.record(f"oidc:{subject}", "signin_failed", f"oidc:{subject}", reason=refused)
    else:
        audit.record(viewer, "signin", f"oidc:{subject}", via="oidc")
