"""Who may read the home: its owner only, unless an admin shares the snapshot and the reports with a group.

The home holds users' password hashes and the audit log (control.sqlite), client-level
rows (raw/, accepted/, both warehouse.duckdb files) and reports that quote them, and
`accueil sql` without --user runs as an admin with no password: whoever can read the
files is an admin.  So every process that writes the home creates owner-only files
(umask 077: the `accueil` command, the dashboards' server, the Dagster code, and the
daemon and run workers that `accueil serve` starts, which inherit it), and the home is
tightened when a command or the service starts, for files made before this rule or
restored from an archive that kept wider modes.  `accueil status` reports anything wider.

ACCUEIL_SHARED_GROUP=NAME lets group NAME read published/ and reports/ (folders 2750,
setgid so new files take the group; files 640) and pass through the home (710) without
listing it.  Nothing else is shared.
"""

from __future__ import annotations

import grp
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from accueil import config

PRIVATE_UMASK = 0o077
SHARED_FOLDERS = ("published", "reports")
_GROUP_AND_OTHER = 0o077


def make_private() -> None:
    """Everything this process (and every child it starts) creates is owner-only from its first byte."""
    os.umask(PRIVATE_UMASK)


def shared_gid() -> int | None:
    name = config.shared_group()
    if name is None:
        return None
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        raise ValueError(f"ACCUEIL_SHARED_GROUP is {name!r}, which is not a group on this machine") from None


def _allowed(relative: tuple[str, ...], is_dir: bool, gid: int | None) -> int:
    """The group and other bits this entry may have."""
    if gid is None:
        return 0
    if not relative:
        return 0o010  # the group passes through the home to the shared folders, and cannot list it
    if relative[0] in SHARED_FOLDERS:
        return 0o050 if is_dir else 0o040
    return 0


def _entries(root: Path, home: Path) -> Iterator[tuple[str, tuple[str, ...], os.stat_result]]:
    """Every file and folder under root (root included), with its path relative to the home; links are skipped."""
    for folder, dirs, files in os.walk(root):
        # "" stands for the folder itself, yielded once: the root.
        for name in ["", *dirs, *files] if folder == str(root) else dirs + files:
            path = os.path.join(folder, name) if name else folder
            try:
                found = os.lstat(path)
            except OSError:  # removed while we walk
                continue
            if not stat.S_ISLNK(found.st_mode):
                yield path, Path(path).relative_to(home).parts, found


def tighten(root: Path | None = None) -> int:
    """Take group and other access away from this process's own files under root (default: the whole home),
    and give ACCUEIL_SHARED_GROUP what it may read.  Returns how many entries changed."""
    home = config.home()
    root = root or home
    if not root.is_dir():
        return 0
    gid, me, changed = shared_gid(), os.geteuid(), 0
    for path, relative, found in _entries(root, home):
        if found.st_uid != me:
            continue  # not ours to change; `accueil status` still reports it
        is_dir = stat.S_ISDIR(found.st_mode)
        allowed = _allowed(relative, is_dir, gid)
        mode = stat.S_IMODE(found.st_mode)
        wanted = (mode & ~_GROUP_AND_OTHER) | allowed
        if allowed and is_dir and relative:
            wanted |= stat.S_ISGID  # files made in a shared folder take its group
        try:
            if allowed and found.st_gid != gid:
                _give_group(path, gid)
                changed += 1
            if wanted != mode:
                os.chmod(path, wanted)
                changed += 1
        except FileNotFoundError:  # replaced while we walk (a new snapshot): the new one was made private
            continue
    return changed


def _give_group(path: str, gid: int) -> None:
    try:
        os.chown(path, -1, gid)
    except PermissionError:
        raise ValueError(
            f"cannot give {path} to ACCUEIL_SHARED_GROUP {config.shared_group()}: the home's owner must be a member"
        ) from None


def too_open(home: Path | None = None) -> list[str]:
    """Entries under the home that others than its owner can read or write (beyond what is shared),
    as 'path (mode)' relative to the home."""
    home = home or config.home()
    if not home.is_dir():
        return []
    gid = shared_gid()
    found_open = []
    for _path, relative, found in _entries(home, home):
        allowed = _allowed(relative, stat.S_ISDIR(found.st_mode), gid) if found.st_gid == gid else 0
        mode = stat.S_IMODE(found.st_mode)
        if mode & _GROUP_AND_OTHER & ~allowed:
            found_open.append(f"{'/'.join(relative) or '.'} ({mode & 0o777:o})")
    return found_open


def problem(home: Path | None = None) -> str | None:
    """The health report's sentence about file modes, or None when the home is private."""
    home = home or config.home()
    try:
        wide = too_open(home)
    except ValueError as exc:
        return str(exc)
    if not wide:
        return None
    examples = ", ".join(wide[:3]) + (", ..." if len(wide) > 3 else "")
    return (
        f"{len(wide)} file(s) or folder(s) under {home} can be read or written by others than its owner "
        f"({examples}): any other accueil command, or the service's start, makes them owner-only again"
    )
