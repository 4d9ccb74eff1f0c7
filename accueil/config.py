"""Where Accueil keeps its state: everything lives under ACCUEIL_HOME (default ./data)."""

from __future__ import annotations

import os
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def home() -> Path:
    return Path(os.environ.get("ACCUEIL_HOME", "data")).resolve()


def sample_dir() -> Path:
    return home() / "sample"


def backdate_days() -> int:
    """How many days before the quarter an extract's records may be dated (late reporting)."""
    return int(os.environ.get("ACCUEIL_BACKDATE_DAYS", "0"))


# DuckDB's own default is 80% of the machine's memory: the warehouse is held to this instead
# (it spills to disk beyond it), so a national build fits beside the rest on an 8 GB budget.
DEFAULT_DUCKDB_MEMORY_LIMIT = "4GB"


def duckdb_memory_limit() -> str:
    """The memory DuckDB may use when it writes the warehouse (`accueil build`, dbt)."""
    return os.environ.get("ACCUEIL_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT)


def raw_dir() -> Path:
    return home() / "raw"


def reports_dir() -> Path:
    return home() / "reports"


def accepted_dir() -> Path:
    return home() / "accepted"


def inbox_dir() -> Path:
    return home() / "inbox"


def warehouse_path() -> Path:
    return home() / "warehouse.duckdb"


def published_path() -> Path:
    return home() / "published" / "warehouse.duckdb"


def signin_backoff_after() -> int:
    """The wrong password in a row from which each one makes the account wait before the next try."""
    value = int(os.environ.get("ACCUEIL_SIGNIN_BACKOFF_AFTER", "3"))
    if value < 1:
        raise ValueError("ACCUEIL_SIGNIN_BACKOFF_AFTER must be at least 1")
    return value


def signin_backoff_max_seconds() -> int:
    """The longest wait after wrong passwords, however many there were."""
    value = int(os.environ.get("ACCUEIL_SIGNIN_BACKOFF_MAX_SECONDS", "300"))
    if value < 1:
        raise ValueError("ACCUEIL_SIGNIN_BACKOFF_MAX_SECONDS must be at least 1")
    return value


def query_timeout_s() -> float:
    """How long one query by a funder, council or agency user (`accueil sql --user`) may run."""
    value = float(os.environ.get("ACCUEIL_QUERY_TIMEOUT_S", "30"))
    if not value > 0:
        raise ValueError("ACCUEIL_QUERY_TIMEOUT_S must be a number of seconds above 0")
    return value


_SIZE = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


def query_memory_limit() -> str:
    """The memory one such query may use, its copy of the marts included (DuckDB's memory_limit)."""
    value = os.environ.get("ACCUEIL_QUERY_MEMORY_LIMIT", "1GB").strip()
    if not _SIZE.match(value):
        raise ValueError("ACCUEIL_QUERY_MEMORY_LIMIT must be a size such as 1GB or 512MB")
    return value


def query_threads() -> int:
    """The threads one such query may use (DuckDB's threads)."""
    value = int(os.environ.get("ACCUEIL_QUERY_THREADS", "2"))
    if value < 1:
        raise ValueError("ACCUEIL_QUERY_THREADS must be at least 1")
    return value


def shared_group() -> str | None:
    """The operating-system group that may read published/ and reports/ (accueil.filemodes); None: nobody."""
    return os.environ.get("ACCUEIL_SHARED_GROUP", "").strip() or None


def session_minutes() -> int:
    """How long a sign-in lasts before the user must sign in again."""
    value = int(os.environ.get("ACCUEIL_SESSION_MINUTES", "60"))
    if value < 1:
        raise ValueError("ACCUEIL_SESSION_MINUTES must be at least 1")
    return value
