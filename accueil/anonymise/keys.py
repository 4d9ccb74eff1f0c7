"""Partnership key files: 32 random bytes, hex-encoded on one line, readable by their owner only.

The key turns a client identifier into the pseudonymous client key
(``accueil.pseudonym.client_key``).  Whoever holds it can test a guessed identifier
against a client key, so it stays with the agencies: never in the warehouse, never
in an e-mail, never in a shared folder that others can read.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from accueil.pseudonym import KEY_PATTERN

KEY_BYTES = 32


class KeyFileError(ValueError):
    """A key file that cannot be written or used; the message is one sentence for the user."""


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def write_key_file(path: Path, key: bytes, *, overwrite: bool = False) -> None:
    """Create ``path`` with mode 0600 holding ``key``; refuse to replace a file unless ``overwrite``."""
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"A partnership key has {KEY_BYTES} bytes, not {len(key)}.")
    if overwrite:
        path.unlink(missing_ok=True)
    try:
        # O_EXCL: the check and the creation are one step, so an existing key is never replaced.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(
            f"{path} already exists and a key is never overwritten: choose another file name, "
            "or move the old key away first if you really mean to replace it."
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        if hasattr(os, "fchmod"):
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask
        handle.write(key.hex() + "\n")


def read_key_file(path: Path) -> bytes:
    """The key in ``path``; refuses a file that other users can read or change."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KeyFileError(f"There is no key file at {path}; make one with `accueil keygen --out {path}`.") from None
    if not stat.S_ISREG(mode):
        raise KeyFileError(f"{path} is not a file.")
    if os.name == "posix" and mode & 0o077:
        raise KeyFileError(
            f"The key file {path} can be read by other users (permissions {stat.filemode(mode)}), so it was not "
            f"used: make it private with `chmod 600 {path}` and run the command again."
        )
    try:
        text = path.read_text(encoding="ascii").strip().lower()
    except (UnicodeDecodeError, OSError):
        text = ""
    if not KEY_PATTERN.fullmatch(text):
        raise KeyFileError(
            f"{path} is not a partnership key file (one line of 64 hexadecimal characters, as `accueil keygen` writes)."
        )
    return bytes.fromhex(text)
