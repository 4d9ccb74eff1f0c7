"""Making a backup: the state of a home that `accueil build` cannot rebuild, in one .tar.gz.

What it holds and leaves out is said in `accueil.ops.archive`.

The register is copied with SQLite's online backup, so a service writing it meanwhile does not
matter.  The snapshot is opened before that copy and the other folders are listed after it:
the snapshot is then never newer than the register, and every file the register names is in
the archive.  Files are read once, hashed as they are archived.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tarfile
import time
from contextlib import ExitStack, closing
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

from accueil import config, control
from accueil.ops.archive import (
    CONTROL,
    FOLDERS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SNAPSHOT_FOLDER,
    BackupError,
    Counter,
    HashingReader,
    Member,
    Progress,
    sha256,
)
from accueil.ops.scratch import BACKUP_PREFIX, scratch_folder

# Copies of bytes that raw/ already holds: the inbox moves each file here once it is taken in.
INBOX_COPIES = ("processed", "rejected")
TRANSIENT = (".partial", ".lock")


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    bytes: int
    archive_bytes: int
    sha256: str


@dataclass(frozen=True)
class _Source:
    name: str
    handle: BinaryIO
    size: int
    mode: int
    mtime: float


def backup(out: Path, actor: str, progress: Progress | None = None) -> BackupResult:
    """Write the home's state to `out`, owner-only; a failure leaves nothing under that name."""
    home = config.home()
    if not control.path().is_file():
        raise BackupError(f"there is nothing to back up: {home} has no control database ({CONTROL})")
    out = out.absolute()
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    if out.is_dir():
        raise BackupError(f"{out} is a folder: name the backup file to write")
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        members = _write_archive(partial, home, progress)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    result = BackupResult(out, len(members), sum(m.size for m in members), out.stat().st_size, sha256(out))
    with control.connect() as con:
        control.audit(
            con,
            actor,
            "backup",
            str(out),
            files=result.files,
            bytes=result.bytes,
            archive_bytes=result.archive_bytes,
            sha256=result.sha256,
        )
    return result


def _write_archive(partial: Path, home: Path, progress: Progress | None) -> list[Member]:
    # Created owner-only from the first byte: it holds client-level rows and password hashes.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)  # whatever the umask
    with os.fdopen(fd, "wb") as handle, ExitStack() as stack:
        sources = _open_sources(stack, home)
        counter = Counter(sum(s.size for s in sources), progress)
        with tarfile.open(fileobj=handle, mode="w:gz", compresslevel=6) as tar:
            members = [_add(tar, source, counter) for source in sources]
            _add_bytes(tar, MANIFEST, _manifest(home, members))
        handle.flush()
        os.fsync(handle.fileno())
    return members


def _open_sources(stack: ExitStack, home: Path) -> list[_Source]:
    """Every file to archive, opened now: an open file is the version archived even if it is
    replaced meanwhile (the snapshot is swapped in with os.replace)."""
    sources = _opened(stack, home, _listed(home, SNAPSHOT_FOLDER))
    scratch = stack.enter_context(scratch_folder(home, BACKUP_PREFIX))
    _copy_control(scratch / CONTROL)
    os.chmod(scratch / CONTROL, control.path().stat().st_mode & 0o777)  # restored with the original's mode
    sources += _opened(stack, scratch, [scratch / CONTROL])
    for folder in FOLDERS:
        if folder != SNAPSHOT_FOLDER:
            sources += _opened(stack, home, _listed(home, folder))
    return sources


def _copy_control(target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while another process writes."""
    with (
        closing(sqlite3.connect(f"{control.path().as_uri()}?mode=ro", uri=True, timeout=30)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)


def _listed(home: Path, folder: str) -> list[Path]:
    found = []
    for here, folders, files in os.walk(home / folder):
        here = Path(here)
        skipped = INBOX_COPIES if here == home / "inbox" else ()
        folders[:] = sorted(d for d in folders if d not in skipped and _kept(here / d))
        found += [here / name for name in sorted(files) if _kept(here / name)]
    return found


def _kept(path: Path) -> bool:
    """Not a file still being written or a lock, and not a link that could lead out of the home."""
    return not path.is_symlink() and not path.name.endswith(TRANSIENT)


def _opened(stack: ExitStack, base: Path, paths: list[Path]) -> list[_Source]:
    sources = []
    for path in paths:
        try:
            handle = stack.enter_context(path.open("rb"))
        except FileNotFoundError:  # taken out of the inbox since it was listed: it is in raw/ now
            continue
        stat = os.fstat(handle.fileno())
        sources.append(_Source(path.relative_to(base).as_posix(), handle, stat.st_size, stat.st_mode, stat.st_mtime))
    return sources


def _add(tar: tarfile.TarFile, source: _Source, counter: Counter) -> Member:
    info = tarfile.TarInfo(source.name)
    info.size, info.mode, info.mtime = source.size, source.mode & 0o777, source.mtime
    reader = HashingReader(source.handle, counter)
    tar.addfile(info, reader)  # reads exactly info.size bytes, or fails
    return Member(source.name, source.size, reader.digest.hexdigest())


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, time.time()
    tar.addfile(info, io.BytesIO(data))


def _manifest(home: Path, members: list[Member]) -> bytes:
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": control.now(),
        "accueil_version": _version(),
        "home": str(home),
        "files": [asdict(m) for m in members],
    }
    return (json.dumps(manifest, indent=2) + "\n").encode("utf-8")


def _version() -> str:
    try:
        return metadata.version("accueil")
    except metadata.PackageNotFoundError:
        return "unknown"
