"""What is published, for readers: where the snapshot is, which version it is, and read-only connections to it.

Every reader of the snapshot opens it here: the dashboards' named queries (accueil.access.reader),
`accueil sql` (accueil.access.adhoc), `accueil audit scan`, the indicators commands, the demo's
summary and the benchmark.  A connection is read-only and has no file or network access, so
a reader can read the snapshot and nothing else.  The publish (accueil.publish) writes the
files named here; nothing in accueil.access writes them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from accueil import config

AGENCY_KEY = "agency_cd"  # the raw tables keyed by agency hold this column


class NotPublished(FileNotFoundError):
    pass


NOT_PUBLISHED = "nothing is published yet: run `accueil build` first"


@dataclass(frozen=True)
class SnapshotInfo:
    path: str
    published_at: str | None
    extracts: int  # agency extracts the snapshot holds
    # publish swaps a new file in with os.replace: a new inode and mtime, which is what
    # keys the caches, so a reader never gets an answer computed on the previous file.
    version: tuple

    @property
    def key(self) -> str:
        return "|".join(str(part) for part in self.version)


def agency_rows_path() -> Path:
    """The agencies' own rows, for `accueil sql --user`: in the home, not in the shared published/ folder."""
    return config.home() / "agency_rows.duckdb"


def snapshot_info() -> SnapshotInfo:
    # Through links to the file itself: two homes that link to one snapshot share its cache entries.
    path = config.published_path().resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise NotPublished(NOT_PUBLISHED) from None
    published_at, uploads = None, 0
    manifest = path.parent / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        published_at = data.get("published_at")
        uploads = sum(1 for row in data.get("uploads", []) if row and row[0] == "extract")
    except (OSError, ValueError):
        pass  # a snapshot without its manifest is still readable; freshness is then unknown
    return SnapshotInfo(str(path), published_at, uploads, (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size))


def connect(path: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published snapshot (or the snapshot file at `path`), without file
    or network access: a query can read the snapshot and nothing else.  NotPublished when there is none."""
    if path is None:
        path = str(config.published_path())
    if not os.path.exists(path):
        raise NotPublished(NOT_PUBLISHED)
    con = duckdb.connect(path, read_only=True)
    con.execute("set enable_external_access = false")
    return con
