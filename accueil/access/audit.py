"""What readers do that the audit log must show, and the log itself as admins read it.

The log lives in the control database and refuses updates and deletes (accueil.control).
Everything the reading side writes to it (the dashboards' views, blanked cells, downloads
and OIDC sign-ins; `accueil sql`'s exports, refusals and stopped queries; `accueil audit`'s
exports and scans) goes through one function, `record`, which names the viewer's role and
agency; the log is written nowhere else on that side, and read here, read-only.
Views of client-level data are recorded once per viewer, query, parameters and snapshot
within a window (ACCUEIL_VIEW_AUDIT_MINUTES, default 15): a page re-runs on every click,
and a row per re-run would bury the views that matter.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import pandas as pd

from accueil import control
from accueil.access.policy import Viewer

COLUMNS = ["audit_id", "at", "actor", "action", "target", "detail"]

_seen: dict[tuple, float] = {}
_seen_lock = threading.Lock()


def _window_seconds() -> float:
    import os

    return 60.0 * float(os.environ.get("ACCUEIL_VIEW_AUDIT_MINUTES", "15"))


def record(who: Viewer | str, action: str, target: str = "", **detail) -> None:
    """One audit row: `who` is the signed-in viewer (its role and agency go into the detail), or, for
    someone who is not one (an identity the identity provider vouched for but Accueil refused), a name."""
    if isinstance(who, Viewer):
        actor, detail = who.name, {"role": who.role, "agency": who.agency, **detail}
    else:
        actor = who
    with control.connect() as con:
        control.audit(con, actor, action, target, **detail)


def _first_in_window(key: tuple) -> bool:
    now = time.monotonic()
    with _seen_lock:
        last = _seen.get(key)
        if last is not None and now - last < _window_seconds():
            return False
        _seen[key] = now
        return True


# The views of client-level data made by the page being run, gathered to be recorded as one row.
_page_views: ContextVar[list | None] = ContextVar("accueil_page_views", default=None)


@contextmanager
def page_view(viewer: Viewer, page: str) -> Iterator[None]:
    """One audit row for one view of a page: a page reads a dozen named queries of one agency's
    client-level data on every run, and a row per query buried the views in the log (about ten
    `client_data_viewed` per view of the agency page).  The row names the page, the queries and
    their parameters; it is written when the run ends, however it ends, once per viewer, page,
    queries and parameters within the window."""
    views: list[tuple[str, dict, str]] = []
    token = _page_views.set(views)
    try:
        yield
    finally:
        _page_views.reset(token)
        if views:
            _record_page_view(viewer, page, views)


def _record_page_view(viewer: Viewer, page: str, views: list[tuple[str, dict, str]]) -> None:
    queries = sorted({query for query, _, _ in views})
    found: dict[str, set[str]] = {}
    for _, params, _ in views:
        for key, value in params.items():
            found.setdefault(key, set()).add(str(value))
    params = {key: sorted(values)[0] if len(values) == 1 else sorted(values) for key, values in sorted(found.items())}
    snapshot = views[-1][2]
    key = ("page", viewer, page, tuple(queries), json.dumps(params, sort_keys=True), snapshot)
    if _first_in_window(key):
        record(viewer, "client_data_viewed", f"page:{page}", params=params, queries=queries, snapshot=snapshot)


def record_client_view(viewer: Viewer, query: str, params: dict, snapshot: str) -> None:
    views = _page_views.get()
    if views is not None:  # during a page's run: recorded with the page's other views, when it ends
        views.append((query, dict(params), snapshot))
        return
    if _first_in_window(("view", viewer, query, tuple(sorted(params.items())), snapshot)):
        record(viewer, "client_data_viewed", f"query:{query}", params=params, snapshot=snapshot)


def readable_detail(detail: str | None) -> str:
    """An audit row's detail (JSON) as a line a person reads: `key: value` pairs, lists joined."""
    if not detail:
        return ""
    try:
        found = json.loads(detail)
    except ValueError:
        return str(detail)
    if not isinstance(found, dict):
        return str(found)

    def shown(value) -> str:
        if isinstance(value, dict):
            return ", ".join(f"{k} {shown(v)}" for k, v in value.items())
        if isinstance(value, list):
            return ", ".join(shown(v) for v in value)
        return "" if value is None else str(value)

    return " · ".join(f"{key}: {shown(value)}" for key, value in found.items() if value not in (None, "", [], {}))


def record_blanked(viewer: Viewer, query: str, params: dict, snapshot: str, findings: list) -> None:
    """A small cell the marts let through: worth an admin's attention every time it is served."""
    if _first_in_window(("blanked", viewer, query, tuple(sorted(params.items())), snapshot)):
        cells = [{"column": f.column, "row": f.row} for f in findings[:20]]
        record(viewer, "disclosure_blanked", f"query:{query}", params=params, cells=len(findings), first=cells)


def record_export(viewer: Viewer, what: str, rows: int, **detail) -> None:
    record(viewer, "export", what, rows=rows, **detail)


def audit_log(
    viewer: Viewer,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    text: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """The audit log, newest first, filtered; admins only.  Filters are bound, never spliced."""
    viewer.check_admin("the audit log")
    path = control.path()
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    sql, args = f"select {', '.join(COLUMNS)} from audit_log where 1 = 1", []
    if actor:
        sql, args = sql + " and actor = ?", [*args, actor.strip().lower()]
    if action:
        sql, args = sql + " and action = ?", [*args, action]
    if since:
        sql, args = sql + " and at >= ?", [*args, since]
    if until:
        # A bare date means the whole of that day.
        sql, args = sql + " and at < ?", [*args, until + ("T24" if len(until) == 10 else "")]
    if text:
        sql, args = sql + " and instr(lower(target || ' ' || detail), lower(?)) > 0", [*args, text]
    sql += " order by audit_id desc"
    if limit:
        sql, args = sql + " limit ?", [*args, int(limit)]
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        rows = con.execute(sql, args).fetchall()
    finally:
        con.close()
    return pd.DataFrame(rows, columns=COLUMNS)


def actions(viewer: Viewer) -> list[str]:
    viewer.check_admin("the audit log")
    path = control.path()
    if not path.exists():
        return []
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        return [a for (a,) in con.execute("select distinct action from audit_log order by action")]
    finally:
        con.close()
