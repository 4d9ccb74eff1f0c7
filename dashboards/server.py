"""The dashboards as served by `accueil serve` and `accueil dashboard`: Streamlit (app.py) plus
the few plain HTTP routes a browser needs around it.

- `/signin` (GET: the form; POST: check the password, set the session cookie, go back to
  the page asked for) and `/signout`.  The cookie is signed, HttpOnly and SameSite=Lax,
  so a reload, a new tab or a bookmarked link such as `/funders?lang=fr` stays signed in;
  app.py checks the session behind it at every run, so expiry, sign-out, a removed user or
  a changed role still end it at the next click.
- A page asked for without a valid session is redirected to `/signin?next=...`, and back.
- `/api/health`: the service's health as JSON, 200 when healthy and 503 when not, for a
  monitor to poll (accueil.service.health).

With OpenID Connect configured (secrets.toml [auth]), Streamlit's own st.login signs
people in and these routes step aside.
"""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # `streamlit run dashboards/server.py` from anywhere
    sys.path.insert(0, str(HERE.parent))

from accueil import auth, filemodes, i18n  # noqa: E402
from accueil.auth import cookies  # noqa: E402

# Uploads, reports and sessions written from the pages are owner-only, however this server was started.
filemodes.make_private()
filemodes.tighten()

# app.py (run in this process) then reads the session from the cookie this server sets.
os.environ["ACCUEIL_SIGNIN_PAGE"] = "/signin"

# Paths Streamlit serves itself (assets, websocket, uploads, its own auth): never redirected.
_OPEN_PREFIXES = ("/_stcore", "/static", "/media", "/component", "/app/static", "/auth", "/oauth2callback", "/api/")


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _lang(request: Request) -> str:
    asked = request.query_params.get("lang") or ""
    if asked in i18n.LANGUAGES:
        return asked
    nxt = request.query_params.get("next") or ""
    return "fr" if "lang=fr" in nxt else "en"


def _safe_next(value: str | None) -> str:
    """Only a path on this site: never another host (//evil.example) or a scheme (javascript:)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


def _viewer(request: Request):
    token = cookies.unseal(request.cookies.get(cookies.NAME))
    if token is None:
        return None, None
    try:
        return token, auth.viewer_for_session(token)
    except auth.SessionExpired:
        return token, None


_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "Source Sans Pro", system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1f2430; }}
main {{ max-width: 26rem; margin: 8vh auto; background: #fff; padding: 2rem 2.2rem; border-radius: .6rem;
       box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ font-size: 1.6rem; margin: 0 0 .6rem; }} p {{ line-height: 1.45; }}
label {{ display: block; margin: 1rem 0 .3rem; font-weight: 600; }}
input[type=text], input[type=password] {{ width: 100%; box-sizing: border-box; padding: .55rem; font-size: 1rem;
       border: 1px solid #b8bec9; border-radius: .35rem; }}
button {{ margin-top: 1.3rem; padding: .6rem 1.2rem; font-size: 1rem; background: #c8102e; color: #fff;
       border: 0; border-radius: .35rem; cursor: pointer; }}
.notice {{ padding: .7rem .9rem; border-radius: .35rem; background: #fdecea; color: #7a1212; }}
.notice.info {{ background: #e8f1fb; color: #123d6a; }}
nav {{ text-align: right; font-size: .95rem; }}
</style></head>
<body><main>
<nav><a href="/signin?lang={other}&amp;next={next_q}">{other_name}</a></nav>
<h1>{title}</h1>
<p>{intro}</p>
{notice}
<form method="post" action="/signin?lang={lang}">
<input type="hidden" name="next" value="{next}">
<label for="name">{name_label}</label>
<input id="name" name="name" type="text" maxlength="64" autocomplete="username" required autofocus>
<label for="password">{password_label}</label>
<input id="password" name="password" type="password" maxlength="256" autocomplete="current-password" required>
<button type="submit">{submit}</button>
</form>
</main></body></html>
"""


def _form(lang: str, nxt: str, notice: str | None = None, kind: str = "error", status: int = 200) -> HTMLResponse:
    def t(key: str) -> str:
        return html.escape(i18n.t(key, lang))

    other = "en" if lang == "fr" else "fr"
    body = _PAGE.format(
        lang=lang,
        other=other,
        other_name=html.escape(i18n.LANGUAGE_NAMES[other]),
        title=t("signin.title"),
        intro=t("signin.intro"),
        notice=f'<p class="notice {kind}" role="alert">{html.escape(notice)}</p>' if notice else "",
        next=html.escape(nxt),
        next_q=html.escape(quote(nxt, safe="")),
        name_label=t("signin.name"),
        password_label=t("signin.password"),
        submit=t("signin.submit"),
    )
    # The page holds a password field: never cached, never framed.
    headers = {
        "Cache-Control": "no-store",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": "frame-ancestors 'none'",
    }
    return HTMLResponse(body, status_code=status, headers=headers)


async def signin(request: Request) -> Response:
    lang = _lang(request)
    if request.method == "GET":
        nxt = _safe_next(request.query_params.get("next"))
        _, viewer = _viewer(request)
        if viewer is not None:
            return RedirectResponse(nxt, status_code=303)
        notice = request.query_params.get("notice")
        shown = i18n.t(notice, lang) if notice in ("signin.expired", "signin.ended", "signin.signedout") else None
        if shown is None and not auth.has_users():
            return _form(lang, nxt, i18n.t("signin.no_users", lang), kind="info")
        return _form(lang, nxt, shown, kind="info")
    form = await request.form()
    nxt = _safe_next(str(form.get("next") or "/"))
    name, password = str(form.get("name") or "")[:64], str(form.get("password") or "")[:256]
    try:
        session = auth.sign_in(name, password)
    except auth.SignInFailed:  # one answer for every failure: it tells a stranger nothing (accueil.auth.signin)
        return _form(lang, nxt, i18n.t("signin.wrong", lang), status=401)
    response = RedirectResponse(nxt, status_code=303)
    response.set_cookie(
        cookies.NAME,
        cookies.seal(session.token),
        max_age=cookies.max_age(),
        path="/",
        httponly=True,
        samesite="lax",
        secure=cookies.secure(request.url.scheme),
    )
    return response


async def signout(request: Request) -> Response:
    token, viewer = _viewer(request)
    if token is not None:
        auth.sign_out(token, viewer)
    lang = _lang(request)
    response = RedirectResponse(f"/signin?lang={lang}&notice=signin.signedout", status_code=303)
    response.delete_cookie(cookies.NAME, path="/")
    return response


async def health(request: Request) -> Response:
    from accueil.service.health import check

    report = check()
    return JSONResponse(report.as_dict(), status_code=200 if report.healthy else 503)


class SignInFirst:
    """A page asked for without a valid session goes to the sign-in form, which comes back to it."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and self._is_page(scope["path"]):
            request = Request(scope)
            if not _oidc_configured() and _viewer(request)[1] is None:
                target = scope["path"] + (f"?{request.url.query}" if request.url.query else "")
                response = RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _is_page(path: str) -> bool:
        if path in ("/signin", "/signout") or path.startswith(_OPEN_PREFIXES):
            return False
        return "." not in path.rsplit("/", 1)[-1]  # favicon.png, manifest.json, ... are assets


app = st.App(
    HERE / "app.py",
    routes=[
        Route("/signin", signin, methods=["GET", "POST"]),
        Route("/signout", signout, methods=["GET"]),
        Route("/api/health", health, methods=["GET"]),
    ],
    middleware=[Middleware(SignInFirst)],
)
