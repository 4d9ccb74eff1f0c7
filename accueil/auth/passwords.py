"""Password hashing with argon2id (argon2-cffi's defaults), and nothing else: no password is ever kept."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12

_hasher = PasswordHasher()


class WeakPassword(ValueError):
    pass


def check_strength(password: str) -> None:
    # Length is the one rule that measurably helps; composition rules mostly produce "Password1!".
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


@cache
def _decoy_hash() -> str:
    return _hasher.hash("decoy password, never valid")


def spend_verify_time(password: str) -> None:
    """Cost an unknown name as much as a known one, so timing does not tell which names exist."""
    verify(_decoy_hash(), password)
