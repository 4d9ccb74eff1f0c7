"""The one door through which every reader sees the published snapshot; it only reads.

Every page asks for a *named* query with parameters (`fetch`, or a `Reader` with the
dashboards' cache passed in); `accueil sql` runs ad-hoc SQL under the same rights
(accueil.access.adhoc); the indicators commands, the demo's summary, `accueil audit scan` and
the benchmark open the snapshot with `snapshot.connect()`.  Nothing else reaches it.
Queries run on short-lived read-only connections to the published snapshot, never on the
pipeline's file, and their results are cached per snapshot version, so a new publish is
seen at once and a load in progress is never waited for.  Each query declares what it
exposes (aggregates, or one agency's own rows), and the viewer's role is checked here,
before the cache, so that roles are enforced in one place rather than by hiding
widgets; aggregate results then pass a second line of disclosure control.

This package writes nothing but the audit log, through one function (`audit.record`).
Uploads are not reading: the pages submit them through accueil.ingest (accueil.ingest.web),
as `accueil upload` does.  It does not import Streamlit: the dashboards pass their cache in.
"""

from importlib import import_module

from accueil.access.policy import AccessDenied, Viewer
from accueil.access.snapshot import NotPublished, SnapshotInfo, snapshot_info

# The reader brings in pandas (a good part of a second): loaded on first use, so that the
# command line, which needs only the policy, starts quickly.
_LAZY = {
    "QUERIES": "reader",
    "Reader": "reader",
    "fetch": "reader",
    "has_table": "reader",
    "suppression_threshold": "disclosure",
    "scan_snapshot": "disclosure",
    "audit_log": "audit",
    "audit_actions": "audit",
    "record_export": "audit",
    "page_view": "audit",
    "readable_detail": "audit",
    "upload_history": "uploads",
    "submission_status": "submissions",
}


_RENAMED = {"audit_actions": "actions"}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f"accueil.access.{_LAZY[name]}"), _RENAMED.get(name, name))
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "QUERIES",
    "AccessDenied",
    "NotPublished",
    "Reader",
    "SnapshotInfo",
    "Viewer",
    "audit_actions",
    "audit_log",
    "fetch",
    "has_table",
    "page_view",
    "readable_detail",
    "record_export",
    "scan_snapshot",
    "snapshot_info",
    "submission_status",
    "suppression_threshold",
    "upload_history",
]
