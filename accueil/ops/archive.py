"""What a backup holds, shared by making one and restoring one.

A backup is one .tar.gz holding, under their paths in the home:

- `control.sqlite`: the upload register, the append-only audit log, the users (with their
  argon2 password hashes), their sessions and the build records;
- `raw/`: the bytes of every upload as received (extracts, agency reference files and the
  council's indicator observation and baseline files), content-addressed;
- `accepted/`: the validated rows of every accepted upload, as Parquet, which the pipeline
  loads (validating again would need the validator of the day, and its verdict may differ);
- `reports/`: the validation reports and their summaries, which the register points to and
  the build reads;
- `published/`: the snapshot the dashboards read, so they work again before the next build;
- `inbox/`: files dropped for the service and not yet taken in (not `processed/` and
  `rejected/`, whose bytes are already in `raw/`);

and `manifest.json`, the last member: format, time, Accueil version, the home it came from,
and each file's size and SHA-256.

Left out because `accueil build` rebuilds them: `warehouse.duckdb` (loaded again from
`accepted/`), `dagster/` (Dagster's run history), `dbt-target/`, `logs/`, `sample/` and the
lock files; and `cookie.secret`, the dashboards' cookie key, which is made again when missing
(a restore ends every session anyway, and a key has no place in a backup).

Made by `accueil.ops.backup`, restored by `accueil.ops.restore`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from accueil import control

FORMAT = "accueil-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CONTROL = control.path().name
SNAPSHOT_FOLDER = "published"
FOLDERS = (SNAPSHOT_FOLDER, "raw", "accepted", "reports", "inbox")
# Placed last on restore: a restore that stops halfway leaves no register claiming files that are missing.
ENTRIES = (*FOLDERS, CONTROL)
CHUNK = 1 << 20

Progress = Callable[[int, int | None], None]  # (bytes done, bytes in all or None when unknown)


class BackupError(Exception):
    """A backup or restore refused or stopped, said in one sentence for the operator."""


@dataclass(frozen=True)
class Member:
    path: str
    size: int
    sha256: str


class Counter:
    def __init__(self, total: int | None, progress: Progress | None) -> None:
        self.done, self.total, self.progress = 0, total, progress

    def add(self, n: int) -> None:
        self.done += n
        if self.progress:
            self.progress(self.done, self.total)


class HashingReader:
    """What tarfile reads from a source, hashed on the way: each file is read once."""

    def __init__(self, handle: BinaryIO, counter: Counter) -> None:
        self.handle, self.counter, self.digest = handle, counter, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        self.counter.add(len(chunk))
        return chunk


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
