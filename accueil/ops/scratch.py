"""The folders `accueil backup` and `accueil restore` work in inside the home, and what a killed
one leaves there.

A backup copies the register (password hashes included) into a `.backup-*` folder of the home,
a restore unpacks a whole backup into a `.restore-*` one: on the home's own file system, and
owner-only with it.  Each command removes its folder as it ends; a command killed before its end
(SIGKILL, the machine down) cannot, and its folder, hidden by its leading dot, would stay for
ever.  So each folder is locked while its command lives, and the next restore, build or start
of the service clears every folder no living command holds (`clear_abandoned`).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BACKUP_PREFIX = ".backup-"
RESTORE_PREFIX = ".restore-"
# A restore stopped after the home's former state went into its folder keeps the folder whole
# under this name, for the operator to put back (accueil.ops.restore).
FORMER_SUFFIX = "-former"
LEFT_BY = {
    BACKUP_PREFIX: "the copy of the register an interrupted backup had made",
    RESTORE_PREFIX: "the files an interrupted restore had unpacked",
}


@contextmanager
def scratch_folder(home: Path, prefix: str) -> Iterator[Path]:
    """A new folder of the home, locked until it is removed as the block ends."""
    folder = Path(tempfile.mkdtemp(dir=home, prefix=prefix))
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(handle)


def clear_abandoned(home: Path) -> list[str]:
    """The folders of backups and restores that are no longer running, cleared; what was done, in words.

    A restore's folder that holds `replaced` (the home's former state: the restore was stopped
    while it put files in place) is kept whole, renamed with FORMER_SUFFIX; every other one
    only held a copy of what the home or the backup holds, and is removed."""
    done = []
    for folder, prefix in _abandoned(home):
        if prefix == RESTORE_PREFIX and (folder / "replaced").exists():
            kept = folder.with_name(folder.name + FORMER_SUFFIX)
            os.replace(folder, kept)
            done.append(f"a restore was stopped while it put files in place: the home's former state is in {kept}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"removed {LEFT_BY[prefix]} ({folder.name})")
    return done


def _abandoned(home: Path) -> Iterator[tuple[Path, str]]:
    """Each scratch folder of the home that no living command holds, locked while the caller clears it."""
    if not home.is_dir():
        return
    for prefix in (BACKUP_PREFIX, RESTORE_PREFIX):
        for folder in sorted(home.glob(f"{prefix}*")):
            if folder.name.endswith(FORMER_SUFFIX) or folder.is_symlink() or not folder.is_dir():
                continue
            try:
                handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            except OSError:
                continue
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # its command is running
                os.close(handle)
                continue
            try:
                yield folder, prefix
            finally:
                os.close(handle)
