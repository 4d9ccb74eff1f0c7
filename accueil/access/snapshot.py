"""The published snapshot: where it is, which version it is, and read-only connections to it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import duckdb

from accueil import config


class NotPublished(FileNotFoundError):
    pass


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


def snapshot_info() -> SnapshotInfo:
    # Through links to the file itself: two homes that link to one snapshot share its cache entries.
    path = config.published_path().resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise NotPublished("nothing is published yet: run `accueil build` first") from None
    published_at, uploads = None, 0
    manifest = path.parent / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        published_at = data.get("published_at")
        uploads = sum(1 for row in data.get("uploads", []) if row and row[0] == "extract")
    except (OSError, ValueError):
        pass  # a snapshot without its manifest is still readable; freshness is then unknown
    return SnapshotInfo(str(path), published_at, uploads, (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size))


def connect(path: str) -> duckdb.DuckDBPyConnection:
    """Read-only, and without file or network access: a query can read the snapshot and nothing else."""
    if not os.path.exists(path):
        raise NotPublished(path)
    con = duckdb.connect(path, read_only=True)
    con.execute("set enable_external_access = false")
    return con
