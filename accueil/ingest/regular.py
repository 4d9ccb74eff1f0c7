"""Reading an upload's path: a regular file of its own, and no further than the size limit.

A path named on the command line, dropped in the inbox or written by the dashboards may
be a symbolic link, a folder, a FIFO that would block, or a device that never ends.  It is
opened without following a link and without blocking, judged by what was opened (fstat, so
that nothing can be swapped in between), and read no further than a limit and one byte.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from accueil.ingest import names


class NotAFile(names.InvalidName):
    """An upload path that is not a regular file of its own: nothing was received."""


# What a path that is not a regular file is, as the refusal says it.
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def open_regular(path: Path) -> int:
    """A descriptor of the regular file at `path`, or NotAFile.

    Opened without following a symbolic link and without blocking (a FIFO would wait for a
    writer), then judged by what was opened (fstat), so that nothing can be swapped in between."""
    shown = names.file_name(path.name)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotAFile(f"{shown!r} is a symbolic link: upload the file itself, not a link to it.") from None
        raise NotAFile(f"{shown!r} cannot be opened ({exc.strerror}): upload a file that can be read.") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(mode)), "not a file")
        raise NotAFile(f"{shown!r} is {kind}, not a regular file: only a file can be uploaded.")
    return fd


def read_at_most(fd: int, count: int) -> bytes:
    pieces, left = [], count
    while left > 0:
        piece = os.read(fd, min(left, 1 << 20))
        if not piece:
            break
        pieces.append(piece)
        left -= len(piece)
    return b"".join(pieces)


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path` (NotAFile otherwise), read no further than `limit`
    and one more byte: a longer file is refused with NotAFile before anything is received."""
    fd = open_regular(path)
    try:
        data = read_at_most(fd, limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise NotAFile(f"{path.name!r} is over {limit // 2**20} MB: upload a smaller file.")
    return data
